package io.podtrail.enrich;

import io.podtrail.event.Event;

/**
 * The enrichment stage's entry point: fills an event's Kubernetes context (cluster, namespace, workload, pod,
 * container, node) and, for connections, what the remote end was, all as of the event's own time.
 *
 * <p>Called once per event after normalization and before the event is stored; it mutates the event in place.
 * It never drops an event: what cannot be resolved yet is listed in {@code podtrail.unresolved} and counted.
 * Implementations are thread-safe unless they say otherwise.
 */
public interface Enricher {

    /** An enricher that leaves every event as it is. */
    Enricher NONE = e -> { };

    void enrich(Event event);

    /** Counters since start; an enricher that keeps none answers {@link EnrichStats#EMPTY}. */
    default EnrichStats stats() {
        return EnrichStats.EMPTY;
    }
}
