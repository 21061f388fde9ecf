package io.podtrail.pipeline;

import java.util.Map;
import java.util.TreeMap;

/** What one ingest run did: counts by outcome, rejections by reason, and where rejected records were kept. */
public final class IngestSummary {
    private long read;
    private long stored;
    private long duplicates;
    private long merged;
    private long rejected;
    private final Map<String, Long> rejectedByReason = new TreeMap<>();
    private final Map<String, Long> byFormat = new TreeMap<>();
    private String rejectedFile;

    synchronized void addRead(String format, long n) {
        read += n;
        byFormat.merge(format, n, Long::sum);
    }

    synchronized void addStored(long s, long d, long m) {
        stored += s;
        duplicates += d;
        merged += m;
    }

    synchronized void addRejected(String reason) {
        rejected++;
        rejectedByReason.merge(reasonClass(reason), 1L, Long::sum);
    }

    synchronized void rejectedFile(String path) {
        rejectedFile = path;
    }

    /** Groups reasons that differ only in their details (quoted values, numbers) so the summary stays short. */
    static String reasonClass(String reason) {
        String r = reason.replaceAll("'[^']*'", "'…'").replaceAll("\\d+", "N");
        return r.length() > 120 ? r.substring(0, 120) + "…" : r;
    }

    public synchronized long read() { return read; }
    public synchronized long stored() { return stored; }
    public synchronized long duplicates() { return duplicates; }
    public synchronized long merged() { return merged; }
    public synchronized long rejected() { return rejected; }
    public synchronized Map<String, Long> rejectedByReason() { return Map.copyOf(rejectedByReason); }
    public synchronized Map<String, Long> readByFormat() { return Map.copyOf(byFormat); }
    public synchronized String rejectedFile() { return rejectedFile; }
}
