#!/usr/bin/env bash
# Ingest benchmark: Podtrail (per input format, end to end to durable storage) side by side with
# PostgreSQL 15 loading the same rows with COPY and building its indexes. Usage: bench/ingest.sh [--events 2M]
# BENCH_MAIN=CLASS runs another benchmark main with the same setup (bench/ingest-http.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "installing PostgreSQL 15 for the baseline ..." >&2
  apt-get update -qq && apt-get install -y -qq postgresql-15 postgresql-contrib >/dev/null
fi
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt -Dmdep.includeScope=test
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx8g -XX:+UseParallelGC \
  -cp "target/test-classes:target/classes:$(cat target/bench-cp.txt)" "${BENCH_MAIN:-io.podtrail.bench.IngestBenchmark}" "$@"
