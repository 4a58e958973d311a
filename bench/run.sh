#!/usr/bin/env bash
# The performance benchmark of Signons (PRODUCT.md "Performance targets"), one command after
# `cargo build --release` and `cargo build --release --example smtp_sink` (and `--example
# rocket_ceiling --example sqlite_ceiling` for the rows of the framework's and SQLite's ceilings):
#
#   bench/run.sh                      # SQLite; adds a PostgreSQL row when TEST_DATABASE_URL is set
#   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres bench/run.sh
#
# It starts the release binary on a fresh SQLite database with the demo data (`signons demo`), drives
# it with wrk (Debian) and prints a table, all measured in the same run on the same machine:
#   - the petition page at 32 connections (req/s, p50, p99) next to nginx (Debian) serving the very
#     same HTML bytes as a static file: the ceiling of this machine; and next to Rocket alone
#     serving those bytes from memory (examples/rocket_ceiling): the ceiling of the framework;
#   - signatures per second: every connection opens the page like a new visitor, then signs with a
#     fresh address; a signature is answered 303 only once committed (SQLite WAL,
#     synchronous=FULL); the script checks afterwards that every 303 is in the database; next to
#     SQLite's one-commit ceiling (examples/sqlite_ceiling: one signature and its mail row per
#     transaction, in a loop, no HTTP);
#   - confirmations per second (the links of the signatures just made, each pressed once);
#   - the server's resident memory at idle and the peak (VmHWM) of each phase: VmHWM starts again
#     from the current size before each (`echo 5 > /proc/PID/clear_refs`), and the resident size
#     three seconds after the phase shows what the process gave back; besides the phases above, a
#     burst of signers on 512 connections, and (unless MEMORY_PHASES=0) bench/export.sh,
#     bench/updates.sh and bench/login-memory.sh on their own servers; every peak must stay under
#     64 MB;
#   - the same signing load on PostgreSQL when a server URL is given (a throwaway database; without
#     TLS when the server is on this machine and the URL chooses no `sslmode`: lib.sh).
# Mail leaves by SMTP, as in production, to examples/smtp_sink on this machine (lib.sh,
# use_mail_sink; BENCH_MAIL=folder writes the `.eml` folder instead).
#
# Settings (environment): DURATION (seconds per run, 10), CONNECTIONS (32), THREADS (wrk, 2),
# ROUNDS (page runs, each right after an nginx run; medians are printed, 3), MEMORY_PHASES (1; 0
# skips the export, update and login phases), EXPORT_ROWS (100000), UPDATE_SIGNERS (20000),
# SIGNONS_BIN (default $CARGO_TARGET_DIR/release/signons), BENCH_PG_URL (else TEST_DATABASE_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR="$(pwd)/bench"
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-3}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$(realpath "${SIGNONS_BIN:-$TARGET/release/signons}")"
CEILING_BIN="$TARGET/release/examples/rocket_ceiling"
SQLITE_CEILING_BIN="$TARGET/release/examples/sqlite_ceiling"
PG_URL="${BENCH_PG_URL:-${TEST_DATABASE_URL:-}}"
[ -z "$PG_URL" ] || PG_URL="$(without_tls_on_this_machine "$PG_URL")"
[ -x "$BIN" ] || { echo "build first: cargo build --release (looked for $BIN)"; exit 2; }

export PATH="$PATH:/usr/sbin"
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  echo "installing wrk and nginx-light from Debian"
  apt-get update -qq && apt-get install -y -qq wrk nginx-light >/dev/null
fi
for tool in wrk nginx python3 curl; do
  command -v "$tool" >/dev/null || { echo "$tool is needed"; exit 2; }
done

