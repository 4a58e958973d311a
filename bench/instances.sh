#!/usr/bin/env bash
# Two instances of Signons behind nginx on one PostgreSQL database, one command after
# `cargo build --release` and `cargo build --release --example smtp_sink`:
#
#   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres bench/instances.sh           # measure
#   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres bench/instances.sh restart   # rolling restart
#   BENCH_PG_URL=… bench/instances.sh all                                                 # both
#
# A throwaway database with the demo data, two release instances sharing its secret key, and
# nginx (Debian's nginx-light) in front with the configuration the README recommends: an upstream
# of both instances, a micro-cache of one second that no logged-in visitor goes through, and
# `proxy_next_upstream` so that a request an instance refused goes to the other.
#
# `measure` prints, measured through nginx with wrk (2 threads, 32 connections):
#   - signatures/s: every connection opens the page as a new visitor, then signs (bench/wrk/sign.lua);
#     the script checks that every 303 is stored in PostgreSQL;
#   - page views/s of the petition page through the micro-cache, next to the same nginx serving the
#     same bytes as a static file;
#   - after confirming the signatures through nginx: how long until the public counts of both
#     instances (their /api/petitions/<id>, asked directly) agree with the database (target: 2 s).
# `restart` runs the same signing load through nginx while each instance in turn is stopped with
# SIGTERM, waited for, started again and waited for until /health answers 200; it fails unless
# every answer was 2xx or 3xx and every 303 is stored. With DRAIN=proxy (the default), each
# instance is first marked `down` in the upstream and nginx reloaded, as the README's procedure for
# nginx without active health checks says; with DRAIN=signal, SIGTERM alone (the instance's grace
# period and nginx's retries).
#
# Settings (environment): DURATION (seconds per run, 10), CONNECTIONS (32), THREADS (wrk, 2),
# GRACE (the instances' shutdown_grace_secs, 3), DRAIN (proxy or signal), SIGNONS_BIN (default
# $CARGO_TARGET_DIR/release/signons), BENCH_PG_URL (else TEST_DATABASE_URL). bench/run.sh calls
# `bench/instances.sh measure` at its end when a PostgreSQL URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR="$(pwd)/bench"
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
MODE="${1:-measure}"
case "$MODE" in measure | restart | all) ;; *) echo "usage: $0 [measure|restart|all]"; exit 2 ;; esac
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
GRACE="${GRACE:-3}"
DRAIN="${DRAIN:-proxy}"
case "$DRAIN" in proxy | signal) ;; *) echo "DRAIN is proxy or signal"; exit 2 ;; esac
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$(realpath "${SIGNONS_BIN:-$TARGET/release/signons}")"
PG_URL="${BENCH_PG_URL:-${TEST_DATABASE_URL:-}}"
[ -z "$PG_URL" ] || PG_URL="$(without_tls_on_this_machine "$PG_URL")"
[ -x "$BIN" ] || { echo "build first: cargo build --release (looked for $BIN)"; exit 2; }
[ -n "$PG_URL" ] || { echo "set BENCH_PG_URL (or TEST_DATABASE_URL) to a PostgreSQL server"; exit 2; }

export PATH="$PATH:/usr/sbin"
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  echo "installing wrk and nginx-light from Debian"
  apt-get update -qq && apt-get install -y -qq wrk nginx-light >/dev/null
fi
for tool in wrk nginx python3 curl psql; do
  command -v "$tool" >/dev/null || { echo "$tool is needed"; exit 2; }
done

