package io.podtrail.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** The server's counters, rendered in the Prometheus text format (version 0.0.4) at {@code GET /metrics}. */
final class Metrics {

    private static final double[] COMMIT_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final Map<String, LongAdder> ingested = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> overloaded = new ConcurrentHashMap<>();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder merged = new LongAdder();
    private final LongAdder stored = new LongAdder();
    private final Map<String, LongAdder> http = new ConcurrentHashMap<>();
    private final long[] commitBuckets = new long[COMMIT_BUCKETS.length];
    private long commitCount;
    private double commitSum;
    private final LongAdder commitEvents = new LongAdder();
    private volatile LongSupplier queueDepth = () -> 0;
    private volatile LongSupplier queueEvents = () -> 0;

    private volatile java.util.function.Supplier<io.podtrail.correlate.CorrelationStats> correlation =
            () -> io.podtrail.correlate.CorrelationStats.EMPTY;

    void correlation(java.util.function.Supplier<io.podtrail.correlate.CorrelationStats> stats) {
        this.correlation = stats;
    }

    private volatile io.podtrail.detect.Detector detector = io.podtrail.detect.Detector.NONE;

    void policies(io.podtrail.detect.Detector d) {
        this.detector = d;
    }

    void gauges(LongSupplier depth, LongSupplier events) {
        this.queueDepth = depth;
        this.queueEvents = events;
    }

    void ingested(String source, long n) {
        ingested.computeIfAbsent(source, k -> new LongAdder()).add(n);
    }

    void rejected(String source, long n) {
        rejected.computeIfAbsent(source, k -> new LongAdder()).add(n);
    }

    void overloaded(String source) {
        overloaded.computeIfAbsent(source, k -> new LongAdder()).increment();
    }

    void commit(double seconds, long events, long storedN, long dups, long mergedN) {
        synchronized (commitBuckets) {
            for (int i = 0; i < COMMIT_BUCKETS.length; i++) {
                if (seconds <= COMMIT_BUCKETS[i]) {
                    commitBuckets[i]++;
                }
            }
            commitCount++;
            commitSum += seconds;
        }
        commitEvents.add(events);
        stored.add(storedN);
        duplicates.add(dups);
        merged.add(mergedN);
    }

    void http(String method, String path, int status) {
        http.computeIfAbsent(method + "\u0000" + path + "\u0000" + status, k -> new LongAdder()).increment();
    }