WORK="$(mktemp -d /tmp/signons-bench.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "${PG_DB:-}" ] && psql_admin "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  [ "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
use_mail_sink "$WORK" "$TARGET" || exit 2
[ -z "${SINK_PID:-}" ] || PIDS+=("$SINK_PID")


# Starts Signons on a fresh database: start_server <name> [database url]. Sets PORT, BASE, PAGE_PATH,
# SERVER_PID and DATA.
start_server() {
  local name="$1" url="${2:-}"
  DATA="$WORK/$name"
  mkdir -p "$DATA"
  PORT="$(free_port)"
  BASE="http://127.0.0.1:$PORT"
  # Each signer of the load sends its own address in X-Real-IP, as a proxy in front would. No
  # proxy is told to stop sending here: the server stops without a grace period.
  export ROCKET_DATA_DIR="$DATA/data" ROCKET_PORT="$PORT" ROCKET_PUBLIC_URL="$BASE" ROCKET_LOG_LEVEL=critical \
    ROCKET_IP_HEADER=X-Real-IP ROCKET_SHUTDOWN_GRACE_SECS=0
  if [ -n "$url" ]; then export ROCKET_DATABASE_URL="$url"; else unset ROCKET_DATABASE_URL; fi
  local petition_url
  petition_url="$(cd "$DATA" && "$BIN" demo 2>>"$DATA/server.log" | tail -n1)"
  PAGE_PATH="${petition_url#"$BASE"}"
  (cd "$DATA" && exec "$BIN" serve >>"$DATA/server.log" 2>&1) &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 200); do curl -fs "$BASE/health" >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "the server did not start; log:"; cat "$DATA/server.log"; exit 1
}

# The memory of each phase: phase_start before it, phase_end <name> after it (which waits three
# seconds for the resident size the process keeps).
MEMORY_LIMIT_KB=$((64 * 1024))
MEMORY_ROWS=()
MEMORY_OVER=""
phase_start() { echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null || true; }
memory_row() {
  MEMORY_ROWS+=("| $1 | **$(mb "$2")** | $(mb "$3") |")
  if [ "$2" -ge "$MEMORY_LIMIT_KB" ]; then MEMORY_OVER+=" $1"; fi
}
phase_end() {
  local peak
  peak="$(rss_kb "$SERVER_PID" VmHWM)"
  sleep 3
  memory_row "$1" "$peak" "$(rss_kb "$SERVER_PID" VmRSS)"
}

stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }


sqlite_count() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$DATA/data/signons.db" "$1"; }
psql_admin() { psql -X -q -At "$PG_URL" -c "$1"; }
psql_bench() { psql -X -q -At "$PG_BENCH_URL" -c "$1"; }

# The signing load: prints "signatures/s accepted stored other pages".
sign_load() {
  local count_sql="select count(*) from signatures" counter="$1" out="$2"
  local before after line
  before="$($counter "$count_sql")"
  local sign_path
  sign_path="/petitions/$(curl -fs "$BASE$PAGE_PATH" | sed -n 's/.*action="\/petitions\/\([0-9]*\)\/sign[#"].*/\1/p' | head -n1)/sign"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$BENCH_DIR/wrk/sign.lua" "$BASE" \
    -- "$PAGE_PATH" "$sign_path" "$RANDOM$RANDOM" "$BASE" >"$out" 2>&1
  line="$(grep '^BENCH' "$out")"
  after="$($counter "$count_sql")"
  python3 - "$line" "$before" "$after" <<'PY'
import sys
f = dict(kv.split("=") for kv in sys.argv[1].split()[1:])
signed, seconds = int(f["signed"]), float(f["seconds"])
stored = int(sys.argv[3]) - int(sys.argv[2])
print(f"{signed / seconds:.0f} {signed} {stored} {f['other']} {f['pages']}")
PY
}

echo "Signons benchmark: $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s per run, binary $BIN, mail ${ROCKET_SMTP_URL:-to the .eml folder}"

# --- SQLite -------------------------------------------------------------------------------------
start_server sqlite
sleep 1
IDLE_RSS="$(rss_kb "$SERVER_PID" VmRSS)"
memory_row "start, demo data, idle" "$(rss_kb "$SERVER_PID" VmHWM)" "$IDLE_RSS"

# nginx serving the same bytes.
mkdir -p "$WORK/www" "$WORK/nginx"
curl -fs "$BASE$PAGE_PATH" -o "$WORK/www/page.html"
PAGE_BYTES="$(stat -c %s "$WORK/www/page.html")"
NGINX_PORT="$(free_port)"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type text/html;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; }
}
EOF
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
PIDS+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$NGINX_PORT/page.html" >/dev/null 2>&1 && break; sleep 0.05; done

