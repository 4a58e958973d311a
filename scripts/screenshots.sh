#!/usr/bin/env bash
# The README's screenshots of a petition page, desktop (1280 px) and phone (320 px), taken with
# Debian's headless Chromium from the demo petition of a throwaway instance:
#   scripts/screenshots.sh            # writes docs/petition-desktop.png and docs/petition-phone.png
# SIGNONS_BIN names a built binary (default: target/release/signons, built when missing);
# LANGUAGE=fr takes them in French; OUT=dir writes them elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

target="${CARGO_TARGET_DIR:-target}"
bin="${SIGNONS_BIN:-$target/release/signons}"
[ -x "$bin" ] || cargo build --locked --release --bin signons
out="${OUT:-docs}"
lang="${LANGUAGE:-en}"
mkdir -p "$out"
browser="$(command -v chromium || command -v chromium-browser)"

data="$(mktemp -d)"
port="$(free_port)"
export ROCKET_DATA_DIR="$data" ROCKET_PORT="$port" ROCKET_ADDRESS=127.0.0.1 ROCKET_LOG_LEVEL=off \
  ROCKET_TIME_ZONE=Europe/Paris ROCKET_DEFAULT_LANGUAGE="$lang"
path="$("$bin" demo 2>/dev/null | tail -n1 | sed 's|^https\?://[^/]*||')"
# A campaign under way: signatures gathered on paper, a goal and a closing date in two months.
closes="$(date -u -d '+60 days' +%Y-%m-%d)"
sqlite3 "$data/signons.db" "UPDATE petitions SET paper_signatures = 1284, goal = 2000,
  deadline = '${closes}T22:59:59Z' WHERE id = (SELECT MIN(id) FROM petitions)"
"$bin" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.1
done

shoot() { # width height file
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --lang="$lang" --accept-lang="$lang" \
    --window-size="$1,$2" --screenshot="$3" "http://127.0.0.1:$port$path" >/dev/null 2>&1
  echo "$3"
}
shoot 1280 900 "$out/petition-desktop.png"
shoot 320 1000 "$out/petition-phone.png"