WORK="$(mktemp -d /tmp/signons-instances.XXXXXX)"
chmod 755 "$WORK" # nginx's workers (nobody) write its cache below
declare -A PID PORT
NGINX_PID=""
psql_admin() { psql -X -q -At "$PG_URL" -c "$1"; }
cleanup() {
  for name in "${!PID[@]}"; do kill -KILL "${PID[$name]}" 2>/dev/null || true; done
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  [ -n "${SINK_PID:-}" ] && kill "$SINK_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "${PG_DB:-}" ] && psql_admin "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  [ "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

# Mail leaves by SMTP to a sink on this machine (lib.sh).
use_mail_sink "$WORK" "$TARGET" || exit 2

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }

PG_DB="signons_instances_$RANDOM$RANDOM"
psql_admin "CREATE DATABASE $PG_DB"
DB_URL="$(python3 -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path="/"+sys.argv[2]).geturl())' "$PG_URL" "$PG_DB")"
psql_db() { psql -X -q -At "$DB_URL" -c "$1"; }

NGINX_PORT="$(free_port)"
PROXY="http://127.0.0.1:$NGINX_PORT"
PORT[a]="$(free_port)"
PORT[b]="$(free_port)"
# What every instance shares: the database, the secret key, the public address (nginx's).
export ROCKET_DATABASE_URL="$DB_URL" ROCKET_PUBLIC_URL="$PROXY" ROCKET_IP_HEADER=X-Real-IP \
  ROCKET_LOG_LEVEL=critical ROCKET_SHUTDOWN_GRACE_SECS="$GRACE" \
  ROCKET_SECRET_KEY="$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(64)).decode())')"

# start_instance <name>: `signons serve` on PORT[name]; returns once /health answers 200.
start_instance() {
  local name="$1"
  mkdir -p "$WORK/$name"
  (cd "$WORK/$name" && ROCKET_DATA_DIR="$WORK/$name/data" ROCKET_PORT="${PORT[$name]}" \
    exec "$BIN" serve >>"$WORK/$name/server.log" 2>&1) &
  PID[$name]=$!
  for _ in $(seq 400); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORT[$name]}/health")" = 200 ] && return 0
    sleep 0.05
  done
  echo "instance $name did not start; log:"; cat "$WORK/$name/server.log"; exit 1
}

# stop_instance <name>: SIGTERM, then waits (at most GRACE + 30 s) for the process to exit by itself.
# Sets STOP_STATUS to its exit status.
stop_instance() {
  local name="$1" pid="${PID[$name]}"
  kill -TERM "$pid"
  for _ in $(seq $(((GRACE + 30) * 20))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then echo "instance $name did not exit"; exit 1; fi
  STOP_STATUS=0
  wait "$pid" || STOP_STATUS=$?
}

mkdir -p "$WORK/a"
PETITION_URL="$(cd "$WORK/a" && ROCKET_DATA_DIR="$WORK/a/data" "$BIN" demo 2>>"$WORK/a/server.log" | tail -n1)"
PAGE_PATH="${PETITION_URL#"$PROXY"}"
start_instance a
start_instance b
PETITION_ID="$(curl -fs "http://127.0.0.1:${PORT[a]}$PAGE_PATH" | sed -n 's/.*action="\/petitions\/\([0-9]*\)\/sign[#"].*/\1/p' | head -n1)"
SIGN_PATH="/petitions/$PETITION_ID/sign"

# nginx: the configuration of the README (upstream, micro-cache, retries), plus what a benchmark
# needs: temporary files under $WORK, the clients' own addresses taken from X-Real-IP (the signers
# of the load each send one, as if a proxy were in front), and a second server with the static file.
mkdir -p "$WORK/nginx" "$WORK/www"
# upstream_servers [name]: the upstream's servers, the one named marked down (out of rotation).
upstream_servers() {
  local server
  for server in a b; do
    echo "server 127.0.0.1:${PORT[$server]} max_fails=1 fail_timeout=2s$([ "$server" = "${1:-}" ] && echo " down");"
  done >"$WORK/nginx/upstream.conf"
}
upstream_servers
# nginx_reload: new workers read the configuration; the old ones finish their requests, then exit.
nginx_reload() { nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -s reload 2>>"$WORK/nginx/reload.log"; sleep 1; }
curl -fs "http://127.0.0.1:${PORT[a]}$PAGE_PATH" -o "$WORK/www/page.html"
STATIC_PORT="$(free_port)"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  keepalive_requests 1000000;

  # --- as in the README ---
  upstream signons {
    include $WORK/nginx/upstream.conf;
  }
  proxy_cache_path $WORK/nginx/cache levels=1:2 keys_zone=signons:10m max_size=100m inactive=10m use_temp_path=off;
  map \$cookie_session \$signons_logged_in { "" 0; default 1; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://signons;
      proxy_set_header Host \$host;
      proxy_set_header X-Real-IP \$remote_addr;
      proxy_set_header X-Request-Id \$request_id;
      proxy_connect_timeout 2s;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_cache signons;
      proxy_cache_key "\$scheme\$host\$request_uri|\$cookie_lang|\$http_accept_language";
      proxy_cache_bypass \$signons_logged_in;
      proxy_no_cache \$signons_logged_in;
      proxy_cache_lock on;
      proxy_cache_lock_timeout 0s;
      proxy_cache_use_stale updating error timeout http_502 http_503;
      add_header X-Cache-Status \$upstream_cache_status;
    }
  }
  # --- for the benchmark only ---
  set_real_ip_from 127.0.0.1;
  real_ip_header X-Real-IP;
  server { listen 127.0.0.1:$STATIC_PORT; root $WORK/www; default_type text/html; sendfile on; }
}
EOF
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
for _ in $(seq 100); do curl -fs "$PROXY/health" >/dev/null 2>&1 && break; sleep 0.05; done

