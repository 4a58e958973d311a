# Helpers shared by bench/run.sh and bench/instances.sh (sourced; THREADS, CONNECTIONS and DURATION
# are the caller's).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# rss_kb <pid> <VmRSS|VmHWM>: a size from /proc/<pid>/status, in kB.
rss_kb() { awk -v k="$2" '$1==k":" {print $2}' "/proc/$1/status"; }
mb() { awk -v kb="$1" 'BEGIN {printf "%.1f MB", kb/1024}'; }

# wrk_plain <url> <out>: prints "req/s p50_ms p99_ms non2xx" of a plain GET load.
wrk_plain() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" >"$2" 2>&1
  awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
    $1 == "Requests/sec:" { rps = $2 }
    /Non-2xx/ { bad = $NF }
    END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad }' "$2"
}

# without_tls_on_this_machine <postgres url>: the URL with `sslmode=disable` added when the server is
# on this machine (127.0.0.1, ::1, localhost) and the URL does not choose a mode. TLS to the same
# machine protects nothing and costs both processes CPU (README, "PostgreSQL and several
# instances"); a URL that asks for a mode keeps it.
without_tls_on_this_machine() {
  python3 - "$1" <<'PY'
import sys, urllib.parse as u
url = sys.argv[1]
p = u.urlparse(url)
query = u.parse_qs(p.query)
if p.hostname in ("127.0.0.1", "::1", "localhost") and "sslmode" not in query:
    url = p._replace(query=(p.query + "&" if p.query else "") + "sslmode=disable").geturl()
print(url)
PY
}

# use_mail_sink <work dir> <target dir>: mail leaves by SMTP, as in production, to
# examples/smtp_sink on this machine (which counts what arrives and keeps it in its own memory),
# instead of the `.eml` folder Signons writes when no SMTP server is set: creating one file per mail on
# the bench's disk cost the server up to a third of its CPU under a signing flood (ext4 looking for
# a free inode among the thousands just deleted), a cost no production setup has. Exports
# ROCKET_SMTP_URL and sets SINK_PID; BENCH_MAIL=folder keeps the folder. Returns 1 when the sink is
# not built.
use_mail_sink() {
  local work="$1" sink="$2/release/examples/smtp_sink" port=""
  [ "${BENCH_MAIL:-smtp}" = folder ] && { unset ROCKET_SMTP_URL; return 0; }
  [ -x "$sink" ] || { echo "build first: cargo build --release --example smtp_sink (or BENCH_MAIL=folder)"; return 1; }
  "$sink" --timeout 86400 >"$work/smtp-sink.log" 2>&1 &
  SINK_PID=$!
  for _ in $(seq 100); do
    port="$(sed -n 's/^listening smtp:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$work/smtp-sink.log")"
    [ -n "$port" ] && break
    sleep 0.05
  done
  [ -n "$port" ] || { echo "the SMTP sink did not start"; return 1; }
  export ROCKET_SMTP_URL="smtp://127.0.0.1:$port"
}
