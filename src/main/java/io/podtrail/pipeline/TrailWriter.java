package io.podtrail.pipeline;

import io.podtrail.correlate.Attributions;
import io.podtrail.correlate.CorrelationStats;
import io.podtrail.correlate.Correlator;
import io.podtrail.detect.Detector;
import io.podtrail.detect.PolicyEvent;
import io.podtrail.event.Event;
import io.podtrail.query.EventQuery;
import io.podtrail.store.EventStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The single-threaded end of the pipeline, shared by {@code podtrail ingest}'s writer thread and the server's
 * group committer: correlates a batch in arrival order (after enrichment), appends it, runs the rules on every
 * event of the batch and stores the policy events, then persists what the correlator learned and runs the rules
 * that read session fields again on the stored events of the processes attributed late. Not thread-safe: one
 * writer thread.
 */
public final class TrailWriter {

    /** How many exec ids one re-evaluation query names. */
    static final int REDETECT_CHUNK = 200;

    private final EventStore store;
    private final Correlator correlator;
    private final Detector detector;
    /** The correlator's counters as of the last write (read by other threads: metrics). */
    private volatile CorrelationStats stats = CorrelationStats.EMPTY;

    public TrailWriter(EventStore store, Correlator correlator) {
        this(store, correlator, Detector.NONE);
    }

    public TrailWriter(EventStore store, Correlator correlator, Detector detector) {
        this.store = store;
        this.correlator = correlator;
        this.detector = detector;
    }

    /** A writer that only stores (no correlation, no detection). */
    public static TrailWriter storeOnly(EventStore store) {
        return new TrailWriter(store, Correlator.NONE);
    }

    public EventStore.AppendResult write(List<Event> events) {
        for (Event e : events) {
            correlator.accept(e);
        }
        EventStore.AppendResult r = store.append(events);
        if (detector != Detector.NONE) {
            List<PolicyEvent> hits = new ArrayList<>();
            for (Event e : events) {
                hits.addAll(detector.detect(e));
            }
            if (!hits.isEmpty()) {
                store.appendPolicyEvents(hits);
            }
        }
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

    /** Persists what the correlator learned and re-runs the session rules on the processes attributed late. */
    private void persist() {
        Attributions a = correlator.drain();
        if (!a.isEmpty()) {
            store.attribute(a);
            if (detector.readsSessions() && !a.processes().isEmpty()) {
                redetect(new ArrayList<>(a.processes().keySet()));
            }
        }
        stats = correlator.stats();
    }

    /** Evaluates the session rules again on the stored events of these processes, oldest first. */
    private void redetect(List<String> execIds) {
        for (int i = 0; i < execIds.size(); i += REDETECT_CHUNK) {
            List<String> chunk = execIds.subList(i, Math.min(execIds.size(), i + REDETECT_CHUNK));
            StringBuilder filter = new StringBuilder("proc.exec_id in (");
            for (int j = 0; j < chunk.size(); j++) {
                filter.append(j == 0 ? "" : ", ").append('"')
                        .append(chunk.get(j).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            filter.append(')');
            List<Event> stored = new ArrayList<>();
            String cursor = null;
            do {
                EventStore.EventPage page = store.query(new EventQuery(filter.toString(), null, null, 10_000, cursor));
                stored.addAll(page.events());
                cursor = page.nextCursor();
            } while (cursor != null);
            stored.sort(Comparator.comparingLong(Event::time).thenComparingLong(Event::id));
            List<PolicyEvent> hits = new ArrayList<>();
            for (Event e : stored) {
                hits.addAll(detector.redetect(e));
            }
            if (!hits.isEmpty()) {
                store.appendPolicyEvents(hits);
            }
        }
    }

    /** The correlator's counters as of the last batch. */
    public CorrelationStats stats() {
        return stats;
    }

    public EventStore store() {
        return store;
    }

    public Correlator correlator() {
        return correlator;
    }

    public Detector detector() {
        return detector;
    }
}
