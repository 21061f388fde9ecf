package io.podtrail.pipeline;

import io.podtrail.correlate.Attributions;
import io.podtrail.correlate.Correlator;
import io.podtrail.event.Event;
import io.podtrail.store.EventStore;

import java.util.List;

/**
 * The single-threaded end of the pipeline, shared by {@code podtrail ingest}'s writer thread and the server's
 * group committer: correlates a batch in arrival order (after enrichment), appends it, then persists what the
 * correlator learned. Not thread-safe: one writer thread.
 */
public final class TrailWriter {

    private final EventStore store;
    private final Correlator correlator;
    /** The correlator's counters as of the last write (read by other threads: metrics). */
    private volatile io.podtrail.correlate.CorrelationStats stats = io.podtrail.correlate.CorrelationStats.EMPTY;

    public TrailWriter(EventStore store, Correlator correlator) {
        this.store = store;
        this.correlator = correlator;
    }

    /** A writer that only stores (no correlation). */
    public static TrailWriter storeOnly(EventStore store) {
        return new TrailWriter(store, Correlator.NONE);
    }

    public EventStore.AppendResult write(List<Event> events) {
        for (Event e : events) {
            correlator.accept(e);
        }
        EventStore.AppendResult r = store.append(events);
        persist();
        return r;
    }

    /** The input is complete (end of a file ingest): persists what the correlator decides now. */
    public void finish() {
        correlator.endOfInput();
        persist();
    }

    /** No event for a while on a live stream: lets the correlator's clock follow the wall clock. */
    public void idle(long nowNs) {
        correlator.advanceTo(nowNs);
        persist();
    }

    private void persist() {
        Attributions a = correlator.drain();
        if (!a.isEmpty()) {
            store.attribute(a);
        }
        stats = correlator.stats();
    }

    /** The correlator's counters as of the last batch. */
    public io.podtrail.correlate.CorrelationStats stats() {
        return stats;
    }

    public EventStore store() {
        return store;
    }

    public Correlator correlator() {
        return correlator;
    }
}
