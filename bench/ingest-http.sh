#!/usr/bin/env bash
# Load benchmark of the server's ingest endpoint: Tetragon lines POSTed by concurrent clients to a server on
# 127.0.0.1, side by side with `podtrail ingest` of the same file and PostgreSQL 15 COPY over TCP.
# Usage: bench/ingest-http.sh [--events 1M] [--batches 1000,5000] [--clients 4,16] [--https] [--no-postgres]
# (the same build, class path and PostgreSQL setup as bench/ingest.sh)
BENCH_MAIN=io.podtrail.bench.IngestLoadBenchmark exec "$(dirname "$0")/ingest.sh" "$@"
