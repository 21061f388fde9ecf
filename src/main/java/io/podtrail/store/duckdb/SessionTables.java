package io.podtrail.store.duckdb;

import io.podtrail.correlate.Attributions;
import io.podtrail.correlate.ProcessArchive;
import io.podtrail.correlate.ProcessInfo;
import io.podtrail.correlate.SessionRecord;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code sessions} and {@code session_processes} tables (see {@link Schema#isSession}): upserts of what
 * the correlator learned, reads of one session, and the {@link ProcessArchive} queries over the processes
 * dimension that late sessions and restarts need.
 */
final class SessionTables {

    private static final String COLUMNS = "session_id, session_kind, session_user_name, session_user_groups, session_impuser_name, "
            + "session_source_ip, session_useragent, session_command, session_container, session_tty, session_stdin, "
            + "session_start, session_end, session_allowed, session_response_code, session_confidence, session_root_exec_id, "
            + "session_candidates, _cluster, _ns, _pod, _node, _container_id";

    static final int COLUMN_COUNT = 23;

    private SessionTables() {
    }

    /**
     * Sessions whose opening event (the API request, or the root's exec outside the API) matches the WHERE
     * clause, newest first, with counts over their attributed events (read after the opening event only).
     */
    static String listSql(String where) {
        String prefixed = COLUMNS.replaceAll("(^|, )", "$1s.");
        return "WITH picked AS (SELECT DISTINCT session_id, evt_time AS opened FROM " + Schema.EVENTS + where
                + " AND session_id IS NOT NULL AND (podtrail_kind = 'k8s_api' OR (session_root AND podtrail_kind = 'exec'"
                + " AND session_kind = 'outside_api')) ORDER BY opened DESC LIMIT ?), "
                + "counts AS (SELECT session_id, count(DISTINCT proc_exec_id) FILTER (WHERE podtrail_kind = 'exec') AS procs, "
                + "count(*) FILTER (WHERE podtrail_kind IN ('connect', 'accept')) AS conns, "
                + "count(*) FILTER (WHERE podtrail_kind = 'file') AS files, count(*) AS n FROM " + Schema.EVENTS
                + " WHERE session_id IN (SELECT session_id FROM picked) AND evt_time >= (SELECT min(opened) FROM picked) - "
                + "60000000000 GROUP BY session_id) "
                + "SELECT " + prefixed + ", coalesce(k.procs, 0), coalesce(k.conns, 0), coalesce(k.files, 0), coalesce(k.n, 0) "
                + "FROM picked JOIN " + Schema.SESSIONS + " s ON s.session_id = picked.session_id LEFT JOIN counts k "
                + "ON k.session_id = picked.session_id ORDER BY picked.opened DESC, s.session_id";
    }

    /** Applies attributions on the given connection (the caller commits). */
    static void write(Connection c, Attributions a) throws SQLException {
        if (!a.removed().isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Schema.SESSIONS + " WHERE session_id = ?")) {
                for (String id : a.removed()) {
                    ps.setString(1, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!a.sessions().isEmpty()) {
            String marks = String.join(", ", java.util.Collections.nCopies(23, "?"));
            try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO " + Schema.SESSIONS + " (" + COLUMNS
                    + ") VALUES (" + marks + ")")) {
                for (SessionRecord s : a.sessions()) {
                    int i = 1;
                    ps.setString(i++, s.id());
                    ps.setString(i++, s.kind());
                    ps.setString(i++, s.userName());
                    setList(c, ps, i++, s.userGroups());
                    ps.setString(i++, s.impUserName());
                    ps.setString(i++, s.sourceIp());
                    ps.setString(i++, s.userAgent());
                    setList(c, ps, i++, s.command());
                    ps.setString(i++, s.container());
                    setObject(ps, i++, s.tty(), Types.BOOLEAN);
                    setObject(ps, i++, s.stdin(), Types.BOOLEAN);
                    setObject(ps, i++, s.start(), Types.BIGINT);
                    setObject(ps, i++, s.end(), Types.BIGINT);
                    setObject(ps, i++, s.allowed(), Types.BOOLEAN);
                    setObject(ps, i++, s.responseCode(), Types.BIGINT);
                    ps.setString(i++, s.confidence());
                    ps.setString(i++, s.rootExecId());
                    setList(c, ps, i++, s.candidates());
                    ps.setString(i++, s.cluster());
                    ps.setString(i++, s.namespace());
                    ps.setString(i++, s.pod());
                    ps.setString(i++, s.node());
                    ps.setString(i, s.containerId());
                    ps.executeUpdate();
                }
            }
        }
        if (!a.processes().isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO " + Schema.SESSION_PROCESSES
                    + " (exec_id, session_id) VALUES (?, ?)")) {
                for (Map.Entry<String, String> e : a.processes().entrySet()) {
                    ps.setString(1, e.getKey());
                    ps.setString(2, e.getValue());
                    ps.executeUpdate();
                }
            }
            // the keys of the stored process rows of these exec ids (rows appended later: mapProcessKeys)
            try (PreparedStatement ps = c.prepareStatement(mapStoredProcessesSql("SELECT unnest(?::VARCHAR[])"))) {
                ps.setObject(1, c.createArrayOf("VARCHAR", a.processes().keySet().toArray()));
                ps.executeUpdate();
            }
        }
    }

    /**
     * Maps the stored process rows of the exec ids a subquery selects into session_process_keys (those not there
     * yet): on attribution, and for a trail written before the table existed (all of session_processes).
     */
    static String mapStoredProcessesSql(String execIds) {
        return "INSERT INTO " + Schema.SESSION_PROCESS_KEYS + " SELECT p.proc_exec_id, p." + Schema.PKEY + " FROM " + Schema.PROCESSES
                + " p WHERE p.proc_exec_id IN (" + execIds + ") AND p." + Schema.PKEY + " NOT IN (SELECT " + Schema.PKEY + " FROM "
                + Schema.SESSION_PROCESS_KEYS + ")";
    }

    /**
     * Maps new process rows (exec id, key) whose exec id is already attributed (call in the append's transaction):
     * with {@link #write}, every process row of an attributed exec id is in session_process_keys.
     */
    static void mapProcessKeys(Connection c, List<String> execIds, List<Integer> keys) throws SQLException {
        if (execIds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Schema.SESSION_PROCESS_KEYS + " SELECT exec_id, k FROM (SELECT "
                + "unnest(?::VARCHAR[]) AS exec_id, unnest(?::INTEGER[]) AS k) WHERE exec_id IN (SELECT exec_id FROM "
                + Schema.SESSION_PROCESSES + ")")) {
            ps.setObject(1, c.createArrayOf("VARCHAR", execIds.toArray()));
            ps.setObject(2, c.createArrayOf("INTEGER", keys.toArray()));
            ps.executeUpdate();
        }
    }

    private static void setObject(PreparedStatement ps, int i, Object v, int type) throws SQLException {
        if (v == null) {
            ps.setNull(i, type);
        } else {
            ps.setObject(i, v);
        }
    }

    private static void setList(Connection c, PreparedStatement ps, int i, List<String> v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.ARRAY);
        } else {
            ps.setArray(i, c.createArrayOf("VARCHAR", v.toArray(new String[0])));
        }
    }

    /** One session by id, or null. */
    static SessionRecord read(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + Schema.SESSIONS + " WHERE session_id = ?")) {
            ps.setString(1, id);
            try (ResultSet r = ps.executeQuery()) {
                return r.next() ? record(r) : null;
            }
        }
    }

    static SessionRecord record(ResultSet r) throws SQLException {
        return new SessionRecord(r.getString(1), r.getString(2), r.getString(3), list(r.getArray(4)), r.getString(5),
                r.getString(6), r.getString(7), list(r.getArray(8)), r.getString(9), bool(r, 10), bool(r, 11),
                longOrNull(r, 12), longOrNull(r, 13), bool(r, 14), longOrNull(r, 15), r.getString(16), r.getString(17),
                list(r.getArray(18)), r.getString(19), r.getString(20), r.getString(21), r.getString(22), r.getString(23));
    }

    private static List<String> list(Array a) throws SQLException {
        if (a == null) {
            return null;
        }
        Object[] o = (Object[]) a.getArray();
        return Arrays.stream(o).map(x -> x == null ? null : x.toString()).toList();
    }

    private static Boolean bool(ResultSet r, int i) throws SQLException {
        boolean b = r.getBoolean(i);
        return r.wasNull() ? null : b;
    }

    private static Long longOrNull(ResultSet r, int i) throws SQLException {
        long v = r.getLong(i);
        return r.wasNull() ? null : v;
    }

    /** The archive queries, on a connection that sees every committed append. */
    static ProcessArchive archive(Connection c) {
        return new ProcessArchive() {
            @Override
            public Map<String, String> sessionsOf(Collection<String> execIds) {
                Map<String, String> out = new LinkedHashMap<>();
                if (execIds.isEmpty()) {
                    return out;
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT exec_id, session_id FROM " + Schema.SESSION_PROCESSES
                        + " WHERE exec_id IN (SELECT unnest(?::VARCHAR[]))")) {
                    ps.setArray(1, c.createArrayOf("VARCHAR", execIds.toArray(new String[0])));
                    try (ResultSet r = ps.executeQuery()) {
                        while (r.next()) {
                            out.put(r.getString(1), r.getString(2));
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException("session lookup failed: " + e.getMessage(), e);
                }
                return out;
            }

            @Override
            public List<ProcessInfo> processesInPod(String namespace, String pod, long fromNs, long toNs) {
                List<ProcessInfo> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT p.proc_exec_id, p.proc_pexec_id, p.proc_name, p.proc_args, "
                        + "p.proc_pname, p.proc_tty, c.evt_hostname, c.k8s_cluster_name, c.k8s_ns_name, c.k8s_pod_name, c.container_name, "
                        + "c.container_id, p.proc_pid_ts FROM " + Schema.PROCESSES + " p JOIN " + Schema.CONTAINERS + " c ON c."
                        + Schema.CKEY + " = p." + Schema.CKEY + " WHERE c.k8s_ns_name = ? AND c.k8s_pod_name = ? "
                        + "AND p.proc_pid_ts BETWEEN ? AND ? AND p.proc_exec_id IS NOT NULL ORDER BY p.proc_pid_ts")) {
                    ps.setString(1, namespace);
                    ps.setString(2, pod);
                    ps.setLong(3, fromNs);
                    ps.setLong(4, toNs);
                    try (ResultSet r = ps.executeQuery()) {
                        while (r.next()) {
                            out.add(new ProcessInfo(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                                    longOrNull(r, 6), r.getString(7), r.getString(8), r.getString(9), r.getString(10), r.getString(11),
                                    r.getString(12), r.getLong(13)));
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException("process lookup failed: " + e.getMessage(), e);
                }
                return out;
            }

            @Override
            public List<String> descendants(String execId, long fromNs) {
                // Level by level: each level is one scan of the processes started since fromNs for children of the
                // previous level. (A recursive CTE kept a hash table of every process since fromNs and ran out of
                // DuckDB's memory limit at 100M events.)
                List<String> out = new ArrayList<>();
                java.util.Set<String> seen = new java.util.HashSet<>(List.of(execId));
                List<String> level = List.of(execId);
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT proc_exec_id FROM " + Schema.PROCESSES
                        + " WHERE proc_pid_ts >= ? AND proc_pexec_id IN (SELECT unnest(?::VARCHAR[])) AND proc_exec_id IS NOT NULL")) {
                    while (!level.isEmpty()) {
                        ps.setLong(1, fromNs);
                        ps.setObject(2, c.createArrayOf("VARCHAR", level.toArray()));
                        List<String> next = new ArrayList<>();
                        try (ResultSet r = ps.executeQuery()) {
                            while (r.next()) {
                                String child = r.getString(1);
                                if (seen.add(child)) {
                                    next.add(child);
                                    out.add(child);
                                }
                            }
                        }
                        level = next;
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException("descendant lookup failed: " + e.getMessage(), e);
                }
                return out;
            }

            @Override
            public SessionRecord session(String id) {
                try {
                    return read(c, id);
                } catch (SQLException e) {
                    throw new IllegalStateException("session lookup failed: " + e.getMessage(), e);
                }
            }

            @Override
            public List<SessionRecord> pendingSessions() {
                List<SessionRecord> out = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + Schema.SESSIONS
                        + " WHERE session_confidence = ?")) {
                    ps.setString(1, SessionRecord.PENDING);
                    try (ResultSet r = ps.executeQuery()) {
                        while (r.next()) {
                            out.add(record(r));
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException("session lookup failed: " + e.getMessage(), e);
                }
                return out;
            }
        };
    }
}
