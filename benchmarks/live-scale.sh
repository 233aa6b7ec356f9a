#!/usr/bin/env bash
# Live checks at scale: `haprobe check --lateness` on N servers, all pointing at one local nginx that answers
# GET /health on several loopback ports, with a capped heap. Reports the check rate against the demand, the
# servers UP, the resident memory, the lateness of the checks' starts and the heap after GC.
#
#   benchmarks/live-scale.sh SERVERS INTER SECONDS
#   benchmarks/live-scale.sh 100000 10s 60
#
# SERVERS  number of servers (one backend; server i checks nginx port i mod PORTS)
# INTER    the servers' `inter`, HAProxy time units (10s, 500ms, ...; bare = ms)
# SECONDS  how long `haprobe check` runs (--duration)
#
# Figures: checks/s from the deltas of nginx's stub_status request counter over the window (it starts WARMUP
# seconds after the last first check is planned, INTER after the start as HAProxy spreads them, and ends 1 s
# before the run's end); RSS of the JVM at the end of the window (VmRSS) and its peak (VmHWM); servers UP from the
# summary; lateness percentiles from --lateness (the whole run, then the checks planned after the first round);
# heap after GC from the JVM's GC log (-Xlog:gc): the heap occupancy after each collection during the window, the
# lowest, the last and the highest.
# LIVE=1 also runs `jcmd GC.run` at the end of the window and prints the heap used after that full collection:
# the live set, at the price of one full pause that the lateness figures then include.
#
# Environment: NGINX (default /usr/sbin/nginx), PORTS (nginx listening ports, default 16), WARMUP (seconds after the
# first checks are spread, default 2), HEAP (default 512m, -Xmx), HAPROBE_JAVA_OPTS (more JVM options, e.g.
# -XX:+UseZGC or -XX:StartFlightRecording=...), HAPROBE_ARGS (more `haprobe check` options, e.g. "--threads 1"),
# HAPROBE_JAR (a haprobe.jar to run instead of this checkout's), KEEP=1 keeps the temp dir, LIVE=1 (above).
# haprobe runs through the launcher (./haprobe, with HAPROBE_JAR and HAPROBE_JAVA_OPTS), so with the JVM options of
# `./haprobe check` (a -XX:+Use...GC in HAPROBE_JAVA_OPTS replaces the launcher's collector, if it sets one).
#
# Every process it starts is stopped by its PID on exit (normal end, error or Ctrl-C); the temp dir is removed.
set -euo pipefail

usage() {
  echo "usage: $0 SERVERS INTER SECONDS   (e.g. $0 100000 10s 60)" >&2
  exit 1
}
die() {
  echo "live-scale: $*" >&2
  exit 1
}

[ $# -eq 3 ] || usage
servers=$1 inter=$2 seconds=$3
[[ $servers =~ ^[1-9][0-9]*$ ]] || die "SERVERS must be a positive integer (got '$servers')"
[[ $inter =~ ^[0-9]+(ms|s|m)?$ ]] || die "INTER must be a HAProxy time such as 500ms or 10s (got '$inter')"
[[ $seconds =~ ^[1-9][0-9]*$ ]] || die "SECONDS must be a positive integer (got '$seconds')"
ports=${PORTS:-16}
warmup=${WARMUP:-2}
heap=${HEAP:-512m}

case $inter in
  *ms) inter_ms=${inter%ms} ;;
  *s) inter_ms=$(( ${inter%s} * 1000 )) ;;
  *m) inter_ms=$(( ${inter%m} * 60000 )) ;;
  *) inter_ms=$inter ;;
esac
[ "$inter_ms" -gt 0 ] || die "INTER must be above 0"
# the window: from the end of the spreading of the first checks plus the warm-up, to 1 s before the end
window_start=$(( (inter_ms + 999) / 1000 + warmup ))
window=$(( seconds - window_start - 1 ))
[ "$window" -ge 2 ] || die "SECONDS must be at least INTER + WARMUP + 3 = $((window_start + 3)) s (got $seconds)"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nginx=${NGINX:-/usr/sbin/nginx}
[ -x "$nginx" ] || die "nginx not found at $nginx (apt-get install nginx, or set NGINX)"
command -v curl >/dev/null || die "curl is needed to read nginx's stub_status"
command -v python3 >/dev/null || die "python3 is needed to find free ports"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/live-scale.XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  if [ "${KEEP:-0}" = 1 ]; then
    echo "live-scale: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# PORTS free ports on 127.0.0.1, held together while they are picked so that none repeats
