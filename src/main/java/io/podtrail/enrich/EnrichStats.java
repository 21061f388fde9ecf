package io.podtrail.enrich;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of an enricher: events fully resolved, events left (partly) unresolved by reason, and conflicts
 * between what a sensor said and what the history says. Thread-safe.
 */
public final class EnrichStats {

    /** Counters of an enricher that keeps none; always zero. */
    public static final EnrichStats EMPTY = new EnrichStats();

    private final LongAdder resolved = new LongAdder();
    private final LongAdder unresolvedEvents = new LongAdder();
    private final Map<String, LongAdder> unresolved = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> conflicts = new ConcurrentHashMap<>();

    void resolved() {
        resolved.increment();
    }

    void unresolved(Iterable<String> reasons) {
        unresolvedEvents.increment();
        for (String r : reasons) {
            unresolved.computeIfAbsent(r, k -> new LongAdder()).increment();
        }
    }

    void conflict(String field) {
        conflicts.computeIfAbsent(field, k -> new LongAdder()).increment();
    }

    /** Events with nothing left unresolved. */
    public long resolvedCount() {
        return resolved.sum();
    }

    /** Events with at least one unresolved part. */
    public long unresolvedCount() {
        return unresolvedEvents.sum();
    }

    /** Unresolved events by reason (container, pod, owner, peer); an event may count under several reasons. */
    public Map<String, Long> unresolvedByReason() {
        return snapshot(unresolved);
    }

    /** Sensor/history disagreements by field name. */
    public Map<String, Long> conflictsByField() {
        return snapshot(conflicts);
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    @Override
    public String toString() {
        return "resolved=" + resolvedCount() + " unresolved=" + unresolvedCount() + " " + unresolvedByReason()
                + " conflicts=" + conflictsByField();
    }
}