# Rocket alone serving the same bytes from memory: the framework's ceiling on this machine.
CEILING_PORT=""
if [ -x "$CEILING_BIN" ]; then
  CEILING_PORT="$(free_port)"
  "$CEILING_BIN" "$WORK/www/page.html" "$CEILING_PORT" >"$WORK/ceiling.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$CEILING_PORT/page.html" >/dev/null 2>&1 && break; sleep 0.05; done
fi

curl -fs "$BASE$PAGE_PATH" >/dev/null # warm up
phase_start
# ROUNDS rounds of nginx then Signons, back to back; each figure is the median over the rounds and
# the ratio the median of the rounds' own ratios (other load on the machine moves both alike).
: >"$WORK/page-rounds.txt"
for round in $(seq "$ROUNDS"); do
  read -r n_rps n_p50 n_p99 _ < <(wrk_plain "http://127.0.0.1:$NGINX_PORT/page.html" "$WORK/wrk-nginx-$round.txt")
  c_rps=0 c_p50=0 c_p99=0
  if [ -n "$CEILING_PORT" ]; then
    read -r c_rps c_p50 c_p99 _ < <(wrk_plain "http://127.0.0.1:$CEILING_PORT/page.html" "$WORK/wrk-ceiling-$round.txt")
  fi
  read -r s_rps s_p50 s_p99 s_bad < <(wrk_plain "$BASE$PAGE_PATH" "$WORK/wrk-page-$round.txt")
  echo "$n_rps $n_p50 $n_p99 $s_rps $s_p50 $s_p99 $s_bad $c_rps $c_p50 $c_p99" >>"$WORK/page-rounds.txt"
done
read -r NG_RPS NG_P50 NG_P99 PG_RPS PG_P50 PG_P99 PG_BAD RATIO C_RPS C_P50 C_P99 C_RATIO S_OF_C < <(python3 - "$WORK/page-rounds.txt" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1]) if line.strip()]
med = lambda i: statistics.median(r[i] for r in rows)
ratio = statistics.median(r[3] / r[0] for r in rows)
ceiling = statistics.median(r[7] / r[0] for r in rows)
share = statistics.median(r[3] / r[7] if r[7] else 0 for r in rows)
print(f"{med(0):.0f} {med(1):.2f} {med(2):.2f} {med(3):.0f} {med(4):.2f} {med(5):.2f} {sum(r[6] for r in rows):.0f} {ratio:.2f}"
      f" {med(7):.0f} {med(8):.2f} {med(9):.2f} {ceiling:.2f} {share:.2f}")
PY
)
phase_end "page views, $CONNECTIONS connections"
phase_start
read -r SIG_RATE SIG_OK SIG_STORED SIG_OTHER SIG_PAGES < <(sign_load sqlite_count "$WORK/wrk-sign.txt")
phase_end "signing, $CONNECTIONS connections"
# A burst: 512 signers at once for a few seconds (their signatures are confirmed below as well).
phase_start
read -r BURST_RATE BURST_OK BURST_STORED BURST_OTHER _ < <(CONNECTIONS=512 DURATION=3 sign_load sqlite_count "$WORK/wrk-burst.txt")
phase_end "signing burst, 512 connections ($BURST_RATE/s, $BURST_OTHER other answers)"

# SQLite's own ceiling for this work, right after (the server idle): one signature and its mail row
# per transaction, one transaction after the other, WAL and synchronous=FULL, no HTTP.
SQLITE_CEILING=""
if [ -x "$SQLITE_CEILING_BIN" ]; then
  mkdir -p "$WORK/sqlite-ceiling"
  SQLITE_CEILING="$("$SQLITE_CEILING_BIN" "$WORK/sqlite-ceiling" "$DURATION" 2>>"$WORK/sqlite-ceiling.log" \
    | sed -n 's/^CEILING .*rate=\([0-9]*\).*/\1/p')"
fi

