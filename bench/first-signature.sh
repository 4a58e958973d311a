#!/usr/bin/env bash
# The first-run journey of a release build on a fresh SQLite database, in a real browser: `signons
# demo`, then `signons serve` with a real SMTP server on localhost (examples/smtp_sink, which keeps
# each mail), then bench/first_signature.py drives headless Chromium through chromedriver (Debian's
# chromium and chromium-driver) to sign, confirm from the mailed link, and sign again; and checks
# French pages and mail and a form without its CSRF token.
#
#   cargo build --release --example smtp_sink && cargo build --release
#   bench/first-signature.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$(realpath "$TARGET/release/signons")"
SINK="$(realpath "$TARGET/release/examples/smtp_sink")"
[ -x "$BIN" ] && [ -x "$SINK" ] || { echo "build first: cargo build --release --example smtp_sink && cargo build --release"; exit 2; }
command -v chromedriver > /dev/null || { echo "needs chromium and chromium-driver (apt-get install -y chromium chromium-driver)"; exit 2; }

WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cleanup() { kill "${SERVER_PID:-}" "${SINK_PID:-}" 2>/dev/null || true; [ "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"; }
trap cleanup EXIT

"$SINK" --timeout 300 --save "$WORK/mail" > "$WORK/sink.log" &
SINK_PID=$!
for _ in $(seq 50); do grep -q listening "$WORK/sink.log" 2>/dev/null && break; sleep 0.1; done
export ROCKET_DATA_DIR="$WORK/data" ROCKET_PORT="$PORT" ROCKET_PUBLIC_URL="http://127.0.0.1:$PORT" \
       ROCKET_SMTP_URL="$(sed -n 's/^listening //p' "$WORK/sink.log")" SIGNONS_LOG=warn
PETITION_URL="$(cd "$WORK" && "$BIN" demo | tail -n1)"
echo "== signons demo printed $PETITION_URL"
(cd "$WORK" && exec "$BIN" serve > "$WORK/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/health" > /dev/null && break; sleep 0.1; done
python3 bench/first_signature.py --base "http://127.0.0.1:$PORT" --petition "$PETITION_URL" --mail "$WORK/mail"
