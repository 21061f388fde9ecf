package io.podtrail.store;

import io.podtrail.correlate.Attributions;
import io.podtrail.correlate.SessionRecord;
import io.podtrail.event.Event;
import io.podtrail.query.EventQuery;

import java.util.List;

/**
 * The store stage's entry point: the durable trail. The embedded implementation is
 * {@code DuckDbEventStore}; a distributed one will implement the same contract.
 *
 * <p>Contract: {@link #append} is durable when it returns (a crash afterwards loses nothing) and
 * idempotent (events whose {@code podtrail.id} is already stored are counted as duplicates, except that
 * Kubernetes API request stages with a known auditID are merged into the stored request). Safe for
 * concurrent use: appends are serialized, queries may run alongside.
 */
public interface EventStore extends AutoCloseable {

    /** Stores a batch atomically. */
    AppendResult append(List<Event> events);

    /** Events matching the query, newest first. */
    EventPage query(EventQuery query);

    /** The original payload of one stored event, or null when unknown. */
    default byte[] raw(long eventId) {
        return null;
    }

    /**
     * Counts of the events matching a filter and time range, grouped by a scope hierarchy, as flat rows of a
     * tree in pre-order (see {@link FacetCount}). Optional: a store that cannot aggregate throws
     * {@link UnsupportedOperationException}.
     */
    default List<FacetCount> facets(FacetQuery query) {
        throw new UnsupportedOperationException("this store (" + getClass().getSimpleName() + ") does not answer facets");
    }

    /**
     * Counts of the events matching a filter per time bucket, empty buckets included. Optional: a store that
     * cannot aggregate throws {@link UnsupportedOperationException}.
     */
    default Histogram histogram(HistogramQuery query) {
        throw new UnsupportedOperationException("this store (" + getClass().getSimpleName() + ") does not answer histograms");
    }

    /**
     * Persists sessions and process attributions (durable when it returns). Optional: a store without
     * sessions throws {@link UnsupportedOperationException}.
     */
    default void attribute(Attributions attributions) {
        throw new UnsupportedOperationException("this store (" + getClass().getSimpleName() + ") does not keep sessions");
    }

    /** The stored processes and attributions the correlator consults (call only from the writer thread). */
    default io.podtrail.correlate.ProcessArchive archive() {
        return io.podtrail.correlate.ProcessArchive.NONE;
    }

    /** The stored session with this id, or null. */
    default SessionRecord session(String id) {
        return null;
    }

    /** Sessions matching a query, newest first, with their counts. Optional, like {@link #attribute}. */
    default java.util.List<SessionSummary> sessions(SessionQuery query) {
        throw new UnsupportedOperationException("this store (" + getClass().getSimpleName() + ") does not keep sessions");
    }

    /**
     * Stores policy events (durable when it returns), idempotent: one per rule and triggering event
     * ({@code podtrail.id}); a policy event already stored is not stored again, but one stored without a session
     * takes the session and output of a later one that has it (a session attributed late). Returns how many
     * were given.
     * Optional: a store without policy events throws {@link UnsupportedOperationException}.
     */
    default int appendPolicyEvents(List<io.podtrail.detect.PolicyEvent> events) {
        throw new UnsupportedOperationException("this store (" + getClass().getSimpleName() + ") does not keep policy events");
    }

    /**
     * Policy events matching a query, newest first, each with its triggering event (and that event's session
     * when it has one now). The filter may name {@code policy.rule}, {@code policy.priority}, {@code policy.tags},
     * {@code policy.output} (aliases rule, priority, tags, output) and any field of the triggering event.
     */
    default PolicyEventPage policyEvents(io.podtrail.query.EventQuery query) {
        throw new UnsupportedOperationException("this store (" + getClass().getSimpleName() + ") does not keep policy events");
    }

    /**
     * @param events     matching policy events, newest first
     * @param nextCursor opaque cursor for the next page, or null
     */
    record PolicyEventPage(List<io.podtrail.detect.PolicyEvent> events, String nextCursor) {
    }

    /** Number of stored events. */
    long count();

    @Override
    void close();

    /**
     * @param stored     new events written
     * @param duplicates events already stored (same id), not written again
     * @param merged     Kubernetes API stages merged into an already stored request
     */
    record AppendResult(long stored, long duplicates, long merged) {
        public AppendResult plus(AppendResult o) {
            return new AppendResult(stored + o.stored, duplicates + o.duplicates, merged + o.merged);
        }
    }

    /**
     * @param events     matching events, newest first
     * @param nextCursor opaque cursor for the next page, or null when there is none
     */
    record EventPage(List<Event> events, String nextCursor) {
    }
}
