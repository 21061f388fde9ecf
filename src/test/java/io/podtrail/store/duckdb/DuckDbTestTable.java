package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;
import io.podtrail.query.IpNumbers;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A minimal in-memory DuckDB events table following {@link DuckDbFilterSql}'s column conventions, for tests
 * only (the real store lives elsewhere). Events are keyed by {@code podtrail.id}.
 */
public final class DuckDbTestTable implements AutoCloseable {

    public static final String TABLE = "events";
    private final Connection conn;

    public DuckDbTestTable() throws SQLException {
        conn = DriverManager.getConnection("jdbc:duckdb:");
        List<String> cols = new ArrayList<>();
        for (Field f : Fields.stored()) {
            switch (f.type()) {
                case STRING -> cols.add(f.column() + " VARCHAR");
                case LONG, TIME -> cols.add(f.column() + " BIGINT");
                case BOOL -> cols.add(f.column() + " BOOLEAN");
                case STRING_LIST -> cols.add(f.column() + " VARCHAR[]");
                case STRING_MAP -> cols.add(f.column() + " MAP(VARCHAR, VARCHAR)");
                case IP -> {
                    cols.add(f.column() + " VARCHAR");
                    cols.add(f.column() + "_num HUGEINT");
                }
            }
        }
        conn.createStatement().execute("CREATE TABLE " + TABLE + " (" + String.join(", ", cols) + ")");
    }

    public Connection connection() {
        return conn;
    }

    public void insert(List<Event> events) throws SQLException {
        List<String> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Field f : Fields.stored()) {
            names.add(f.column());
            switch (f.type()) {
                case STRING_LIST -> exprs.add("CAST(? AS VARCHAR[])");
                case STRING_MAP -> exprs.add("MAP(CAST(? AS VARCHAR[]), CAST(? AS VARCHAR[]))");
                case IP -> {
                    exprs.add("?");
                    names.add(f.column() + "_num");
                    exprs.add("CAST(? AS HUGEINT)");
                }
                default -> exprs.add("?");
            }
        }
        String sql = "INSERT INTO " + TABLE + " (" + String.join(", ", names) + ") VALUES (" + String.join(", ", exprs) + ")";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (Event e : events) {
                int i = 1;
                for (Field f : Fields.stored()) {
                    Object v = e.get(f);
                    switch (f.type()) {
                        case STRING_LIST -> ps.setObject(i++, v == null ? null : conn.createArrayOf("VARCHAR", ((List<?>) v).toArray()));
                        case STRING_MAP -> {
                            if (v == null) {
                                ps.setObject(i++, null);
                                ps.setObject(i++, null);
                            } else {
                                Map<?, ?> m = (Map<?, ?>) v;
                                List<Object> keys = new ArrayList<>(m.keySet());
                                ps.setObject(i++, conn.createArrayOf("VARCHAR", keys.toArray()));
                                ps.setObject(i++, conn.createArrayOf("VARCHAR", keys.stream().map(m::get).toArray()));
                            }
                        }
                        case IP -> {
                            ps.setObject(i++, v);
                            BigInteger n = v == null ? null : IpNumbers.toNumber((String) v);
                            ps.setObject(i++, n == null ? null : n.toString());
                        }
                        default -> ps.setObject(i++, v);
                    }
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The podtrail.id of every row matching the fragment, ascending. */
    public List<Long> ids(SqlFragment where) throws SQLException {
        String sql = "SELECT " + Fields.ID.column() + " FROM " + TABLE + " WHERE " + where.sql() + " ORDER BY 1";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < where.params().size(); i++) {
                ps.setObject(i + 1, where.params().get(i));
            }
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        }
    }

    @Override
    public void close() throws SQLException {
        conn.close();
    }
}
