#!/usr/bin/env bash
# Side-by-side live check throughput: real HAProxy 2.6 and `haprobe check` on the same generated haproxy.cfg,
# every server pointing at one local nginx that answers GET /health.
#
#   benchmarks/side-by-side.sh SERVERS INTER SECONDS
#   benchmarks/side-by-side.sh 2000 100ms 20
#
# SERVERS  number of servers (one backend, all at the same nginx)
# INTER    the servers' `inter`, HAProxy time units (100ms, 1s, ...; bare = ms)
# SECONDS  how long each of the two runs lasts (HAProxy, then haprobe; one at a time)
#
# Figures: checks/s from the deltas of nginx's stub_status request counter over the measurement window (the
# window starts WARMUP seconds after the first check reached nginx, and ends 1 s before the run's planned end),
# CPU microseconds per check from the deltas of utime+stime (/proc/PID/stat) of the HAProxy process and of the
# haprobe JVM (all their threads: JIT and GC included) over the same window.
# The schedule's rate: HAProxy counts `inter` from the end of a check (spec 2.2), so a program that starts every
# check on time makes sum(1 / (inter + d)) checks/s over its servers, d a server's check duration, not
# SERVERS / INTER. Both programs' `show stat` (HAProxy's stats socket, haprobe's --stats-socket) is read at a third
# and at two thirds of the window; each read gives that sum from the servers' check_duration (the last check's, in
# whole ms, truncated) and the two are averaged. "% schedule" is checks/s over it: 100 % is every check its schedule
# asks for. It is an estimate: a dump of show stat delays the checks it runs beside, so it has come out at 100 % to
# 112 % for programs that kept up (the reads are in the CPU window of both).
# haprobe also runs with --lateness: its lateness after the first checks (actual start - planned start) is printed,
# and from its mean the share of its own schedule kept: a server's period is inter + d + lateness and the mean period
# is SERVERS / (checks/s), so 1 - mean lateness / mean period is the share of the checks it would have made starting
# each exactly on time (exact, without show stat's estimate).
#
# Environment: HAPROXY (default /usr/sbin/haproxy), NGINX (/usr/sbin/nginx), WARMUP (seconds, default 3),
# HAPROBE_JAVA_OPTS (extra JVM options for haprobe, e.g. -XX:StartFlightRecording=...), HAPROBE_ARGS (extra
# `haprobe check` options, e.g. "--threads 1"), HAPROBE_JAR (a haprobe.jar to run instead of building and running
# this checkout's cli/target/haprobe.jar, e.g. an older build to compare), KEEP=1 keeps the temp dir (its path is
# printed).
# haprobe runs through the launcher (./haprobe, with HAPROBE_JAR and HAPROBE_JAVA_OPTS), so with the JVM options of
# `./haprobe check` (a -XX:+Use...GC in HAPROBE_JAVA_OPTS replaces the launcher's collector, if it sets one); the
# launcher execs the JVM, so the PID measured is the JVM's.
#
# Every process it starts is stopped by its PID on exit (normal end, error or Ctrl-C); the temp dir is removed.
set -euo pipefail

usage() {
  echo "usage: $0 SERVERS INTER SECONDS   (e.g. $0 2000 100ms 20)" >&2
  exit 1
}
die() {
  echo "side-by-side: $*" >&2
  exit 1
}

[ $# -eq 3 ] || usage
servers=$1 inter=$2 seconds=$3
[[ $servers =~ ^[1-9][0-9]*$ ]] || die "SERVERS must be a positive integer (got '$servers')"
[[ $inter =~ ^[0-9]+(us|ms|s|m)?$ ]] || die "INTER must be a HAProxy time such as 100ms or 2s (got '$inter')"
[[ $seconds =~ ^[1-9][0-9]*$ ]] || die "SECONDS must be a positive integer (got '$seconds')"
warmup=${WARMUP:-3}
window=$((seconds - warmup - 1))
[ "$window" -ge 2 ] || die "SECONDS must be at least WARMUP + 3 = $((warmup + 3)) (got $seconds)"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
haproxy=${HAPROXY:-/usr/sbin/haproxy}
nginx=${NGINX:-/usr/sbin/nginx}
[ -x "$haproxy" ] || die "HAProxy not found at $haproxy (apt-get install haproxy, or set HAPROXY)"
[ -x "$nginx" ] || die "nginx not found at $nginx (apt-get install nginx, or set NGINX)"
command -v curl >/dev/null || die "curl is needed to read nginx's stub_status"
command -v python3 >/dev/null || die "python3 is needed to find free ports"
command -v socat >/dev/null || die "socat is needed to read HAProxy's show stat"
ticks=$(getconf CLK_TCK)

# the inter in milliseconds, for the demand
case $inter in
  *us) inter_ms=$(awk "BEGIN { print ${inter%us} / 1000 }") ;;
  *ms) inter_ms=${inter%ms} ;;
  *s) inter_ms=$(( ${inter%s} * 1000 )) ;;
  *m) inter_ms=$(( ${inter%m} * 60000 )) ;;
  *) inter_ms=$inter ;;
