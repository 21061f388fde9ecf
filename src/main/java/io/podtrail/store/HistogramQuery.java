package io.podtrail.store;

/**
 * Counts per time bucket ({@link EventStore#histogram}).
 *
 * @param filter      filter text ("" for everything)
 * @param fromNs      inclusive lower bound on evt.time in ns, or null for the first matching event
 * @param toNs        exclusive upper bound in ns, or null for just after the last matching event
 * @param buckets     about how many buckets ({@value #DEFAULT_BUCKETS} by default, 1 to {@value #MAX_BUCKETS}); the
 *                    width is the smallest nice width giving at most this many (see {@link Histogram#NICE_WIDTHS_NS})
 * @param splitByKind count per podtrail.kind (exec, connect, file, k8s_api, ...) too
 */
public record HistogramQuery(String filter, Long fromNs, Long toNs, int buckets, boolean splitByKind) {

    public static final int DEFAULT_BUCKETS = 120;
    public static final int MAX_BUCKETS = 2000;

    public HistogramQuery {
        filter = filter == null ? "" : filter;
        if (buckets < 1 || buckets > MAX_BUCKETS) {
            throw new IllegalArgumentException("buckets must be between 1 and " + MAX_BUCKETS + ", got " + buckets);
        }
        if (fromNs != null && toNs != null && toNs <= fromNs) {
            throw new IllegalArgumentException("the time range is empty: to must be after from");
        }
    }

    public static HistogramQuery of(String filter) {
        return new HistogramQuery(filter, null, null, DEFAULT_BUCKETS, false);
    }
}
