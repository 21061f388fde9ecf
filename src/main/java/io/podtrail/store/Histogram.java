package io.podtrail.store;

import java.util.List;
import java.util.Map;

/**
 * Event counts per time bucket, every bucket of the range included (zeros too), oldest first. Buckets start
 * at multiples of {@code bucketNs} since the epoch (so a 1d bucket starts at midnight UTC); the first
 * bucket holds {@code fromNs}, the last {@code toNs - 1}.
 *
 * @param fromNs   start of the range counted (inclusive); 0 with no buckets when nothing matched an open range
 * @param toNs     end of the range counted (exclusive)
 * @param bucketNs bucket width in ns
 * @param buckets  the buckets
 */
public record Histogram(long fromNs, long toNs, long bucketNs, List<Bucket> buckets) {

    private static final long S = 1_000_000_000L;

    /** The widths a bucket may have: 1s, 5s, 10s, 30s, 1m, 5m, 15m, 30m, 1h, 3h, 6h, 12h, 1d; beyond, whole days. */
    public static final List<Long> NICE_WIDTHS_NS = List.of(S, 5 * S, 10 * S, 30 * S, 60 * S, 300 * S, 900 * S, 1800 * S,
            3600 * S, 3 * 3600 * S, 6 * 3600 * S, 12 * 3600 * S, 86400 * S);

    public Histogram {
        buckets = List.copyOf(buckets);
    }

    /**
     * @param startNs bucket start (inclusive); it ends at startNs + bucketNs
     * @param count   matching events in the bucket
     * @param byKind  counts per podtrail.kind when split (kinds without events left out), else empty
     */
    public record Bucket(long startNs, long count, Map<String, Long> byKind) {
        public Bucket {
            byKind = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(byKind));
        }
    }

    /** Total of all buckets. */
    public long total() {
        return buckets.stream().mapToLong(Bucket::count).sum();
    }

    /** The smallest nice width giving at most {@code buckets} buckets over rangeNs (whole days beyond 1d). */
    public static long widthFor(long rangeNs, int buckets) {
        for (long w : NICE_WIDTHS_NS) {
            if (w * buckets >= rangeNs) {
                return w;
            }
        }
        long day = 86400 * S;
        long days = (rangeNs + day * buckets - 1) / (day * buckets);
        return days * day;
    }
}
