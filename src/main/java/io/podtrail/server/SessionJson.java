package io.podtrail.server;

import io.podtrail.correlate.SessionRecord;
import io.podtrail.correlate.SessionTree;
import io.podtrail.event.Event;
import io.podtrail.store.SessionSummary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of sessions, shared by the API and the CLI's {@code -o json} (documented in docs/server.md). */
public final class SessionJson {

    private SessionJson() {
    }

    /** A session of a list: its fields and place, then its counts. */
    public static Map<String, Object> summary(SessionSummary s) {
        Map<String, Object> m = new LinkedHashMap<>(s.session().toMap());
        m.put("processes", s.processes());
        m.put("connections", s.connections());
        m.put("files", s.files());
        m.put("events", s.events());
        return m;
    }

    /** One session with its process tree (pre-order, each process with its activity) and all its events. */
    public static Map<String, Object> detail(SessionRecord record, List<Event> events, boolean truncated) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session", record.toMap());
        List<Map<String, Object>> tree = new ArrayList<>();
        for (SessionTree.Node n : SessionTree.of(events).preOrder()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("exec_id", n.execId);
            p.put("parent_exec_id", n.parentExecId);
            p.put("depth", n.depth);
            p.put("cmdline", n.cmdline);
            p.put("exepath", n.exepath);
            p.put("start", n.start);
            p.put("exit", n.exit);
            p.put("exit_code", n.exitCode);
            List<Map<String, Object>> activity = new ArrayList<>();
            for (Event e : n.activity) {
                activity.add(e.toMap());
            }
            p.put("activity", activity);
            tree.add(p);
        }
        m.put("tree", tree);
        List<Map<String, Object>> all = new ArrayList<>();
        for (Event e : events) {
            all.add(e.toMap());
        }
        m.put("events", all);
        m.put("truncated", truncated);
        return m;
    }

    /** A string literal of the filter language. */
    public static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
