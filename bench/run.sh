#!/usr/bin/env bash
# Macro benchmark (issue 9): a simulated week ingested through the real pipeline, then the fixed questions
# asked of Podtrail and of PostgreSQL 15 (same rows, indexed) in the same run. Usage: bench/run.sh [--events 10M]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "installing PostgreSQL 15 for the baseline ..." >&2
  apt-get update -qq && apt-get install -y -qq postgresql-15 postgresql-contrib >/dev/null
fi
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt -Dmdep.includeScope=test
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx${PODTRAIL_BENCH_HEAP:-4g} -XX:+UseParallelGC \
  -cp "target/test-classes:target/classes:$(cat target/bench-cp.txt)" io.podtrail.bench.MacroBenchmark "$@"
