#!/usr/bin/env bash
# CSV export of the release build: N signatures inserted straight into a fresh SQLite database (the
# demo petition of `signons demo`), the server started, the demo member logged in with curl (CSRF
# cookie and token from the login form), the export downloaded. Reports rows, bytes, seconds, rows/s
# and the server's memory: VmRSS at idle before the download and VmHWM (peak) after it.
#
#   cargo build --release
#   bench/export.sh [signatures=100000]
#
# Exits 1 when the file is wrong (not one row per signature) or when the server's peak resident
# memory reaches 64 MB: the export is streamed from the database in batches and must not hold the
# signatures in memory. Its line `PHASE peak_kb=… settled_kb=…` is read by bench/run.sh
# (settled: the resident memory three seconds after the download, what the process kept).
set -euo pipefail
cd "$(dirname "$0")/.."
SIGNATURES="${1:-100000}"
LIMIT_MB=64
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$(realpath "$TARGET/release/signons")"
[ -x "$BIN" ] || { echo "build first: cargo build --release"; exit 2; }
command -v curl > /dev/null || { echo "curl is needed"; exit 2; }

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
cleanup() {
    [ "${KEEP:-}" ] && echo "kept $WORK"
    kill "${SERVER_PID:-}" 2>/dev/null || true
    [ "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

unset ROCKET_CONFIG ROCKET_DATABASE_URL ROCKET_SMTP_URL
export ROCKET_DATA_DIR="$WORK/data" ROCKET_PORT="$PORT" ROCKET_PUBLIC_URL="$BASE" \
       SIGNONS_LOG="${SIGNONS_LOG:-warn}"
(cd "$WORK" && "$BIN" migrate > /dev/null)
DEMO="$(cd "$WORK" && "$BIN" demo)"
PASSWORD="$(sed -n 's/^Demo account: demo \/ password: //p' <<< "$DEMO")"
[ "$PASSWORD" ] || { echo "no demo account: $DEMO"; exit 2; }

echo "== inserting $SIGNATURES signatures in $WORK/data/signons.db"
PETITION="$(python3 - "$WORK/data/signons.db" "$SIGNATURES" <<'PY'
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
# The demo petition, and a timestamp written by the application itself (the stored format).
petition, stamp = db.execute("select id, created_at from petitions order by id limit 1").fetchone()
def rows():
    for i in range(n):
        confirmed = i % 3 != 0
        # search_key as Signons folds it (ASCII here: lower-cased name, a line break, the address).
        yield (petition, f"First{i}", f"Last{i}", f"signer{i:07d}@example.org", i % 2 == 0, "en-US",
               hashlib.sha256(f"bench-token-{i}".encode()).hexdigest(), stamp if confirmed else None, stamp, stamp,
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
CSRF="$(curl -fs -c "$JAR" -b "$JAR" "$BASE/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)"
STATUS="$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
    --data-urlencode "csrf=$CSRF" --data-urlencode "login=demo" --data-urlencode "password=$PASSWORD" "$BASE/login")"
[ "$STATUS" = 303 ] || { echo "login failed: $STATUS"; exit 2; }

kib() { sed -n "s/^$1:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$SERVER_PID/status"; }
sleep 1
IDLE_KB="$(kib VmRSS)"
HWM_BEFORE_KB="$(kib VmHWM)"
# The peak of this phase alone: VmHWM starts again from the current resident size.
echo 5 > "/proc/$SERVER_PID/clear_refs" 2>/dev/null || true

echo "== downloading the export"
read -r HTTP BYTES ELAPSED FIRST_BYTE < <(curl -s -b "$JAR" -o "$WORK/export.csv" \
    -w '%{http_code} %{size_download} %{time_total} %{time_starttransfer}\n' "$BASE/petitions/$PETITION/signatures.csv")
PEAK_KB="$(kib VmHWM)"
sleep 3
SETTLED_KB="$(kib VmRSS)"
[ "$HTTP" = 200 ] || { echo "FAIL: the export answered $HTTP"; exit 1; }

ROWS="$(python3 - "$WORK/export.csv" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    print(sum(1 for _ in csv.reader(f)) - 1)
PY
)"
python3 - "$ROWS" "$SIGNATURES" "$BYTES" "$ELAPSED" "$IDLE_KB" "$HWM_BEFORE_KB" "$PEAK_KB" "$LIMIT_MB" "$FIRST_BYTE" "$SETTLED_KB" <<'PY'
import sys
rows, expected, size, seconds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
idle, hwm_before, peak = (int(v) / 1024 for v in sys.argv[5:8])
limit, first_byte, settled = int(sys.argv[8]), float(sys.argv[9]), int(sys.argv[10]) / 1024
print(f"RESULT: {rows} rows, {size:,} bytes in {seconds:.2f} s: {rows / seconds:,.0f} rows/s "
      f"(first byte after {first_byte * 1000:.1f} ms)")
print(f"MEMORY: RSS idle {idle:.1f} MB (peak before the export {hwm_before:.1f} MB), "
      f"peak during the export {peak:.1f} MB (limit {limit} MB; +{peak - idle:.1f} MB), "
      f"resident 3 s later {settled:.1f} MB")
print(f"PHASE peak_kb={peak * 1024:.0f} settled_kb={settled * 1024:.0f}")
if rows != expected:
    print(f"FAIL: {rows} rows for {expected} signatures"); sys.exit(1)
if peak >= limit:
    print(f"FAIL: the server reached {peak:.1f} MB during the export"); sys.exit(1)
print("OK: one row per signature, memory flat")
PY
