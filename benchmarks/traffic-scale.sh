#!/usr/bin/env bash
# End to end: `haprobe simulate` of one hour of client traffic at a steady rate against one backend of many HTTP
# servers, timed with /usr/bin/time -v (wall clock and peak RSS, JVM start included).
#
#   benchmarks/traffic-scale.sh [SERVERS] [RATE] [DURATION]
#   benchmarks/traffic-scale.sh 100 1000 1h        # the default: 3.6M requests, 180,000 checks
#
# SERVERS   servers in the backend (default 100), each `check inter 2s` with an HTTP check, answering 200 to the
#           checks and to requests after 5 ms
# RATE      requests per second into the frontend (default 1000)
# DURATION  the scenario's duration and the traffic's `until` (default 1h)
#
# Environment: HAPROBE_JAR (default this checkout's cli/target/haprobe.jar, built with
# `mvn -B -o -q -pl cli -am package -DskipTests` when missing), JAVA_OPTS (extra JVM options, e.g. -Xmx2g or
# -XX:StartFlightRecording=...), HTTPLOG=1 adds `option httplog` and a `log` target (every request's line is then
# printed: the output goes to /dev/null either way), KEEP=1 keeps the temp dir (its path is printed).
#
# Prints the scenario's summary tail and the wall clock and maximum RSS lines of /usr/bin/time -v.
set -euo pipefail

SERVERS=${1:-100}
RATE=${2:-1000}
DURATION=${3:-1h}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
JAR=${HAPROBE_JAR:-$ROOT/cli/target/haprobe.jar}
if [[ ! -f $JAR ]]; then
  (cd "$ROOT" && mvn -B -o -q -pl cli -am package -DskipTests)
fi
DIR=$(mktemp -d)
cleanup() {
  if [[ ${KEEP:-0} == 1 ]]; then echo "kept $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT

LOGGING=""
if [[ ${HTTPLOG:-0} == 1 ]]; then
  LOGGING=$'      log stdout format raw local0\n      option httplog\n'
fi
{
  echo "haproxy: |"
  echo "  defaults"
  echo "      mode http"
  echo "      timeout connect 1s"
  echo "      timeout client 30s"
  echo "      timeout server 10s"
  echo "  frontend fe_main"
  echo "      bind 127.0.0.1:8080"
  printf '%s' "$LOGGING"
  echo "      default_backend app"
  echo "  backend app"
  echo "      option httpchk GET /health"
  for ((i = 0; i < SERVERS; i++)); do
    echo "      server s$i 10.0.$((i / 250)).$((i % 250 + 1)):8080 check inter 2s"
  done
  echo "duration: $DURATION"
  echo "servers:"
  for ((i = 0; i < SERVERS; i++)); do
    echo "  app/s$i:"
    echo "    - at: 0s"
    echo "      http: { status: 200 }"
    echo "      serve: { http: { status: 200, delay: 5ms } }"
  done
  echo "traffic:"
  echo "  - at: 0s"
  echo "    frontend: fe_main"
  echo "    rate: $RATE/s"
  echo "    until: $DURATION"
} > "$DIR/scenario.yaml"

echo "scenario: $SERVERS servers, $RATE requests/s for $DURATION (httplog: ${HTTPLOG:-0}); jar: $JAR"
set +e
/usr/bin/time -v -o "$DIR/time.txt" java ${JAVA_OPTS:-} -jar "$JAR" simulate "$DIR/scenario.yaml" > "$DIR/out.txt" 2>&1
rc=$?
set -e
tail -4 "$DIR/out.txt"
echo "exit $rc"
grep -E "Elapsed \(wall clock\)|Maximum resident set size" "$DIR/time.txt"
