package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.Field;
import io.podtrail.event.FieldType;
import io.podtrail.event.Fields;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a page's events whole by row position. Sensor events: the facts rows, then their process, container and
 * peer rows by key and their session by exec id, put together in Java exactly as the {@code sensor_events} view
 * does; API-side events: the wide_events rows and their session (by exec id, else by auditID) as
 * {@code api_events} does. Why not the views: DuckDB plans and runs their joins for every page, 15-50 ms for a
 * dozen rows at 10M events, where these small lookups take a few ms. Dimension rows are content-addressed and
 * never change, so they are cached (bounded); sessions change (late attribution), so their cache is emptied whenever
 * the store writes them.
 */
final class PageRows {

    private static final List<Field> FACT_FIELDS = Fields.stored().stream().filter(Schema::isFact).toList();
    private static final List<Field> PROCESS_FIELDS = Fields.stored().stream().filter(Schema.PROCESS_FIELDS::contains).toList();
    private static final List<Field> CONTAINER_FIELDS = Fields.stored().stream().filter(Schema.CONTAINER_FIELDS::contains).toList();
    private static final List<Field> PEER_FIELDS = Fields.stored().stream().filter(Schema.PEER_FIELDS::contains).toList();
    private static final List<Field> SESSION_FIELDS = Fields.stored().stream()
            .filter(f -> Schema.isSession(f) && f != Fields.SESSION_ROOT).toList();

    private final Lru processes = new Lru(8192);
    private final Lru containers = new Lru(4096);
    private final Lru peers = new Lru(8192);

    /** A row of one table: its field values by catalogue index, plus the keys it references (facts: _pkey, _nkey). */
    record Row(Object[] values, long key1, long key2, boolean flag) {
    }

    /** The columns of a whole facts row ({@link #factRow}): the fact fields, _pkey, _nkey and _fd_name_conn. */
    static final String FACT_ROW_COLUMNS = columns(FACT_FIELDS) + ", " + Schema.PKEY + ", " + Schema.NKEY + ", " + Schema.FD_NAME_CONN;

    /** The facts row whose {@link #FACT_ROW_COLUMNS} start at column {@code first}. */
    static Row factRow(ResultSet r, int first) throws SQLException {
        int n = FACT_FIELDS.size();
        return new Row(values(r, first, FACT_FIELDS), r.getLong(first + n), r.getLong(first + n + 1), r.getBoolean(first + n + 2));
    }

