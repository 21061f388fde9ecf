package io.podtrail.enrich;

/**
 * Whether a workload had already talked to a destination during its learning period
 * ({@link PodtrailConfig#learningPeriod()}), which makes an otherwise external destination known
 * ({@link LearnedBaseline}). Off by default ({@link #NONE}); an implementation must be thread-safe and fast
 * (called per event).
 */
@FunctionalInterface
public interface DestinationBaseline {

    /** The baseline that knows nothing: every external destination stays unknown. */
    DestinationBaseline NONE = (cluster, ns, workload, ip, port, t) -> false;

    /** An external connection of a workload at t: true when the destination is in (or now joins) its baseline. */
    boolean learned(String cluster, String ns, String workload, String ip, Long port, long t);

    /** Any event of a workload at t (its learning period starts with the first). */
    default void seen(String cluster, String ns, String workload, long t) {
    }
}
