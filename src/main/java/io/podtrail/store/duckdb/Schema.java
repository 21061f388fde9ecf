package io.podtrail.store.duckdb;

import io.podtrail.event.Field;
import io.podtrail.event.FieldType;
import io.podtrail.event.Fields;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The events table, generated from {@link Fields#stored()}.
 *
 * <p>Column conventions (the filter compiler relies on them): {@code field.column()}; STRING -> VARCHAR,
 * LONG/TIME -> BIGINT, BOOL -> BOOLEAN, STRING_LIST -> VARCHAR[], STRING_MAP -> MAP(VARCHAR, VARCHAR),
 * IP -> VARCHAR {@code <col>} plus HUGEINT {@code <col>_num} ({@link io.podtrail.query.IpNumbers#toNumber}).
 * Internal columns start with {@code _}: {@code _raw_block}/{@code _raw_idx} reference the payload in
 * {@code raw_blocks} and DIR/raw; {@code _stages} is the bit set of Kubernetes audit stages merged into the row.
 */
final class Schema {

    /** Bump when a migration is needed; additive catalogue changes (new fields) are applied without one. */
    static final int VERSION = 1;

    static final String EVENTS = "events";
    static final String RAW_BLOCK = "_raw_block";
    static final String RAW_IDX = "_raw_idx";
    static final String STAGES = "_stages";

    /** One physical column. */
    record Column(String name, String sqlType, Field field, boolean ipNumber) {
    }

    private Schema() {
    }

    static String sqlType(FieldType t) {
        return switch (t) {
            case STRING, IP -> "VARCHAR";
            case LONG, TIME -> "BIGINT";
            case BOOL -> "BOOLEAN";
            case STRING_LIST -> "VARCHAR[]";
            case STRING_MAP -> "MAP(VARCHAR, VARCHAR)";
        };
    }

    /** All columns of the events table, in creation order. */
    static List<Column> columns() {
        List<Column> cols = new ArrayList<>();
        for (Field f : Fields.stored()) {
            cols.add(new Column(f.column(), sqlType(f.type()), f, false));
            if (f.type() == FieldType.IP) {
                cols.add(new Column(f.column() + "_num", "HUGEINT", f, true));
            }
        }
        cols.add(new Column(RAW_BLOCK, "BIGINT", null, false));
        cols.add(new Column(RAW_IDX, "INTEGER", null, false));
        cols.add(new Column(STAGES, "UTINYINT", null, false));
        return cols;
    }

    /** Creates or migrates the schema; returns the columns. */
    static List<Column> ensure(Connection c) throws SQLException {
        List<Column> cols = columns();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS podtrail_schema (version INTEGER NOT NULL, "
                    + "applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)");
            int version = 0;
            try (ResultSet r = s.executeQuery("SELECT max(version) FROM podtrail_schema")) {
                if (r.next()) {
                    version = r.getInt(1);
                }
            }
            if (version > VERSION) {
                throw new SQLException("store schema version " + version + " is newer than this build's " + VERSION);
            }
            StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS " + EVENTS + " (");
            for (int i = 0; i < cols.size(); i++) {
                ddl.append(i == 0 ? "" : ", ").append(cols.get(i).name()).append(' ').append(cols.get(i).sqlType());
            }
            s.execute(ddl.append(')').toString());
            // Payload blocks live in files (DIR/raw): a growing BLOB table is rewritten by every checkpoint.
            s.execute("CREATE TABLE IF NOT EXISTS raw_blocks (block_id BIGINT NOT NULL, codec VARCHAR NOT NULL, "
                    + "n INTEGER NOT NULL, raw_bytes BIGINT NOT NULL, stored_bytes BIGINT NOT NULL, "
                    + "segment BIGINT NOT NULL, seg_offset BIGINT NOT NULL)");
            // Additive catalogue changes: add columns for new stored fields.
            Set<String> existing = new HashSet<>();
            try (ResultSet r = s.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_name = '"
                    + EVENTS + "'")) {
                while (r.next()) {
                    existing.add(r.getString(1));
                }
            }
            for (Column col : cols) {
                if (!existing.contains(col.name())) {
                    s.execute("ALTER TABLE " + EVENTS + " ADD COLUMN " + col.name() + " " + col.sqlType());
                }
            }
            if (version < VERSION) {
                s.execute("INSERT INTO podtrail_schema (version) VALUES (" + VERSION + ")");
            }
        }
        return cols;
    }
}
