package io.podtrail.detect;

import io.podtrail.event.Event;
import java.util.List;
import java.util.Map;

/**
 * The detection stage's entry point: evaluates policies on each event after enrichment and correlation
 * ({@code io.podtrail.pipeline.TrailWriter} calls it on the writer thread) and returns the policy events raised.
 * The implementation is {@link RuleEngine}; {@link #NONE} detects nothing.
 *
 * <p>Contract: called on one thread (the writer), in arrival order; stats may be read from any thread.
 */
public interface Detector {

    /** Detects nothing. */
    Detector NONE = new Detector() {
        @Override
        public List<PolicyEvent> detect(Event event) {
            return List.of();
        }

        @Override
        public List<PolicyEvent> redetect(Event event) {
            return List.of();
        }

        @Override
        public boolean readsSessions() {
            return false;
        }
    };

    /** Every rule for the event's source and type, on an event as it is ingested. */
    List<PolicyEvent> detect(Event event);

    /**
     * The rules whose result can change when a session is attributed after the event was stored (they read
     * {@code session.*}), on an event read back from the store with its session.
     */
    List<PolicyEvent> redetect(Event event);

    /** True when some rule reads session fields (so late attributions are worth re-evaluating). */
    boolean readsSessions();

    /** Policy events raised per rule since start. */
    default Map<String, Long> hits() {
        return Map.of();
    }

    /** Evaluation counters since start. */
    default Stats stats() {
        return new Stats(0, 0, 0, 0, 0);
    }

    /**
     * @param events      events evaluated
     * @param evaluations rule conditions evaluated (after the evt.type index)
     * @param policyEvents policy events raised
     * @param nanos       time spent evaluating
     * @param errors      rule evaluations that failed (counted and skipped; never stop the writer)
     */
    record Stats(long events, long evaluations, long policyEvents, long nanos, long errors) {
    }
}
