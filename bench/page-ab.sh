#!/usr/bin/env bash
# The petition page of two release binaries, alternated, each on a fresh demo database: a change's
# cost on the page measured in one run on one machine.
#   bench/page-ab.sh <binary before> <binary after> [rounds, 3]
# Prints, per run: which binary, pages/s, p50 ms, p99 ms, non-2xx answers, the page's bytes.
# DURATION (seconds per run, 10), CONNECTIONS (32), THREADS (wrk, 2).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
THREADS="${THREADS:-2}" CONNECTIONS="${CONNECTIONS:-32}" DURATION="${DURATION:-10}"
out="$(mktemp)"
run() { # binary label
  local data port pid path
  data="$(mktemp -d)"; port="$(free_port)"
  path="$(ROCKET_DATA_DIR="$data" ROCKET_PORT="$port" ROCKET_LOG_LEVEL=off "$1" demo 2>/dev/null \
    | tail -n1 | sed 's|^https\?://[^/]*||')"
  ROCKET_DATA_DIR="$data" ROCKET_PORT="$port" ROCKET_LOG_LEVEL=off "$1" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -fs "http://127.0.0.1:$port$path" >/dev/null
  echo "$2 $(wrk_plain "http://127.0.0.1:$port$path" "$out") bytes=$(curl -fs "http://127.0.0.1:$port$path" | wc -c)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -rf "$data"
}
for _ in $(seq 1 "${3:-3}"); do run "$1" before; run "$2" after; done
rm -f "$out"
