package io.podtrail.detect;

import io.podtrail.correlate.Attributions;
import io.podtrail.correlate.SessionRecord;
import io.podtrail.event.Event;
import io.podtrail.event.Fields;
import io.podtrail.query.EventQuery;
import io.podtrail.query.Filter;
import io.podtrail.query.FilterEvaluator;
import io.podtrail.query.FilterException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import io.podtrail.store.EventStore;

/**
 * A hand-written in-memory store: events by id, sessions joined onto their processes' events when read (as the
 * DuckDB store's view does), policy events keyed by rule and triggering event.
 */
final class MemoryStore implements EventStore {

    final Map<Long, Event> events = new LinkedHashMap<>();
    final Map<String, SessionRecord> sessions = new HashMap<>();
    final Map<String, String> processes = new HashMap<>();
    final Map<String, PolicyEvent> policy = new LinkedHashMap<>();

    @Override
    public AppendResult append(List<Event> batch) {
        long stored = 0;
        for (Event e : batch) {
            if (events.putIfAbsent(e.id(), e.copy()) == null) {
                stored++;
            }
        }
        return new AppendResult(stored, batch.size() - stored, 0);
    }

    @Override
    public EventPage query(EventQuery q) {
        Predicate<Event> p;
        try {
            p = FilterEvaluator.of(Filter.compile(q.filter()));
        } catch (FilterException e) {
            throw new IllegalArgumentException(e.render());
        }
        List<Event> out = new ArrayList<>();
        for (Event stored : events.values()) {
            Event e = stored.copy();
            SessionRecord s = sessions.get(processes.get(e.getString(Fields.PROC_EXEC_ID)));
            if (s != null) {
                s.applyTo(e, e.getString(Fields.PROC_EXEC_ID).equals(s.rootExecId()));
            }
            if (p.test(e)) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparingLong(Event::time).reversed());
        return new EventPage(out.subList(0, Math.min(out.size(), q.limit())), null);
    }

    @Override
    public void attribute(Attributions a) {
        a.sessions().forEach(s -> sessions.put(s.id(), s));
        processes.putAll(a.processes());
    }

    @Override
    public int appendPolicyEvents(List<PolicyEvent> list) {
        int n = 0;
        for (PolicyEvent p : list) {
            PolicyEvent old = policy.putIfAbsent(p.rule() + "\u0000" + p.eventId(), p);
            if (old != null && old.sessionId() == null && p.sessionId() != null) {
                policy.put(p.rule() + "\u0000" + p.eventId(), p);
            }
            n++;
        }
        return n;
    }

    @Override
    public long count() {
        return events.size();
    }

    @Override
    public void close() {
    }
}
