#!/usr/bin/env bash
# Simulation at scale: one generated scenario of SERVERS HTTP servers (one backend, `option httpchk`,
# `inter 2s`, every scripted backend answering 200) run by `haprobe simulate` for DURATION of virtual time,
# under /usr/bin/time -v.
#
#   benchmarks/simulate-scale.sh SERVERS DURATION
#   benchmarks/simulate-scale.sh 10000 1h
#
# SERVERS   number of servers
# DURATION  virtual time, HAProxy time units (s, m, h; bare = ms)
#
# Prints the wall time, the maximum resident set size, the number of checks (SERVERS x DURATION / inter, as
# every check of a server that answers at once completes on time) and simulated checks per wall-clock second.
# The JVM's start and the scenario's parsing are included. The printed timeline goes to /dev/null. It runs
# through the ./haprobe launcher, with the JVM options it gives simulate (a collector in HAPROBE_JAVA_OPTS
# replaces the launcher's).
#
# Environment: HAPROBE_JAVA_OPTS (JVM options, e.g. -Xmx6g), HAPROBE_JAR (a haprobe.jar to run instead of this
# checkout's cli/target/haprobe.jar, built by ./haprobe when missing or stale), KEEP=1 keeps the temp dir (its
# path is printed).
set -euo pipefail

usage() {
  echo "usage: $0 SERVERS DURATION   (e.g. $0 10000 1h)" >&2
  exit 1
}
[ $# -eq 2 ] || usage
servers=$1
duration=$2
[[ $servers =~ ^[1-9][0-9]*$ ]] || usage
case $duration in
  *ms) ms=${duration%ms} ;;
  *s) ms=$(( ${duration%s} * 1000 )) ;;
  *m) ms=$(( ${duration%m} * 60000 )) ;;
  *h) ms=$(( ${duration%h} * 3600000 )) ;;
  *d) ms=$(( ${duration%d} * 86400000 )) ;;
  *) ms=$duration ;;
esac
[[ $ms =~ ^[1-9][0-9]*$ ]] || usage

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir=$(mktemp -d /tmp/simulate-scale.XXXXXX)
if [ "${KEEP:-0}" = 1 ]; then
  echo "temp dir: $dir" >&2
else
  trap 'rm -rf "$dir"' EXIT
fi

{
  printf 'global\n    log stdout format raw local0\n\ndefaults\n    mode http\n    timeout connect 1s\n'
  printf '    timeout check 1s\n    timeout client 5s\n    timeout server 5s\n\n'
  printf 'backend app\n    option httpchk GET /health\n    default-server inter 2s fall 3 rise 2\n'
  for ((i = 0; i < servers; i++)); do
    printf '    server s%d 10.%d.%d.%d:80 check\n' "$i" $((i >> 16 & 255)) $((i >> 8 & 255)) $((i & 255))
  done
} >"$dir/haproxy.cfg"
{
  printf 'config: haproxy.cfg\nduration: %dms\nservers:\n' "$ms"
  for ((i = 0; i < servers; i++)); do
    printf '  app/s%d:\n    - at: 0s\n      http: { status: 200 }\n' "$i"
  done
} >"$dir/scenario.yaml"

if [ -z "${HAPROBE_JAR:-}" ]; then
  "$root/haprobe" --version >/dev/null # builds the jar when missing or stale, before the timed run
fi
# through the launcher, as a user runs it: its JVM options for simulate, HAPROBE_JAR and HAPROBE_JAVA_OPTS
run=("$root/haprobe")

set +e
/usr/bin/time -v -o "$dir/time.txt" "${run[@]}" simulate "$dir/scenario.yaml" >"$dir/out.txt" 2>"$dir/err.txt"
status=$?
set -e
if [ $status -ne 0 ] && [ $status -ne 2 ] && [ $status -ne 3 ]; then
  echo "haprobe simulate exited with $status:" >&2
  tail -5 "$dir/err.txt" >&2
  tail -3 "$dir/time.txt" >&2
  exit 1
fi

wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$dir/time.txt")
wall_s=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$dir/time.txt")
checks=$(( servers * (ms / 2000) ))
echo "servers:        $servers"
echo "duration:       $duration (${ms} ms virtual)"
echo "wall time:      ${wall_s} s"
echo "max RSS:        $(( rss_kb / 1024 )) MB"
echo "checks:         $checks"
awk -v c="$checks" -v w="$wall_s" 'BEGIN { printf "checks/s:       %.0f\n", (w > 0 ? c / w : 0) }'