esac
awk "BEGIN { exit !($inter_ms > 0) }" || die "INTER must be above 0"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/side-by-side.XXXXXX")
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
    echo "side-by-side: kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# waits (at most 10 s) until 127.0.0.1:$1 accepts connections and process $2 is alive
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
  curl -s --max-time 5 "http://127.0.0.1:$nginx_port/nginx_status" | awk 'NR == 3 { print $3 }'
}

cpu_ticks() {
  # utime + stime: fields 14 and 15, counted after the ")" that ends the command name
  sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

now_ns() {
  date +%s%N
}

# the schedule's rate (checks/s) from the check_duration column of show stat on the UNIX socket $1
schedule_rate() {
  echo "show stat" | socat -t 5 stdio "unix-connect:$1" 2>/dev/null | awk -F, -v inter="$inter_ms" '
    NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) if ($i == "check_duration") col = i; next }
    $1 == "bench" && $2 != "BACKEND" && col { rate += 1000 / (inter + ($col == "" ? 0 : $col)); n++ }
    END { if (n == 0) exit 1; printf "%.0f", rate }'
}

# --- nginx -------------------------------------------------------------------------------------------------
nginx_port=$(free_port)
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
master_process on;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
worker_rlimit_nofile 65536;
events {
    worker_connections 16384;
}
http {
    access_log off;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    server {
        listen 127.0.0.1:$nginx_port backlog=4096;
        location = /health { return 200; }
        location = /nginx_status { stub_status; }
    }
}
EOF
"$nginx" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx/stdout" 2>&1 &
pids+=($!)
wait_port "$nginx_port" "$!" nginx
[ -n "$(requests)" ] || die "nginx's stub_status does not answer on 127.0.0.1:$nginx_port/nginx_status"

# --- haproxy.cfg ---------------------------------------------------------------------------------------------
frontend_port=$(free_port)
cfg="$tmp/haproxy.cfg"
{
  echo "global"
  echo "    maxconn 4096"
  echo "    stats socket $tmp/haproxy.sock"
  echo
  echo "defaults"
  echo "    mode http"
  echo "    timeout connect 5s"
  echo "    timeout client 30s"
  echo "    timeout server 30s"
  echo
  echo "frontend fe"
  echo "    bind 127.0.0.1:$frontend_port"
  echo "    default_backend bench"
  echo
  echo "backend bench"
  echo "    option httpchk GET /health"
  for i in $(seq "$servers"); do
    echo "    server s$i 127.0.0.1:$nginx_port check inter $inter"
  done
} >"$cfg"
"$haproxy" -c -q -f "$cfg" >"$tmp/haproxy-check.log" 2>&1 || die "haproxy -c refuses the generated config: $(cat "$tmp/haproxy-check.log")"

# --- one measured run ----------------------------------------------------------------------------------------
# measure NAME PID SOCKET: waits for the first check, then WARMUP, then samples over WINDOW seconds; sets rate, cpu,
# cpu_pct and schedule (the schedule's rate, from two reads of show stat on SOCKET during the window)
measure() {
  local name=$1 pid=$2 socket=$3 base r0 r1 c0 c1 t0 t1 s1 s2 third
  base=$(requests)
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || die "$name exited before its first check (see $tmp)"
    [ "$(requests)" -gt $((base + 1)) ] && break
    sleep 0.1
  done
  [ "$(requests)" -gt $((base + 1)) ] || die "$name made no check in 30 s"
  sleep "$warmup"
  kill -0 "$pid" 2>/dev/null || die "$name exited during the warm-up (see $tmp)"
  c0=$(cpu_ticks "$pid"); t0=$(now_ns); r0=$(requests)
  third=$(awk "BEGIN { print $window / 3 }")
  sleep "$third"
  s1=$(schedule_rate "$socket") || die "$name's show stat has no check_duration of bench's servers on $socket"
  sleep "$third"
  s2=$(schedule_rate "$socket") || die "$name's show stat has no check_duration of bench's servers on $socket"
  sleep "$third"
  kill -0 "$pid" 2>/dev/null || die "$name exited before the end of the window (see $tmp)"
  c1=$(cpu_ticks "$pid"); t1=$(now_ns); r1=$(requests)
  # r1 - r0 counts the one stub_status request that read r1
  local checks=$((r1 - r0 - 1))
  [ "$checks" -gt 0 ] || die "$name made no check during the window"
  rate=$(awk "BEGIN { printf \"%.0f\", $checks / (($t1 - $t0) / 1e9) }")
  cpu=$(awk "BEGIN { printf \"%.1f\", ($c1 - $c0) * 1e6 / $ticks / $checks }")
  cpu_pct=$(awk "BEGIN { printf \"%.0f\", ($c1 - $c0) * 100 / $ticks / (($t1 - $t0) / 1e9) }")
  schedule=$(( (s1 + s2) / 2 ))
}

