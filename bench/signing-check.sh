#!/usr/bin/env bash
# End-to-end check of the release build on a fresh SQLite database: N concurrent signers (distinct
# addresses, each a browser of its own), every signature stored, every confirmation delivered to a
# real SMTP server on localhost, no error answered, no "database is locked" in the log.
#
#   cargo build --release --example smtp_sink && cargo build --release
#   bench/signing-check.sh [signers=200] [smtp_451_seconds=0]
#
# With a second argument, the SMTP server answers 451 to everything for that many seconds first:
# every mail must still arrive once it accepts.
set -euo pipefail
cd "$(dirname "$0")/.."
SIGNERS="${1:-200}"
FAIL_SECS="${2:-0}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$(realpath "$TARGET/release/signons")"
SINK="$(realpath "$TARGET/release/examples/smtp_sink")"
[ -x "$BIN" ] && [ -x "$SINK" ] || { echo "build first: cargo build --release --example smtp_sink && cargo build --release"; exit 2; }

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() { [ "${KEEP:-}" ] && echo "kept $WORK"; kill "${SERVER_PID:-}" "${SINK_PID:-}" 2>/dev/null || true; }
trap cleanup EXIT

"$SINK" --expect "$SIGNERS" --temp-fail-secs "$FAIL_SECS" --timeout $((FAIL_SECS + 300)) > "$WORK/sink.log" &
SINK_PID=$!
for _ in $(seq 50); do grep -q listening "$WORK/sink.log" 2>/dev/null && break; sleep 0.1; done
SMTP_URL="$(sed -n 's/^listening //p' "$WORK/sink.log")"

export ROCKET_DATA_DIR="$WORK/data" ROCKET_PORT="$PORT" ROCKET_PUBLIC_URL="http://127.0.0.1:$PORT" \
       ROCKET_SMTP_URL="$SMTP_URL" SIGNONS_LOG=info
PETITION_URL="$(cd "$WORK" && "$BIN" demo | tail -n1)"
(cd "$WORK" && exec "$BIN" serve > "$WORK/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done

echo "== $SIGNERS concurrent signers against $PETITION_URL (SMTP answers 451 for ${FAIL_SECS}s)"
python3 bench/concurrent_signers.py --base "http://127.0.0.1:$PORT" --path "${PETITION_URL#http://127.0.0.1:$PORT}" --signers "$SIGNERS"

echo "== waiting for the mail"
wait "$SINK_PID" || true
tail -n 3 "$WORK/sink.log"
python3 - "$WORK/data/signons.db" "$SIGNERS" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
sigs = db.execute("select count(*) from signatures").fetchone()[0]
mails = dict(db.execute("select status, count(*) from mail_queue group by status").fetchall())
print(f"signatures stored={sigs} mail_queue={mails}")
sys.exit(0 if sigs == n and mails.get("sent", 0) == n else 1)
PY
if grep -qi "database is locked" "$WORK/server.log"; then echo "FAIL: 'database is locked' in the log"; exit 1; fi
grep -q "summary received=$SIGNERS distinct_recipients=$SIGNERS duplicates=0" "$WORK/sink.log" || { echo "FAIL: not every mail arrived exactly once"; exit 1; }
echo "OK: $SIGNERS signatures stored, $SIGNERS mails delivered once each, no error, no lock error"
