package io.podtrail.enrich;

/**
 * Hook for the learned baseline (a later step): whether a workload had already talked to a destination during
 * its learning period ({@link PodtrailConfig#learningPeriod()}), which makes an otherwise external destination
 * known. Off by default ({@link #NONE}); an implementation must be thread-safe and fast (called per connection).
 */
@FunctionalInterface
public interface DestinationBaseline {

    /** The baseline that knows nothing: every external destination stays unknown. */
    DestinationBaseline NONE = (cluster, ns, workload, ip, port, t) -> false;

    boolean learned(String cluster, String ns, String workload, String ip, Long port, long t);
}
