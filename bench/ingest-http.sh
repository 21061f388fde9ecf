#!/usr/bin/env bash
# Load benchmark of the server's ingest endpoint: Tetragon lines POSTed by concurrent clients to a server on
# 127.0.0.1, side by side with `podtrail ingest` of the same file and PostgreSQL 15 COPY over TCP.
# Usage: bench/ingest-http.sh [--events 1M] [--batches 1000,5000] [--clients 4,16] [--no-postgres]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${JAVA_HOME:-}" ] && [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  echo "installing PostgreSQL 15 for the baseline ..." >&2
  apt-get update -qq && apt-get install -y -qq postgresql-15 postgresql-contrib >/dev/null
fi
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt -Dmdep.includeScope=test
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx8g -XX:+UseParallelGC \
  -cp "target/test-classes:target/classes:$(cat target/bench-cp.txt)" io.podtrail.bench.IngestLoadBenchmark "$@"