# Confirmations: the links of the signatures just made, read from the mail queue.
python3 - "$DATA/data/signons.db" "$WORK/tokens.txt" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
tokens = set()
for (text,) in db.execute("select body_text from mail_queue"):
    tokens.update(re.findall(r"/confirm/([A-Za-z0-9_-]{43})", text))
open(sys.argv[2], "w").write("\n".join(sorted(tokens)) + "\n")
PY
TOKENS="$(wc -l <"$WORK/tokens.txt")"
CONFIRMED_BEFORE="$(sqlite_count "select count(*) from signatures where confirmed_at is not null")"
phase_start
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$BENCH_DIR/wrk/confirm.lua" "$BASE" \
  -- "$WORK/tokens.txt" "$THREADS" "$PAGE_PATH" >"$WORK/wrk-confirm.txt" 2>&1
CONFIRMED_AFTER="$(sqlite_count "select count(*) from signatures where confirmed_at is not null")"
CONF_SECONDS="$(sed -n 's/^BENCH.*seconds=\([0-9.]*\).*/\1/p' "$WORK/wrk-confirm.txt")"
CONF_RATE="$(awk -v n=$((CONFIRMED_AFTER - CONFIRMED_BEFORE)) -v s="$CONF_SECONDS" 'BEGIN {printf "%.0f", n/s}')"
sleep 2 # the public count may be up to a second behind
PUBLIC_COUNT="$(curl -fs "$BASE/api/petitions/1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["signature_count"])')"
phase_end "confirmations, $CONNECTIONS connections"
stop_server

# --- PostgreSQL (optional) ----------------------------------------------------------------------
PG_ROW=""
if [ -n "$PG_URL" ] && command -v psql >/dev/null; then
  PG_DB="signons_bench_$RANDOM$RANDOM"
  psql_admin "CREATE DATABASE $PG_DB"
  PG_BENCH_URL="$(python3 -c 'import sys,urllib.parse as u; p=u.urlparse(sys.argv[1]); print(p._replace(path="/"+sys.argv[2]).geturl())' "$PG_URL" "$PG_DB")"
  start_server postgres "$PG_BENCH_URL"
  phase_start
  read -r PGS_RATE PGS_OK PGS_STORED PGS_OTHER _ < <(sign_load psql_bench "$WORK/wrk-sign-pg.txt")
  PGS_PEAK="$(rss_kb "$SERVER_PID" VmHWM)"
  phase_end "signing on PostgreSQL, $CONNECTIONS connections"
  stop_server
  PG_ROW="| signatures/s, PostgreSQL (page view + sign each) | **$PGS_RATE** = $(awk -v a="$PGS_RATE" -v b="$SIG_RATE" 'BEGIN {printf "%.2f", a/b}')× SQLite's ($PGS_OK answered 303, $PGS_STORED stored, $PGS_OTHER other answers; peak RSS $(mb "$PGS_PEAK")) | |"
  # PostgreSQL's one-commit ceiling for the same work, the server idle: the loop of the SQLite row.
  if [ -x "$SQLITE_CEILING_BIN" ]; then
    mkdir -p "$WORK/pg-ceiling"
    PG_CEILING="$("$SQLITE_CEILING_BIN" "$WORK/pg-ceiling" "$DURATION" "$PG_BENCH_URL" 2>>"$WORK/pg-ceiling.log" \
      | sed -n 's/^CEILING .*rate=\([0-9]*\).*/\1/p')"
    [ -n "$PG_CEILING" ] && PG_ROW+=$'\n'"| PostgreSQL alone, one signature + its mail row per transaction (the one-commit ceiling) | $PG_CEILING commits/s; Signons signs **$(awk -v a="$PGS_RATE" -v b="$PG_CEILING" 'BEGIN {printf "%.2f", a/b}')×** of it | |"
  fi
elif [ -n "$PG_URL" ]; then
  PG_ROW="| signatures/s, PostgreSQL | skipped: psql not found | |"
fi

