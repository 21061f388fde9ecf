package io.podtrail.correlate;

/**
 * Counters of the correlator since start (exported as metrics, printed by ingest).
 *
 * @param liveProcesses     processes in the in-memory tables now
 * @param sessions          sessions seen (API requests on exec, attach, portforward, ephemeralcontainers)
 * @param matched           sessions whose root process was found exactly
 * @param ambiguous         sessions with several equally fitting root processes
 * @param unmatched         allowed sessions whose matching window closed without a root process (given up)
 * @param outsideApi        interactive processes started by the runtime with no API request
 * @param attributedLate    processes attributed after they were stored
 * @param orphansExpired    processes whose parent never arrived within the retention (counted, kept unattributed)
 * @param evicted           processes evicted from memory (exited with their descendants, or over the per-node cap)
 */
public record CorrelationStats(long liveProcesses, long sessions, long matched, long ambiguous, long unmatched,
                               long outsideApi, long attributedLate, long orphansExpired, long evicted) {

    public static final CorrelationStats EMPTY = new CorrelationStats(0, 0, 0, 0, 0, 0, 0, 0, 0);
}
