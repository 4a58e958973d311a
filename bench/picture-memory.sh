#!/usr/bin/env bash
# Peak memory of the release build while pictures are processed: a fresh SQLite data dir, one
# account, one draft petition, and CLIENTS uploads at the same moment of a 12-megapixel phone photo
# (examples/phone_photo.rs) through the wizard's text step. Pictures are decoded one at a time, a
# JPEG at a reduced scale (`domain::petitions::picture`), so the peak resident memory (VmHWM) must
# stay under 64 MB.
#
#   cargo build --release && bench/picture-memory.sh [clients=4]
#
# Exits 1 when an upload fails, 3 when the peak reaches 64 MB; prints a `PHASE` line as the other
# memory scripts do.
set -euo pipefail
cd "$(dirname "$0")/.."
CLIENTS="${1:-4}"
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
# PHOTO names a photo already made (any JPEG); else examples/phone_photo.rs makes one.
if [ -n "${PHOTO:-}" ]; then cp "$PHOTO" "$WORK/photo.jpg"
else cargo run --quiet --release --locked --example phone_photo -- "$WORK/photo.jpg"; fi

unset ROCKET_CONFIG ROCKET_DATABASE_URL
export ROCKET_DATA_DIR="$WORK/data" ROCKET_PORT="$PORT" ROCKET_PUBLIC_URL="http://127.0.0.1:$PORT" \
       SIGNONS_LOG="${SIGNONS_LOG:-warn}"
PASSWORD="bench password, long enough"
(cd "$WORK" && "$BIN" admin create --username bench --email bench@example.org --password "$PASSWORD" > /dev/null)
(cd "$WORK" && exec "$BIN" serve > "$WORK/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/login" > /dev/null 2>&1 && break; sleep 0.1; done

python3 - "$PORT" "$CLIENTS" "$PASSWORD" "$WORK/photo.jpg" "$SERVER_PID" <<'PY'
import http.cookiejar, re, sys, threading, urllib.parse, urllib.request
port, clients, password, photo_path, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
base = f"http://127.0.0.1:{port}"
photo = open(photo_path, "rb").read()

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

def post(opener, path, data, content_type="application/x-www-form-urlencoded"):
    req = urllib.request.Request(base + path, data=data, headers={"Content-Type": content_type, "Origin": base})
    try:
        return opener.open(req)
    except urllib.error.HTTPError as e:
        return e

jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
csrf = lambda page: re.search(r'name="csrf" value="([^"]+)"', page).group(1)
token = csrf(opener.open(f"{base}/login").read().decode())
r = post(opener, "/login", urllib.parse.urlencode({"csrf": token, "login": "bench", "password": password}).encode())
assert r.status == 303, r.status
drafts = []
for i in range(clients):
    token = csrf(opener.open(f"{base}/petitions/new").read().decode())
    r = post(opener, "/petitions/new", urllib.parse.urlencode({"csrf": token, "title": f"Bench {i}", "owner": "personal"}).encode())
    drafts.append(int(re.search(r"/petitions/(\d+)/wizard", r.headers["Location"]).group(1)))
token = csrf(opener.open(f"{base}/petitions/{drafts[0]}/wizard/text").read().decode())

def body(boundary):
    parts = []
    for name, value in [("csrf", token), ("go", "next"), ("body_html", "A park."), ("picture_alt", "A photo")]:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="picture"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode() + photo + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)

boundary = "benchboundary7MA4YWxkTrZu0gW"
payload = body(boundary)
start = threading.Barrier(clients)
statuses = [None] * clients
def upload(i):
    start.wait()
    statuses[i] = post(opener, f"/petitions/{drafts[i]}/wizard/text", payload, f"multipart/form-data; boundary={boundary}").status
threads = [threading.Thread(target=upload, args=(i,)) for i in range(clients)]
for t in threads: t.start()
for t in threads: t.join()
ok = statuses.count(303)
print(f"uploads: {ok} of {clients} answered 303 (others: {sorted(set(statuses) - {303})})")
sys.exit(0 if ok == clients else 1)
PY
HWM_KB="$(awk '/VmHWM/ {print $2}' /proc/$SERVER_PID/status)"
sleep 6
RSS_KB="$(awk '/VmRSS/ {print $2}' /proc/$SERVER_PID/status)"
echo "RESULT: $CLIENTS concurrent 12-megapixel uploads, peak resident memory (VmHWM) $((HWM_KB / 1024)) MB ($HWM_KB kB), resident 6 s later $((RSS_KB / 1024)) MB (limit: 64 MB)"
echo "PHASE peak_kb=$HWM_KB settled_kb=$RSS_KB"
[ "$HWM_KB" -lt $((64 * 1024)) ] || { echo "ABOVE LIMIT: $((HWM_KB / 1024)) MB >= 64 MB"; exit 3; }
echo "OK: under 64 MB"
