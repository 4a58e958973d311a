#!/usr/bin/env bash
# Mail throughput of the release build: N mails queued straight into a fresh SQLite database, then the
# server started with no rate cap against a local SMTP sink; reports mails per second from the sink's
# first to its last receive, and checks every mail arrived once and is recorded as sent.
#
#   cargo build --release --example smtp_sink && cargo build --release
#   bench/mail-throughput.sh [mails=5000]
#
# Any ROCKET_MAIL_* variable set in the environment is passed on (e.g. ROCKET_MAIL_CONCURRENCY=16);
# ROCKET_MAIL_RATE_PER_MINUTE is forced to 0. Target: at least 500 mails/s; exits 1 when a mail is
# lost or duplicated, 3 when all arrived once but slower than the target.
set -euo pipefail
cd "$(dirname "$0")/.."
MAILS="${1:-5000}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$(realpath "$TARGET/release/signons")"
SINK="$(realpath "$TARGET/release/examples/smtp_sink")"
[ -x "$BIN" ] && [ -x "$SINK" ] || { echo "build first: cargo build --release --example smtp_sink && cargo build --release"; exit 2; }

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() {
    [ "${KEEP:-}" ] && echo "kept $WORK"
    kill "${SERVER_PID:-}" "${SINK_PID:-}" 2>/dev/null || true
    [ "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

"$SINK" --expect "$MAILS" --timeout 600 > "$WORK/sink.log" &
SINK_PID=$!
for _ in $(seq 50); do grep -q listening "$WORK/sink.log" 2>/dev/null && break; sleep 0.1; done
SMTP_URL="$(sed -n 's/^listening //p' "$WORK/sink.log")"

unset ROCKET_CONFIG ROCKET_DATABASE_URL
export ROCKET_DATA_DIR="$WORK/data" ROCKET_PORT="$PORT" ROCKET_PUBLIC_URL="http://127.0.0.1:$PORT" \
       ROCKET_SMTP_URL="$SMTP_URL" ROCKET_MAIL_RATE_PER_MINUTE=0 SIGNONS_LOG="${SIGNONS_LOG:-warn}"
(cd "$WORK" && "$BIN" migrate > /dev/null)

echo "== queueing $MAILS mails in $WORK/data/signons.db"
python3 - "$WORK/data/signons.db" "$MAILS" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2]); now = int(time.time() * 1000)
rows = [(f"<{now}.bench{i}@bench.test>", f"reader{i:06d}@example.org", f"Bench mail {i}",
         f"Hello reader {i},\n\nthis is mail {i} of the throughput bench.\n", 0, "pending", 0, now, now)
        for i in range(n)]
with db:
    db.executemany("insert into mail_queue (message_id, recipient, subject, body_text, priority, status,"
                   " attempts, next_attempt_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
print("queued", db.execute("select count(*) from mail_queue where status = 'pending'").fetchone()[0])
PY

echo "== sending with $(env | grep '^ROCKET_MAIL_' | tr '\n' ' ')"
(cd "$WORK" && exec "$BIN" serve > "$WORK/server.log" 2>&1) &
SERVER_PID=$!
wait "$SINK_PID" || true
SINK_PID=
tail -n 2 "$WORK/sink.log"

# The server records each mail as sent just after the sink has it: give it a moment.
python3 - "$WORK/data/signons.db" "$MAILS" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
for _ in range(100):
    mails = dict(db.execute("select status, count(*) from mail_queue group by status").fetchall())
    if mails.get("sent", 0) == n:
        break
    time.sleep(0.1)
print(f"mail_queue={mails}")
sys.exit(0 if mails.get("sent", 0) == n else 1)
PY
SUMMARY="$(grep '^summary' "$WORK/sink.log")"
grep -q "received=$MAILS distinct_recipients=$MAILS duplicates=0" <<< "$SUMMARY" || { echo "FAIL: not every mail arrived exactly once"; exit 1; }
RATE="$(sed -n 's/.*mails_per_second=\([0-9.]*\).*/\1/p' <<< "$SUMMARY")"
SPAN="$(sed -n 's/.*first_to_last_seconds=\([0-9.]*\).*/\1/p' <<< "$SUMMARY")"
echo "RESULT: $MAILS mails in ${SPAN}s from the first to the last received: $RATE mails/s (target: 500)"
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 500 else 1)" "$RATE" || { echo "BELOW TARGET: $RATE < 500 mails/s"; exit 3; }
echo "OK: every mail delivered once, at or above the target"