stored() { psql_db "select count(*) from signatures"; }

# sign_through_nginx <seconds> <out>: the signing load of bench/run.sh through nginx; prints
# "signed other pages seconds".
sign_through_nginx() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1s" -s "$BENCH_DIR/wrk/sign.lua" "$PROXY" \
    -- "$PAGE_PATH" "$SIGN_PATH" "$RANDOM$RANDOM" >"$2" 2>&1
  sed -n 's/^BENCH signed=\([0-9]*\) other=\([0-9]*\) pages=\([0-9]*\) seconds=\([0-9.]*\).*/\1 \2 \3 \4/p' "$2"
}


FAILED=0
echo "Two instances behind nginx, one PostgreSQL database: $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS, binary $BIN"
echo
echo "| measure (two instances behind nginx, one PostgreSQL database) | result | nginx alone |"
echo "|---|---|---|"

if [ "$MODE" != restart ]; then
  before="$(stored)"
  read -r signed other pages seconds < <(sign_through_nginx "$DURATION" "$WORK/wrk-sign.txt")
  after="$(stored)"
  rate="$(awk -v n="$signed" -v s="$seconds" 'BEGIN {printf "%.0f", n/s}')"
  echo "| signatures/s through nginx (page view + sign each) | **$rate** ($signed answered 303, $((after - before)) stored, $other other answers) | |"
  [ "$((after - before))" -ge "$signed" ] || { echo "FAIL: $signed answered 303, $((after - before)) stored"; FAILED=1; }

  curl -fs -o /dev/null "$PROXY$PAGE_PATH"
  CACHE_STATUS="$(curl -fs -D - -o /dev/null "$PROXY$PAGE_PATH" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-cache-status" {print $2}')"
  CACHE_CONTROL="$(curl -fs -D - -o /dev/null "$PROXY$PAGE_PATH" | tr -d '\r' | awk -F': ' 'tolower($1) == "cache-control" {print $2}')"
  read -r s_rps s_p50 s_p99 s_bad < <(wrk_plain "http://127.0.0.1:$STATIC_PORT/page.html" "$WORK/wrk-static.txt")
  read -r p_rps p_p50 p_p99 p_bad < <(wrk_plain "$PROXY$PAGE_PATH" "$WORK/wrk-page.txt")
  ratio="$(awk -v a="$p_rps" -v b="$s_rps" 'BEGIN {printf "%.2f", a/b}')"
  echo "| page views/s through nginx (second answer: X-Cache-Status $CACHE_STATUS; Cache-Control: $CACHE_CONTROL) | **$p_rps** (${ratio}× nginx's static file; p50 / p99 $p_p50 / $p_p99 ms; non-2xx $p_bad) | $s_rps (p50 / p99 $s_p50 / $s_p99 ms) |"

  # Confirm the signatures just made, through nginx, then ask each instance for the public count.
  psql_db "select body_text from mail_queue" | python3 -c '