echo "side-by-side: $servers servers, inter $inter, ${seconds}s each; window ${window}s after ${warmup}s of warm-up;" \
  "nginx on 127.0.0.1:$nginx_port" >&2

"$haproxy" -db -f "$cfg" >"$tmp/haproxy.log" 2>&1 &
haproxy_pid=$!
pids+=("$haproxy_pid")
wait_port "$frontend_port" "$haproxy_pid" haproxy
measure haproxy "$haproxy_pid" "$tmp/haproxy.sock"
haproxy_rate=$rate haproxy_cpu=$cpu haproxy_pct=$cpu_pct haproxy_schedule=$schedule
haproxy_threads=$(awk '/^Threads:/ { print $2 }' "/proc/$haproxy_pid/status")
# servers UP at the end of the window (show stat's status column)
haproxy_up=$(echo "show stat" | socat -t 5 stdio "unix-connect:$tmp/haproxy.sock" 2>/dev/null \
  | awk -F, '$1 == "bench" && $2 != "BACKEND" && $18 ~ /^UP/' | wc -l)
kill "$haproxy_pid"
wait "$haproxy_pid" 2>/dev/null || true

if [ -n "${HAPROBE_JAR:-}" ]; then
  jar=$HAPROBE_JAR
  [ -f "$jar" ] || die "HAPROBE_JAR: no such file: $jar"
else
  jar="$root/cli/target/haprobe.jar"
  "$root/haprobe" --version >/dev/null || die "cannot build the haprobe CLI"
fi
# shellcheck disable=SC2086
HAPROBE_JAR="$jar" HAPROBE_JAVA_OPTS="${HAPROBE_JAVA_OPTS:-}" \
  "$root/haprobe" check -f "$cfg" --duration "${seconds}s" --no-probe --lateness \
  --stats-socket "$tmp/haprobe.sock" ${HAPROBE_ARGS:-} \
  >"$tmp/haprobe.out" 2>"$tmp/haprobe.err" &
haprobe_pid=$!
pids+=("$haprobe_pid")
measure haprobe "$haprobe_pid" "$tmp/haprobe.sock"
haprobe_rate=$rate haprobe_cpu=$cpu haprobe_pct=$cpu_pct haprobe_schedule=$schedule
haprobe_threads=$(awk '/^Threads:/ { print $2 }' "/proc/$haprobe_pid/status")
haprobe_status=0
wait "$haprobe_pid" || haprobe_status=$?
haprobe_up=$(grep -cE '^bench/s[0-9]+ +UP ' "$tmp/haprobe.out" || true)

demand=$(awk "BEGIN { printf \"%.0f\", $servers * 1000 / $inter_ms }")
row() {
  printf '%-8s %-6s %-9s %-10s %-10s %-8s %-10s %-10s %-12s %-6s %s\n' "$@"
}
echo
row servers inter demand/s program checks/s "% demand" schedule/s "% schedule" "CPU us/check" "CPU %" threads
row "$servers" "$inter" "$demand" haproxy "$haproxy_rate" \
  "$(awk "BEGIN { printf \"%.1f\", $haproxy_rate * 100 / $demand }")" "$haproxy_schedule" \
  "$(awk "BEGIN { printf \"%.1f\", $haproxy_rate * 100 / $haproxy_schedule }")" "$haproxy_cpu" "$haproxy_pct" \
  "$haproxy_threads"
row "$servers" "$inter" "$demand" haprobe "$haprobe_rate" \
  "$(awk "BEGIN { printf \"%.1f\", $haprobe_rate * 100 / $demand }")" "$haprobe_schedule" \
  "$(awk "BEGIN { printf \"%.1f\", $haprobe_rate * 100 / $haprobe_schedule }")" "$haprobe_cpu" "$haprobe_pct" \
  "$haprobe_threads"
echo
echo "ratios haprobe/haproxy: checks/s $(awk "BEGIN { printf \"%.2f\", $haprobe_rate / $haproxy_rate }")," \
  "CPU per check $(awk "BEGIN { printf \"%.2f\", $haprobe_cpu / $haproxy_cpu }")"
echo "servers UP at the end: haproxy $haproxy_up/$servers (show stat after the window)," \
  "haprobe $haprobe_up/$servers (its summary; exit status $haprobe_status)"
lateness_line=$(grep -m1 '^lateness after the first checks' "$tmp/haprobe.out" || true)
if [ -n "$lateness_line" ]; then
  echo "haprobe's $lateness_line"
  mean_late=$(sed -E 's/.*: mean ([0-9.]+) ms.*/\1/' <<<"$lateness_line")
  echo "haprobe kept $(awk "BEGIN { p = $servers * 1000 / $haprobe_rate; printf \"%.1f\", 100 * (1 - $mean_late / p) }") %" \
    "of its own schedule (1 - mean lateness $mean_late ms / mean period" \
    "$(awk "BEGIN { printf \"%.1f\", $servers * 1000 / $haprobe_rate }") ms)"
else
  echo "haprobe printed no lateness (see $tmp/haprobe.out)"
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
