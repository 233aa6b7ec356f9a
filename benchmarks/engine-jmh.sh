#!/usr/bin/env bash
# Runs the JMH benchmarks that live in the engine's tests because they measure internal types
# (io.haprobe.internal, which no other module may import), e.g. CheckSessionBenchmark.
# Usage: benchmarks/engine-jmh.sh [JMH arguments...]   e.g. benchmarks/engine-jmh.sh CheckSessionBenchmark -f 1 -prof gc
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl engine -am test-compile >&2
mvn -B -q -pl engine dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath >&2
exec java -cp "engine/target/test-classes:engine/target/classes:$(cat engine/target/test.classpath)" \
  org.openjdk.jmh.Main "$@"
