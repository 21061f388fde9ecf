package io.podtrail.correlate;

import io.podtrail.event.Event;

/**
 * The correlation stage's entry point: builds the process trees of every node and container and attributes
 * each process, with its connections and file actions, to the exec session (kubectl exec, attach, debug,
 * port-forward) that caused it.
 *
 * <p>Called once per event, after enrichment, in arrival order, on one thread (the store's writer). It fills
 * {@code podtrail.ancestors} and, when the session is already known, the {@code session.*} fields of the
 * event in place (so rules see them); it never holds an event back. What it learns later (a session that
 * arrives minutes after its processes) comes out of {@link #drain()} as {@link Attributions} that the store
 * persists and queries join.
 */
public interface Correlator {

    /** A correlator that leaves every event as it is and attributes nothing. */
    Correlator NONE = new Correlator() {
        @Override
        public void accept(Event event) {
        }

        @Override
        public Attributions drain() {
            return Attributions.EMPTY;
        }
    };

    void accept(Event event);

    /** What changed since the last call: sessions created or updated, processes attributed. */
    Attributions drain();

    /**
     * Moves the correlator's clock to nowNs (event time) while no event arrives, so that a quiet live stream still
     * decides pending matches.
     */
    default void advanceTo(long nowNs) {
    }

    /**
     * The input is complete (a file ingest ended): decide now what would otherwise wait for later events, as of
     * the last event seen. Not for a live stream.
     */
    default void endOfInput() {
    }

    /** Counters since start. */
    default CorrelationStats stats() {
        return CorrelationStats.EMPTY;
    }
}