free_ports() {
  python3 -c '
import socket, sys
held = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in held:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))
for s in held:
    s.close()' "$1"
}

wait_port() {
  local port=$1 pid=$2 what=$3
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || die "$what exited before listening on 127.0.0.1:$port (see $tmp)"
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  die "$what does not listen on 127.0.0.1:$port after 10 s"
}

requests() {
  curl -s --max-time 5 "http://127.0.0.1:$status_port/nginx_status" | awk 'NR == 3 { print $3 }'
}

now_ns() {
  date +%s%N
}

# --- nginx: one worker, PORTS listening ports for the checks, one for stub_status -----------------------------
read -r -a check_ports <<<"$(free_ports $((ports + 1)))"
status_port=${check_ports[$ports]}
unset "check_ports[$ports]"
mkdir -p "$tmp/nginx"
{
  echo "worker_processes 1;"
  echo "daemon off;"
  echo "master_process on;"
  echo "pid $tmp/nginx/nginx.pid;"
  echo "error_log $tmp/nginx/error.log warn;"
  echo "worker_rlimit_nofile 65536;"
  echo "events { worker_connections 16384; }"
  echo "http {"
  echo "    access_log off;"
  for d in body proxy fastcgi uwsgi scgi; do echo "    ${d}_temp_path $tmp/nginx/$d;"; done | sed 's/body_temp/client_body_temp/'
  echo "    server {"
  for port in "${check_ports[@]}"; do echo "        listen 127.0.0.1:$port backlog=4096;"; done
  echo "        listen 127.0.0.1:$status_port;"
  echo "        location = /health { return 200; }"
  echo "        location = /nginx_status { stub_status; }"
  echo "    }"
  echo "}"
} >"$tmp/nginx/nginx.conf"
"$nginx" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx/stdout" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")
wait_port "$status_port" "$nginx_pid" nginx
[ -n "$(requests)" ] || die "nginx's stub_status does not answer on 127.0.0.1:$status_port/nginx_status"

# --- haproxy.cfg ---------------------------------------------------------------------------------------------
cfg="$tmp/haproxy.cfg"
python3 - "$cfg" "$servers" "$inter" "${check_ports[*]}" <<'PY'
import sys
path, n, inter, ports = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4].split()
with open(path, 'w') as f:
    f.write("defaults\n    mode http\n    timeout connect 5s\n    timeout check 5s\n"
            "    timeout client 30s\n    timeout server 30s\n\n"
            "backend bench\n    option httpchk GET /health\n")
    for i in range(n):
        f.write(f"    server s{i + 1} 127.0.0.1:{ports[i % len(ports)]} check inter {inter}\n")
PY

# --- the run -------------------------------------------------------------------------------------------------
if [ -n "${HAPROBE_JAR:-}" ]; then
  jar=$HAPROBE_JAR
  [ -f "$jar" ] || die "HAPROBE_JAR: no such file: $jar"
else
  jar="$root/cli/target/haprobe.jar"
  "$root/haprobe" --version >/dev/null || die "cannot build the haprobe CLI"
fi
echo "live-scale: $servers servers, inter $inter, ${seconds}s; heap -Xmx$heap; nginx on 127.0.0.1 ports" \
  "${check_ports[0]}.. (${ports}); window ${window}s from t=${window_start}s" >&2
t_launch=$(now_ns)
# through the launcher, so that the run has the JVM options `./haprobe check` has (its collector); the launcher execs
# java, so $! is the JVM's PID
# shellcheck disable=SC2086
HAPROBE_JAR="$jar" HAPROBE_JAVA_OPTS="-Xmx$heap -Xlog:gc:file=$tmp/gc.log:uptime ${HAPROBE_JAVA_OPTS:-}" \
  "$root/haprobe" check -f "$cfg" --duration "${seconds}s" --no-probe --lateness ${HAPROBE_ARGS:-} \
  >"$tmp/haprobe.out" 2>"$tmp/haprobe.err" &
haprobe_pid=$!
pids+=("$haprobe_pid")