echo
echo "| measure ($PAGE_BYTES-byte petition page, $CONNECTIONS connections) | Signons | nginx, same bytes as a static file |"
echo "|---|---|---|"
echo "| page views/s, median of $ROUNDS rounds | **$PG_RPS** (${RATIO}× nginx; non-2xx: ${PG_BAD:-0}) | $NG_RPS |"
echo "| latency p50 / p99 | $PG_P50 ms / **$PG_P99 ms** | $NG_P50 ms / $NG_P99 ms |"
if [ -n "$CEILING_PORT" ]; then
  echo "| Rocket alone, the same bytes from memory (the framework's ceiling) | $C_RPS (${C_RATIO}× nginx; Signons reaches ${S_OF_C}× of it), p50 / p99 $C_P50 ms / $C_P99 ms | |"
else
  echo "| Rocket alone (the framework's ceiling) | not measured: cargo build --release --example rocket_ceiling | |"
fi
echo "| signatures/s, SQLite (page view + sign each) | **$SIG_RATE** ($SIG_OK answered 303, $SIG_STORED stored, $SIG_OTHER other answers) | |"
if [ -n "$SQLITE_CEILING" ]; then
  echo "| SQLite alone, one signature + its mail row per transaction (the one-commit ceiling) | $SQLITE_CEILING commits/s; Signons signs **$(awk -v a="$SIG_RATE" -v b="$SQLITE_CEILING" 'BEGIN {printf "%.2f", a/b}')×** of it | |"
else
  echo "| SQLite's one-commit ceiling | not measured: cargo build --release --example sqlite_ceiling | |"
fi
echo "| confirmations/s, SQLite | **$CONF_RATE** ($((CONFIRMED_AFTER - CONFIRMED_BEFORE)) of $TOKENS links in ${CONF_SECONDS}s; public count afterwards $PUBLIC_COUNT) | |"
[ -n "$PG_ROW" ] && echo "$PG_ROW"
if [ "$SIG_STORED" -lt "$SIG_OK" ] || [ "$BURST_STORED" -lt "$BURST_OK" ]; then
  echo "FAIL: $((SIG_OK + BURST_OK)) signatures were answered 303 but $((SIG_STORED + BURST_STORED)) are stored"
  exit 1
fi

# --- Memory of the phases that run on their own servers ------------------------------------------
# run_phase <name> <script> <args…>: the script's own checks must pass; its PHASE line is the row.
run_phase() {
  local name="$1" script="$2" line
  shift 2
  if ! CARGO_TARGET_DIR="$TARGET" SIGNONS_LOG=error "$BENCH_DIR/$script" "$@" >"$WORK/$script.txt" 2>&1; then
    echo "FAIL: bench/$script $* (its output follows)"; cat "$WORK/$script.txt"; MEMORY_OVER+=" $name"
  fi
  line="$(grep '^PHASE ' "$WORK/$script.txt" | tail -n1)"
  [ -n "$line" ] || return 0
  memory_row "$name" "$(sed -n 's/.*peak_kb=\([0-9]*\).*/\1/p' <<<"$line")" "$(sed -n 's/.*settled_kb=\([0-9]*\).*/\1/p' <<<"$line")"
}
if [ "${MEMORY_PHASES:-1}" != 0 ]; then
  run_phase "export of ${EXPORT_ROWS:-100000} signatures (CSV)" export.sh "${EXPORT_ROWS:-100000}"
  run_phase "an update mailed to ${UPDATE_SIGNERS:-20000} signers" updates.sh "${UPDATE_SIGNERS:-20000}"
  run_phase "50 logins at once (Argon2)" login-memory.sh 50
fi
echo
echo "| phase (server resident memory) | peak (VmHWM) | resident 3 s after |"
echo "|---|---|---|"
printf '%s\n' "${MEMORY_ROWS[@]}"
[ -z "$MEMORY_OVER" ] || echo "FAIL: 64 MB reached or a phase failed:$MEMORY_OVER"

# --- Two instances behind nginx on one PostgreSQL database (bench/instances.sh) -----------------
if [ -n "$PG_URL" ] && command -v psql >/dev/null; then
  echo
  BENCH_PG_URL="$PG_URL" SIGNONS_BIN="$BIN" DURATION="$DURATION" CONNECTIONS="$CONNECTIONS" \
    THREADS="$THREADS" "$BENCH_DIR/instances.sh" measure
fi
[ -z "$MEMORY_OVER" ] || exit 1
