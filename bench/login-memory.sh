#!/usr/bin/env bash
# Peak memory of the release build under 50 concurrent logins: a fresh SQLite data dir, one account
# (`signons admin create`), 50 clients that each fetch the login form (its CSRF cookie and token)
# and then post the right password at the same moment. Each Argon2 hash takes about 19 MB; the
# server runs at most as many at once as there are cores (`domain::password`), so its peak resident
# memory (VmHWM in /proc/<pid>/status) must stay under 64 MB.
#
#   cargo build --release
#   bench/login-memory.sh [clients=50]
#
# Exits 1 when a login fails, 3 when the peak reaches 64 MB. Its line `PHASE peak_kb=… settled_kb=…`
# is read by bench/run.sh (settled: the resident memory three seconds after the logins, what the
# process gave back).
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS="${1:-50}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$(realpath "$TARGET/release/signons")"
[ -x "$BIN" ] || { echo "build first: cargo build --release"; exit 2; }

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() {
    kill "${SERVER_PID:-}" 2>/dev/null || true
    [ "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

unset ROCKET_CONFIG ROCKET_DATABASE_URL
# The limits would answer most of these logins 429 before any hashing: lift them for the bench.
export ROCKET_DATA_DIR="$WORK/data" ROCKET_PORT="$PORT" ROCKET_PUBLIC_URL="http://127.0.0.1:$PORT" \
       ROCKET_LOGIN_ATTEMPTS_PER_MINUTE=100000 SIGNONS_LOG="${SIGNONS_LOG:-warn}"
PASSWORD="bench password, long enough"
(cd "$WORK" && "$BIN" admin create --username bench --email bench@example.org --password "$PASSWORD" > /dev/null)

(cd "$WORK" && exec "$BIN" serve > "$WORK/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/login" > /dev/null 2>&1 && break; sleep 0.1; done
echo "== server pid $SERVER_PID, VmHWM before: $(grep VmHWM /proc/$SERVER_PID/status | tr -s ' ')"

python3 - "$PORT" "$CLIENTS" "$PASSWORD" <<'PY'
import http.cookiejar, re, sys, threading, urllib.parse, urllib.request
port, clients, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
base = f"http://127.0.0.1:{port}"

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

openers, bodies = [], []
for _ in range(clients):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{base}/login").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    openers.append(opener)
    bodies.append(urllib.parse.urlencode({"csrf": csrf, "login": "bench", "password": password}).encode())

start = threading.Barrier(clients)
statuses = [None] * clients
def login(i):
    start.wait()
    try:
        statuses[i] = openers[i].open(f"{base}/login", data=bodies[i]).status
    except urllib.error.HTTPError as e:
        statuses[i] = e.code
threads = [threading.Thread(target=login, args=(i,)) for i in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
ok = statuses.count(303)
print(f"logins: {ok} of {clients} answered 303 (others: {sorted(set(statuses) - {303})})")
sys.exit(0 if ok == clients else 1)
PY
HWM_KB="$(awk '/VmHWM/ {print $2}' /proc/$SERVER_PID/status)"
sleep 3
RSS_KB="$(awk '/VmRSS/ {print $2}' /proc/$SERVER_PID/status)"
echo "RESULT: $CLIENTS concurrent logins, peak resident memory (VmHWM) $((HWM_KB / 1024)) MB ($HWM_KB kB), resident 3 s later $((RSS_KB / 1024)) MB (limit: 64 MB)"
echo "PHASE peak_kb=$HWM_KB settled_kb=$RSS_KB"
[ "$HWM_KB" -lt $((64 * 1024)) ] || { echo "ABOVE LIMIT: $((HWM_KB / 1024)) MB >= 64 MB"; exit 3; }
echo "OK: under 64 MB"