# the run's t=0 is the first check reaching nginx (the config is loaded and the engine built by then)
# (each stub_status read counts itself: after k reads the counter is base + k without any check)
base=$(requests)
polls=0
for _ in $(seq 1200); do
  kill -0 "$haprobe_pid" 2>/dev/null || die "haprobe exited before its first check (see $tmp, KEEP=1)"
  polls=$((polls + 1))
  [ "$(requests)" -gt $((base + polls)) ] && break
  sleep 0.1
done
t_first=$(now_ns)
boot_ms=$(( (t_first - t_launch) / 1000000 ))
sleep "$window_start"
kill -0 "$haprobe_pid" 2>/dev/null || die "haprobe exited during the warm-up (see $tmp)"
t0=$(now_ns); r0=$(requests)
sleep "$window"
kill -0 "$haprobe_pid" 2>/dev/null || die "haprobe exited before the end of the window (see $tmp)"
t1=$(now_ns); r1=$(requests)
rss_kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$haprobe_pid/status")
hwm_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$haprobe_pid/status")
threads=$(awk '/^Threads:/ { print $2 }' "/proc/$haprobe_pid/status")
live=-
if [ "${LIVE:-0}" = 1 ]; then
  jcmd "$haprobe_pid" GC.run >/dev/null
  live=$(jcmd "$haprobe_pid" GC.heap_info | awk '/total/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); printf "%.0f", v / 1024 } }' | head -1)
fi
status=0
wait "$haprobe_pid" || status=$?

checks=$((r1 - r0 - 1))
rate=$(awk "BEGIN { printf \"%.0f\", $checks / (($t1 - $t0) / 1e9) }")
demand=$(awk "BEGIN { printf \"%.0f\", $servers * 1000 / $inter_ms }")
up=$(grep -cE '^bench/s[0-9]+ +UP ' "$tmp/haprobe.out" || true)
lateness=$(grep "^lateness " "$tmp/haprobe.out" || echo "lateness: (none printed; see $tmp/haprobe.err)")
# "[12.345s][info][gc] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 300M->120M(512M) 5.123ms"
# Shenandoah's pauses carry no heap figures ("GC(7) Pause Final Mark (unload classes) 0.234ms"), its concurrent
# phases do ("GC(7) Concurrent cleanup 480M->350M(512M) 0.1ms"): every line with "->" is a heap after GC, every
# "Pause" line with a time is a pause
gc=$(awk -v from="$(( (t0 - t_launch) / 1000000 ))" -v to="$(( (t1 - t_launch) / 1000000 ))" '
  /->|Pause.*ms$/ {
    t = $1; gsub(/[\[\]s]/, "", t); t *= 1000
    if (t < from || t > to) next
    if ($0 ~ /Pause.*ms$/) { p = $NF; sub(/ms/, "", p); if (p + 0 > maxp) maxp = p + 0; pauses++ }
    if ($0 !~ /->/) next
    for (i = 1; i <= NF; i++) if ($i ~ /->/) { split($i, a, "->"); v = a[2]; sub(/\(.*/, "", v)
      u = substr(v, length(v)); v += 0; if (u == "K") v /= 1024; if (u == "G") v *= 1024 }
    n++; if (n == 1 || v < lo) lo = v; if (v > hi) hi = v; last = v
  }
  END { if (n) printf "%d collections, heap after GC min %.0f / last %.0f / max %.0f MiB; ", n, lo, last, hi; else printf "no heap figure in the window; "
        printf "%d pauses, longest %.1f ms", pauses, maxp }' "$tmp/gc.log")

echo
printf '%-8s %-6s %-9s %-10s %-9s %-10s %-10s %-10s %s\n' servers inter demand/s checks/s "% demand" "UP" \
  "RSS MiB" "peak MiB" threads
printf '%-8s %-6s %-9s %-10s %-9s %-10s %-10s %-10s %s\n' "$servers" "$inter" "$demand" "$rate" \
  "$(awk "BEGIN { printf \"%.1f\", $rate * 100 / $demand }")" \
  "$(awk "BEGIN { printf \"%.1f%%\", $up * 100 / $servers }")" "$((rss_kib / 1024))" "$((hwm_kib / 1024))" "$threads"
echo
echo "$lateness"
echo "GC during the window: $gc"
[ "$live" != - ] && echo "heap used after a full GC at the end of the window (LIVE=1): $live MiB"
echo "from launch to the first check at nginx: $boot_ms ms (JVM start, config load, engine build, --warmup)"
echo "haprobe exit status $status; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
