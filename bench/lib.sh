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