    String render() {
        StringBuilder b = new StringBuilder(2048);
        family(b, "podtrail_ingest_events_total", "counter", "Events accepted (durable) by ingest endpoint source.");
        labelled(b, "podtrail_ingest_events_total", "source", ingested);
        family(b, "podtrail_ingest_rejected_total", "counter", "Records rejected (kept under DATA/rejected/) by source.");
        labelled(b, "podtrail_ingest_rejected_total", "source", rejected);
        family(b, "podtrail_ingest_overloaded_total", "counter", "Ingest requests refused with 429 because the queue was full.");
        labelled(b, "podtrail_ingest_overloaded_total", "source", overloaded);
        family(b, "podtrail_store_stored_total", "counter", "New events written by the store.");
        b.append("podtrail_store_stored_total ").append(stored.sum()).append('\n');
        family(b, "podtrail_store_duplicates_total", "counter", "Events already stored, not written again.");
        b.append("podtrail_store_duplicates_total ").append(duplicates.sum()).append('\n');
        family(b, "podtrail_store_merged_total", "counter", "Kubernetes audit stages merged into a stored request.");
        b.append("podtrail_store_merged_total ").append(merged.sum()).append('\n');
        family(b, "podtrail_ingest_queue_depth", "gauge", "Ingest requests waiting for the writer.");
        b.append("podtrail_ingest_queue_depth ").append(queueDepth.getAsLong()).append('\n');
        family(b, "podtrail_ingest_queue_events", "gauge", "Events waiting for the writer or being committed.");
        b.append("podtrail_ingest_queue_events ").append(queueEvents.getAsLong()).append('\n');
        family(b, "podtrail_commit_events_total", "counter", "Events handed to the store in group commits.");
        b.append("podtrail_commit_events_total ").append(commitEvents.sum()).append('\n');
        family(b, "podtrail_commit_seconds", "histogram", "Duration of one group commit (append, commit and fsync).");
        synchronized (commitBuckets) {
            for (int i = 0; i < COMMIT_BUCKETS.length; i++) {
                b.append("podtrail_commit_seconds_bucket{le=\"").append(COMMIT_BUCKETS[i]).append("\"} ")
                        .append(commitBuckets[i]).append('\n');
            }
            b.append("podtrail_commit_seconds_bucket{le=\"+Inf\"} ").append(commitCount).append('\n');
            b.append("podtrail_commit_seconds_sum ").append(commitSum).append('\n');
            b.append("podtrail_commit_seconds_count ").append(commitCount).append('\n');
        }
        io.podtrail.correlate.CorrelationStats c = correlation.get();
        family(b, "podtrail_correlator_live_processes", "gauge", "Processes in the correlator's in-memory tables.");
        b.append("podtrail_correlator_live_processes ").append(c.liveProcesses()).append('\n');
        family(b, "podtrail_sessions_total", "counter", "Session requests seen (exec, attach, debug, port-forward).");
        b.append("podtrail_sessions_total ").append(c.sessions()).append('\n');
        family(b, "podtrail_sessions_matched", "gauge", "Sessions by how their root process was matched.");
        b.append("podtrail_sessions_matched{confidence=\"exact\"} ").append(c.matched()).append('\n');
        b.append("podtrail_sessions_matched{confidence=\"ambiguous\"} ").append(c.ambiguous()).append('\n');
        b.append("podtrail_sessions_matched{confidence=\"unmatched\"} ").append(c.unmatched()).append('\n');
        family(b, "podtrail_sessions_outside_api", "gauge", "Interactive processes started by the runtime with no API request.");
        b.append("podtrail_sessions_outside_api ").append(c.outsideApi()).append('\n');
        family(b, "podtrail_correlator_attributed_late_total", "counter", "Processes attributed to a session after they were stored.");
        b.append("podtrail_correlator_attributed_late_total ").append(c.attributedLate()).append('\n');
        family(b, "podtrail_correlator_orphans_expired_total", "counter", "Processes whose parent never arrived within the retention.");
        b.append("podtrail_correlator_orphans_expired_total ").append(c.orphansExpired()).append('\n');
        family(b, "podtrail_correlator_evicted_total", "counter", "Processes evicted from the in-memory tables.");
        b.append("podtrail_correlator_evicted_total ").append(c.evicted()).append('\n');
        family(b, "podtrail_policy_events_total", "counter", "Policy events raised, by rule (re-raised duplicates included).");
        new TreeMap<>(detector.hits()).forEach((k, v) -> b.append("podtrail_policy_events_total{rule=\"").append(escape(k))
                .append("\"} ").append(v).append('\n'));
        io.podtrail.detect.Detector.Stats ds = detector.stats();
        family(b, "podtrail_rule_evaluations_total", "counter", "Rule conditions evaluated (after the evt.type index).");
        b.append("podtrail_rule_evaluations_total ").append(ds.evaluations()).append('\n');
        family(b, "podtrail_rule_events_total", "counter", "Events the rules were evaluated on.");
        b.append("podtrail_rule_events_total ").append(ds.events()).append('\n');
        family(b, "podtrail_rule_errors_total", "counter", "Rule evaluations that failed (skipped).");
        b.append("podtrail_rule_errors_total ").append(ds.errors()).append('\n');
        family(b, "podtrail_rule_seconds_total", "counter", "Time spent evaluating rules.");
        b.append("podtrail_rule_seconds_total ").append(ds.nanos() / 1e9).append('\n');
        family(b, "podtrail_http_requests_total", "counter", "HTTP requests by method, path and status.");
        new TreeMap<>(http).forEach((k, v) -> {
            String[] p = k.split("\u0000");
            b.append("podtrail_http_requests_total{method=\"").append(p[0]).append("\",path=\"").append(escape(p[1]))
                    .append("\",status=\"").append(p[2]).append("\"} ").append(v.sum()).append('\n');
        });
        return b.toString();
    }

    private static void family(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void labelled(StringBuilder b, String name, String label, Map<String, LongAdder> m) {
        new TreeMap<>(m).forEach((k, v) -> b.append(name).append('{').append(label).append("=\"").append(escape(k))
                .append("\"} ").append(v.sum()).append('\n'));
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
