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