import re, sys
tokens = sorted(set(re.findall(r"/confirm/([A-Za-z0-9_-]{43})", sys.stdin.read())))
open(sys.argv[1], "w").write("\n".join(tokens) + "\n")' "$WORK/tokens.txt"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$BENCH_DIR/wrk/confirm.lua" "$PROXY" \
    -- "$WORK/tokens.txt" "$THREADS" "$PAGE_PATH" >"$WORK/wrk-confirm.txt" 2>&1
  confirmed="$(psql_db "select count(*) from signatures where petition_id = $PETITION_ID and confirmed_at is not null")"
  start="$(now)"
  agreed=""
  for _ in $(seq 100); do
    ca="$(curl -fs "http://127.0.0.1:${PORT[a]}/api/petitions/$PETITION_ID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["signature_count"])')"
    cb="$(curl -fs "http://127.0.0.1:${PORT[b]}/api/petitions/$PETITION_ID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["signature_count"])')"
    if [ "$ca" = "$confirmed" ] && [ "$cb" = "$confirmed" ]; then agreed="$(since "$start")"; break; fi
    sleep 0.1
  done
  if [ -n "$agreed" ] && awk -v t="$agreed" 'BEGIN {exit !(t <= 2)}'; then
    echo "| public counts of both instances after $confirmed confirmations through nginx | agree with the database ${agreed} s after the last one (target ≤ 2 s) | |"
  else
    echo "| public counts of both instances after $confirmed confirmations through nginx | **did not agree within 2 s** (a: $ca, b: $cb, database: $confirmed; ${agreed:-10+} s) | |"
    FAILED=1
  fi
fi

if [ "$MODE" != measure ]; then
  # Long enough for both restarts: per instance the grace, the stop, the start and a pause.
  RESTART_SECONDS=$((2 * (GRACE + 8) + 4))
  before="$(stored)"
  sign_through_nginx "$RESTART_SECONDS" "$WORK/wrk-restart.txt" >"$WORK/restart-result.txt" &
  LOAD=$!
  sleep 2
  STEPS=""
  for name in a b; do
    if [ "$DRAIN" = proxy ]; then upstream_servers "$name"; nginx_reload; fi
    t0="$(now)"
    stop_instance "$name"
    stopped="$(since "$t0")"
    t1="$(now)"
    start_instance "$name"
    STEPS="$STEPS $name: exit $STOP_STATUS after ${stopped} s, ready again $(since "$t1") s later;"
    [ "$STOP_STATUS" = 0 ] || { echo "FAIL: instance $name exited with $STOP_STATUS"; FAILED=1; }
    if [ "$DRAIN" = proxy ]; then upstream_servers; nginx_reload; fi
    sleep 2
  done
  wait "$LOAD"
  read -r signed other pages seconds <"$WORK/restart-result.txt"
  socket_errors="$(sed -n 's/^ *Socket errors: //p' "$WORK/wrk-restart.txt")"
  after="$(stored)"
  refused="$(grep -c 'while connecting to upstream' "$WORK/nginx/error.log" || true)"
  echo "| rolling restart under signing load (DRAIN=$DRAIN, grace ${GRACE} s; ${seconds} s of load) | **$other answers other than 2xx/3xx**; wrk socket errors: ${socket_errors:-none}; $signed × 303 and $pages pages; $((after - before)) stored; nginx passed $refused refused connections on to the other instance;$STEPS | |"
  if [ "$other" != 0 ] || [ "$((after - before))" -lt "$signed" ]; then
    echo "FAIL: $other answers other than 2xx/3xx, $signed answered 303, $((after - before)) stored"
    grep -v 'while connecting to upstream' "$WORK/nginx/error.log" | tail -n 20 || true
    FAILED=1
  fi
fi
exit "$FAILED"