    /** The events at these facts row positions, by position. */
    Map<Long, Event> read(Connection c, Collection<Long> rids, long sessionGeneration) throws SQLException {
        Map<Long, Row> facts = new HashMap<>();
        long t0 = System.nanoTime();
        try (PreparedStatement ps = ReadConnections.prepare(c, "SELECT rowid, " + FACT_ROW_COLUMNS + " FROM " + Schema.FACTS
                + " WHERE rowid IN (SELECT unnest(?::BIGINT[]))")) {
            ps.setObject(1, c.createArrayOf("BIGINT", rids.toArray()));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    facts.put(r.getLong(1), factRow(r, 2));
                }
            }
        }
        DuckDbEventStore.trace("rows: facts", t0);
        return complete(c, facts, sessionGeneration);
    }

    /**
     * The events of facts rows read whole, by position: their process, container and peer rows (by key) and their
     * session (by exec id) put with them as the sensor_events view does.
     */
    Map<Long, Event> complete(Connection c, Map<Long, Row> facts, long sessionGeneration) throws SQLException {
        Set<Long> pkeys = new LinkedHashSet<>();
        Set<Long> nkeys = new LinkedHashSet<>();
        for (Row f : facts.values()) {
            pkeys.add(f.key1());
            nkeys.add(f.key2());
        }
        Map<Long, Row> procs = dimension(c, processes, Schema.PROCESSES, Schema.PKEY, ", " + Schema.CKEY, PROCESS_FIELDS, pkeys);
        Set<Long> ckeys = new LinkedHashSet<>();
        Set<String> execIds = new LinkedHashSet<>();
        for (Row p : procs.values()) {
            ckeys.add(p.key1());
            Object exec = p.values()[Fields.PROC_EXEC_ID.index()];
            if (exec != null) {
                execIds.add(exec.toString());
            }
        }
        Map<Long, Row> conts = dimension(c, containers, Schema.CONTAINERS, Schema.CKEY, "", CONTAINER_FIELDS, ckeys);
        Map<Long, Row> peerRows = dimension(c, peers, Schema.PEERS, Schema.NKEY, "", PEER_FIELDS, nkeys);
        Map<String, Object[]> sessions = sessions(c, execIds, false, sessionGeneration);

        Map<Long, Event> out = new HashMap<>();
        for (Map.Entry<Long, Row> en : facts.entrySet()) {
            Row f = en.getValue();
            Row p = procs.get(f.key1());
            Row n = peerRows.get(f.key2());
            Row k = p == null ? null : conts.get(p.key1());
            if (p == null || n == null || k == null) {
                continue; // the view's inner joins drop it too (never happens: every fact has its rows)
            }
            Event e = new Event();
            copy(e, FACT_FIELDS, f.values());
            copy(e, PROCESS_FIELDS, p.values());
            copy(e, CONTAINER_FIELDS, k.values());
            copy(e, PEER_FIELDS, n.values());
            if (f.flag()) {
                // fd.name not stored: the connection's cip:cport->sip:sport (the view's concat, NULL as empty)
                e.set(Fields.FD_NAME, text(n.values()[Fields.FD_CIP.index()]) + ":" + text(f.values()[Fields.FD_CPORT.index()]) + "->"
                        + text(n.values()[Fields.FD_SIP.index()]) + ":" + text(n.values()[Fields.FD_SPORT.index()]));
            }
            Object exec = p.values()[Fields.PROC_EXEC_ID.index()];
            setSession(e, exec == null ? null : sessions.get(exec.toString()), exec);
            out.put(en.getKey(), e);
        }
        return out;
    }

    private static final List<Field> WIDE_FIELDS = Fields.stored().stream().filter(f -> !Schema.isSession(f)).toList();

    /** The events at these wide_events row positions, by position. */
    Map<Long, Event> readWide(Connection c, Collection<Long> rids, long sessionGeneration) throws SQLException {
        Map<Long, Object[]> rows = new HashMap<>();
        long t0 = System.nanoTime();
        List<Field> fields = presentFields(c, rids);
        DuckDbEventStore.trace("rows: wide columns present (" + fields.size() + ")", t0);
        try (PreparedStatement ps = ReadConnections.prepare(c, "SELECT rowid, " + columns(fields) + " FROM " + Schema.WIDE
                + " WHERE rowid IN (SELECT unnest(?::BIGINT[]))")) {
            ps.setObject(1, c.createArrayOf("BIGINT", rids.toArray()));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    rows.put(r.getLong(1), values(r, 2, fields));
                }
            }
        }
        DuckDbEventStore.trace("rows: wide", t0);
        Set<String> execIds = new LinkedHashSet<>();
        Set<String> auditIds = new LinkedHashSet<>();
        for (Object[] v : rows.values()) {
            if (v[Fields.PROC_EXEC_ID.index()] != null) {
                execIds.add(v[Fields.PROC_EXEC_ID.index()].toString());
            }
            if (v[Fields.KA_AUDITID.index()] != null) {
                auditIds.add(v[Fields.KA_AUDITID.index()].toString());
            }
        }
        Map<String, Object[]> byExec = sessions(c, execIds, false, sessionGeneration);
        Map<String, Object[]> byId = sessions(c, auditIds, true, sessionGeneration);
        Map<Long, Event> out = new HashMap<>();
        for (Map.Entry<Long, Object[]> en : rows.entrySet()) {
            Object[] v = en.getValue();
            Event e = new Event();
            copy(e, WIDE_FIELDS, v);
            Object exec = v[Fields.PROC_EXEC_ID.index()];
            Object audit = v[Fields.KA_AUDITID.index()];
            // the view: session by the process's mapping, else the request is its own session
            Object[] s = exec == null ? null : byExec.get(exec.toString());
            if (s == null && audit != null) {
                s = byId.get(audit.toString());
            }
            setSession(e, s, exec);
            out.put(en.getKey(), e);
        }
        return out;
    }

    /**
     * The fields any of these wide rows holds (their {@link Schema#PRESENT} lists; all of them when a row has none),
     * in catalogue order: a wide row's other ~90 columns are NULL, and each column read costs ~50 us.
     */
    private static List<Field> presentFields(Connection c, Collection<Long> rids) throws SQLException {
        Set<String> present = new HashSet<>();
        try (PreparedStatement ps = ReadConnections.prepare(c, "SELECT DISTINCT " + Schema.PRESENT + " FROM " + Schema.WIDE
                + " WHERE rowid IN (SELECT unnest(?::BIGINT[]))")) {
            ps.setObject(1, c.createArrayOf("BIGINT", rids.toArray()));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    String list = r.getString(1);
                    if (list == null) {
                        return WIDE_FIELDS;
                    }
                    present.addAll(Arrays.asList(list.split(",")));
                }
            }
        }
        List<Field> out = new ArrayList<>();
        for (Field f : WIDE_FIELDS) {
            if (f == Fields.ID || present.contains(f.column())) {
                out.add(f);
            }
        }
        return out;
    }

    private static String text(Object v) {
        return v == null ? "" : v.toString();
    }

    private static void copy(Event e, List<Field> fields, Object[] values) {
        for (Field f : fields) {
            Object v = values[f.index()];
            if (v != null) {
                e.set(f, v);
            }
        }
    }

    private static Map<Long, Row> dimension(Connection c, Lru cache, String table, String key, String extra, List<Field> fields,
                                            Set<Long> keys) throws SQLException {
        Map<Long, Row> out = new HashMap<>();
        List<Long> missing = new ArrayList<>();
        for (Long k : keys) {
            Row r = cache.get(k);
            if (r == null) {
                missing.add(k);
            } else {
                out.put(k, r);
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        long t0 = System.nanoTime();
        try (PreparedStatement ps = ReadConnections.prepare(c, "SELECT " + key + extra + ", " + columns(fields) + " FROM " + table + " WHERE "
                + key + " IN (SELECT unnest(?::BIGINT[]))")) {
            ps.setObject(1, c.createArrayOf("BIGINT", missing.toArray()));
            try (ResultSet r = ps.executeQuery()) {
                int first = extra.isEmpty() ? 2 : 3;
                while (r.next()) {
                    Row row = new Row(values(r, first, fields), extra.isEmpty() ? 0 : r.getLong(2), 0, false);
                    out.put(r.getLong(1), row);
                    cache.put(r.getLong(1), row);
                }
            }
        }
        DuckDbEventStore.trace("rows: " + table + " (" + missing.size() + " missed)", t0);
        return out;
    }

    /**
     * Session rows by exec id (through session_processes) or, with {@code byId}, by session id (an auditID), through
     * a cache of both answers (a session or none: most processes have none). Sessions change only by
     * {@link #sessionsChanged}, which the store calls after each attribution commits; {@code generation} is
     * {@link #sessionGeneration} taken before the reading transaction's first statement, so an answer read from a
     * snapshot older than a change is not cached. Measured at 10M events: the statement cost 3-4 ms of every page.
     */
    private Map<String, Object[]> sessions(Connection c, Set<String> keys, boolean byId, long generation) throws SQLException {
        Map<String, Object[]> out = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String k : keys) {
            Object[] s = sessionCache.get(byId, k);
            if (s == null) {
                missing.add(k);
            } else if (s != NO_SESSION) {
                out.put(k, s);
            }
        }
        if (missing.isEmpty()) {
            return out;
        }
        long t0 = System.nanoTime();
        String from = byId ? "s.session_id FROM " + Schema.SESSIONS + " s"
                : "sp.exec_id FROM " + Schema.SESSION_PROCESSES + " sp JOIN " + Schema.SESSIONS + " s ON s.session_id = sp.session_id";
        Map<String, Object[]> found = new HashMap<>();
        try (PreparedStatement ps = ReadConnections.prepare(c, "SELECT " + columns(SESSION_FIELDS).replaceAll("(^|, )", "$1s.") + ", " + from
                + " WHERE " + (byId ? "s.session_id" : "sp.exec_id") + " IN (SELECT unnest(?::VARCHAR[]))")) {
            ps.setObject(1, c.createArrayOf("VARCHAR", missing.toArray()));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    found.put(r.getString(SESSION_FIELDS.size() + 1), values(r, 1, SESSION_FIELDS));
                }
            }
        }
        for (String k : missing) {
            Object[] s = found.get(k);
            sessionCache.put(generation, byId, k, s == null ? NO_SESSION : s);
        }
        out.putAll(found);
        DuckDbEventStore.trace("rows: sessions by " + (byId ? "id" : "exec id") + " (" + missing.size() + " missed)", t0);
        return out;
    }

    /** The session tables' generation now: take it before a read transaction begins. */
    long sessionGeneration() {
        return sessionCache.generation();
    }

    /** Forgets every cached session answer (after sessions or their processes changed). */
    void sessionsChanged() {
        sessionCache.invalidate();
    }

    private static final Object[] NO_SESSION = new Object[0];
    private final SessionCache sessionCache = new SessionCache(65_536);

    /** Cached session answers by exec id and by session id, valid for one generation of the session tables. */
    private static final class SessionCache {
        private final int capacity;
        private final Map<String, Object[]> byExec;
        private final Map<String, Object[]> byId;
        private long generation;

        SessionCache(int capacity) {
            this.capacity = capacity;
            this.byExec = lru();
            this.byId = lru();
        }

        private Map<String, Object[]> lru() {
            return new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Object[]> eldest) {
                    return size() > capacity;
                }
            };
        }

        synchronized long generation() {
            return generation;
        }

        synchronized Object[] get(boolean id, String key) {
            return (id ? byId : byExec).get(key);
        }

        /** Caches an answer read in {@code readIn}, unless the sessions changed since. */
        synchronized void put(long readIn, boolean id, String key, Object[] session) {
            if (readIn == generation) {
                (id ? byId : byExec).put(key, session);
            }
        }

        synchronized void invalidate() {
            generation++;
            byExec.clear();
            byId.clear();
        }
    }

    /** The session's fields on an event, and session.root as the views compute it (exec id = the root's). */
    private static void setSession(Event e, Object[] s, Object exec) {
        if (s == null) {
            return;
        }
        copy(e, SESSION_FIELDS, s);
        Object root = s[Fields.SESSION_ROOT_EXEC_ID.index()];
        if (root != null && exec != null) {
            e.set(Fields.SESSION_ROOT, root.equals(exec));
        }
    }

    private static String columns(List<Field> fields) {
        StringBuilder b = new StringBuilder();
        for (Field f : fields) {
            b.append(b.isEmpty() ? "" : ", ").append(f.column());
        }
        return b.toString();
    }

    /** The fields' values from consecutive columns starting at {@code first}, by catalogue index. */
    private static Object[] values(ResultSet r, int first, List<Field> fields) throws SQLException {
        Object[] out = new Object[Fields.stored().size()];
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            out[f.index()] = value(f, r.getObject(first + i));
        }
        return out;
    }

    /** A column's JDBC value as the event model holds it (null stays null). */
    static Object value(Field f, Object v) throws SQLException {
        if (v == null) {
            return null;
        }
        return switch (f.type()) {
            case STRING, IP -> v.toString();
            case LONG, TIME -> ((Number) v).longValue();
            case BOOL -> (Boolean) v;
            case STRING_LIST -> {
                Object[] a = (Object[]) ((Array) v).getArray();
                List<String> l = new ArrayList<>(a.length);
                for (Object o : a) {
                    l.add(o == null ? null : o.toString());
                }
                yield java.util.Collections.unmodifiableList(l);
            }
            case STRING_MAP -> {
                Map<String, String> m = new LinkedHashMap<>();
                for (Map.Entry<?, ?> en : ((Map<?, ?>) v).entrySet()) {
                    m.put(String.valueOf(en.getKey()), en.getValue() == null ? null : en.getValue().toString());
                }
                yield m;
            }
        };
    }

    /** A small synchronized LRU map of immutable rows. */
    private static final class Lru {
        private final Map<Long, Row> map;

        Lru(int capacity) {
            this.map = new LinkedHashMap<>(capacity, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Row> eldest) {
                    return size() > capacity;
                }
            };
        }

        synchronized Row get(long key) {
            return map.get(key);
        }

        synchronized void put(long key, Row row) {
            map.put(key, row);
        }
    }
}
