package io.podtrail.bench;

import io.podtrail.event.Event;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The baseline a user would otherwise build: the same normalized rows in one PostgreSQL table, one
 * column per catalogue field with native types (inet for IPs, text[] for lists, jsonb for maps), with
 * the indexes a competent engineer adds for this workload.
 */
final class PostgresTable {

    static final List<String> INDEXES = List.of(
            "ALTER TABLE events ADD PRIMARY KEY (podtrail_id)",
            "CREATE INDEX events_time_brin ON events USING brin (evt_time)",
            "CREATE INDEX events_ns_time ON events (k8s_ns_name, evt_time)",
            "CREATE INDEX events_pod_time ON events (k8s_pod_name, evt_time)",
            "CREATE INDEX events_proc_name ON events (proc_name)",
            "CREATE INDEX events_exec_id ON events (proc_exec_id)",
            "CREATE INDEX events_sip ON events USING gist (fd_sip inet_ops)",
            "CREATE INDEX events_cmdline_trgm ON events USING gin (proc_cmdline gin_trgm_ops)");

    private PostgresTable() {
    }

    static void create(Connection c) throws SQLException {
        List<String> cols = new ArrayList<>();
        for (Field f : Fields.stored()) {
            String type = switch (f.type()) {
                case STRING -> "text";
                case LONG, TIME -> "bigint";
                case BOOL -> "boolean";
                case IP -> "inet";
                case STRING_LIST -> "text[]";
                case STRING_MAP -> "jsonb";
            };
            cols.add(f.column() + " " + type);
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm");
            s.execute("DROP TABLE IF EXISTS events");
            s.execute("CREATE TABLE events (" + String.join(", ", cols) + ")");
        }
    }

    static long copy(Connection c, Reader csv) throws SQLException, IOException {
        CopyManager cm = c.unwrap(PGConnection.class).getCopyAPI();
        return cm.copyIn("COPY events FROM STDIN WITH (FORMAT csv)", csv);
    }

    static void index(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : INDEXES) {
                s.execute(sql);
            }
            s.execute("ANALYZE events");
        }
    }

    static long totalBytes(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT pg_total_relation_size('events')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** One event as a PostgreSQL CSV line (empty unquoted = NULL). */
    static void writeCsv(Event e, Writer out) throws IOException {
        List<Field> fields = Fields.stored();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            Object v = e.get(fields.get(i));
            if (v == null) {
                continue;
            }
            String text = switch (v) {
                case List<?> l -> array(l);
                case Map<?, ?> m -> json(m);
                default -> v.toString();
            };
            out.write('"');
            out.write(text.replace("\"", "\"\""));
            out.write('"');
        }
        out.write('\n');
    }

    private static String array(List<?> l) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append('"').append(l.get(i).toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return b.append('}').toString();
    }

    private static String json(Map<?, ?> m) {
        StringBuilder b = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<?, ?> en : m.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append(jsonString(en.getKey().toString())).append(':').append(jsonString(en.getValue().toString()));
        }
        return b.append('}').toString();
    }

    private static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
