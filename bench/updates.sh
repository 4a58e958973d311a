#!/usr/bin/env bash
# An update to N opted-in signers on the release build (issue 12, F6.5): N confirmed signatures that
# asked to be kept informed are inserted straight into a fresh SQLite database (the demo petition),
# the server is started against a local SMTP sink, the demo member writes an update and presses
# "send" with curl. Reports how long queuing every recipient took, the server's memory (VmRSS at idle
# before, VmHWM peak while queuing), and the delivery rate the sink saw.
#
#   cargo build --release --example smtp_sink && cargo build --release
#   bench/updates.sh [signers=100000]
#
# Exits 1 when a signer is mailed twice or not at all, or when the server's peak resident memory
# reaches 64 MB: the update is queued in batches and must not hold the recipients in memory. Its line
# `PHASE peak_kb=… settled_kb=…` is read by bench/run.sh (settled: the resident memory three seconds
# after the last mail, what the process kept).
set -euo pipefail
cd "$(dirname "$0")/.."
SIGNERS="${1:-100000}"
LIMIT_MB=64
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$(realpath "$TARGET/release/signons")"
SINK="$(realpath "$TARGET/release/examples/smtp_sink")"
[ -x "$BIN" ] && [ -x "$SINK" ] || { echo "build first: cargo build --release --example smtp_sink && cargo build --release"; exit 2; }
command -v curl > /dev/null || { echo "curl is needed"; exit 2; }

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
cleanup() {
    [ "${KEEP:-}" ] && echo "kept $WORK"
    kill "${SERVER_PID:-}" "${SINK_PID:-}" 2>/dev/null || true
    [ "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

"$SINK" --expect "$SIGNERS" --timeout 1800 > "$WORK/sink.log" &
SINK_PID=$!
for _ in $(seq 50); do grep -q listening "$WORK/sink.log" 2>/dev/null && break; sleep 0.1; done
SMTP_URL="$(sed -n 's/^listening //p' "$WORK/sink.log")"

unset ROCKET_CONFIG ROCKET_DATABASE_URL
export ROCKET_DATA_DIR="$WORK/data" ROCKET_PORT="$PORT" ROCKET_PUBLIC_URL="$BASE" \
       ROCKET_SMTP_URL="$SMTP_URL" ROCKET_MAIL_RATE_PER_MINUTE=0 SIGNONS_LOG="${SIGNONS_LOG:-warn}"
(cd "$WORK" && "$BIN" migrate > /dev/null)
DEMO="$(cd "$WORK" && "$BIN" demo)"
PASSWORD="$(sed -n 's/^Demo account: demo \/ password: //p' <<< "$DEMO")"
[ "$PASSWORD" ] || { echo "no demo account: $DEMO"; exit 2; }

echo "== inserting $SIGNERS confirmed signatures that asked for updates"
PETITION="$(python3 - "$WORK/data/signons.db" "$SIGNERS" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
petition, stamp = db.execute("select id, created_at from petitions order by id limit 1").fetchone()
def rows():
    for i in range(n):
        yield (petition, f"First{i}", f"Last{i}", f"signer{i:07d}@example.org", True, "en-US",
               hashlib.sha256(f"bench-token-{i}".encode()).hexdigest(), stamp, stamp, stamp,
               f"first{i} last{i}\nsigner{i:07d}@example.org")
with db:
    db.executemany("insert into signatures (petition_id, first_name, last_name, email, newsletter, locale,"
                   " confirmation_token_hash, confirmed_at, created_at, updated_at, search_key)"
                   " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())
print(petition)
PY
)"

(cd "$WORK" && exec "$BIN" serve > "$WORK/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 100); do curl -fs "$BASE/health" > /dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$BASE/health" > /dev/null || { echo "the server did not start"; cat "$WORK/server.log"; exit 2; }

JAR="$WORK/cookies"
csrf() { curl -fs -c "$JAR" -b "$JAR" "$BASE$1" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
CSRF="$(csrf /login)"
STATUS="$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
    --data-urlencode "csrf=$CSRF" --data-urlencode "login=demo" --data-urlencode "password=$PASSWORD" "$BASE/login")"
[ "$STATUS" = 303 ] || { echo "login failed: $STATUS"; exit 2; }
CSRF="$(csrf "/petitions/$PETITION/updates")"
LOCATION="$(curl -s -o /dev/null -w '%{redirect_url}' -c "$JAR" -b "$JAR" --data-urlencode "csrf=$CSRF" \
    --data-urlencode "subject=We handed the petition over" --data-urlencode "body=Thank you **all**." \
    --data-urlencode "action=save" "$BASE/petitions/$PETITION/updates")"
UPDATE="$(sed -n 's#.*/updates/\([0-9]*\).*#\1#p' <<< "$LOCATION")"
[ "$UPDATE" ] || { echo "the update was not saved: $LOCATION"; exit 2; }

kib() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$SERVER_PID/status"; }
sleep 1
IDLE_KB="$(kib VmRSS)"
# The peak of this phase alone: VmHWM starts again from the current resident size.
echo 5 > "/proc/$SERVER_PID/clear_refs" 2>/dev/null || true
echo "== sending update $UPDATE to $SIGNERS signers"
START="$(date +%s.%N)"
curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf=$CSRF" "$BASE/petitions/$PETITION/updates/$UPDATE/send"
until python3 - "$WORK/data/signons.db" "$UPDATE" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
sys.exit(0 if db.execute("select sent_at is not null from petition_updates where id = ?", (int(sys.argv[2]),)).fetchone()[0] else 1)
PY
do sleep 0.2; done
QUEUED="$(date +%s.%N)"
QUEUE_PEAK_KB="$(kib VmHWM)"
echo "== waiting for the mail"
wait "$SINK_PID" || true
PEAK_KB="$(kib VmHWM)"
sleep 3
SETTLED_KB="$(kib VmRSS)"
tail -n 1 "$WORK/sink.log"
python3 - "$START" "$QUEUED" "$IDLE_KB" "$QUEUE_PEAK_KB" "$PEAK_KB" "$LIMIT_MB" "$SIGNERS" "$WORK/sink.log" "$SETTLED_KB" <<'PY'
import re, sys
start, queued = float(sys.argv[1]), float(sys.argv[2])
idle, queue_peak, peak = (int(v) / 1024 for v in sys.argv[3:6])
limit, n = int(sys.argv[6]), int(sys.argv[7])
summary = open(sys.argv[8]).read()
settled = int(sys.argv[9]) / 1024
m = re.search(r"summary received=(\d+) distinct_recipients=(\d+) duplicates=(\d+).*mails_per_second=([\d.]+)", summary)
print(f"QUEUED: {n} recipients in {queued - start:.1f} s ({n / (queued - start):,.0f}/s)")
print(f"MEMORY: RSS idle {idle:.1f} MB, peak while queuing {queue_peak:.1f} MB, peak while sending {peak:.1f} MB "
      f"(limit {limit} MB; +{peak - idle:.1f} MB), resident 3 s later {settled:.1f} MB")
print(f"PHASE peak_kb={peak * 1024:.0f} settled_kb={settled * 1024:.0f}")
if not m:
    print("FAIL: no summary from the SMTP sink"); sys.exit(1)
received, distinct, dups, rate = int(m[1]), int(m[2]), int(m[3]), float(m[4])
print(f"DELIVERED: {received} mails, {distinct} distinct recipients, {dups} duplicates, {rate:,.0f} mails/s")
if received != n or distinct != n or dups:
    print("FAIL: not every signer got the update exactly once"); sys.exit(1)
if peak >= limit:
    print(f"FAIL: the server reached {peak:.1f} MB while sending"); sys.exit(1)
print("OK: every signer mailed once, memory flat")
PY
