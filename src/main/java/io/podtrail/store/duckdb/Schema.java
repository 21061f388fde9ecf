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
import java.util.function.Predicate;

/**
 * The trail's tables, generated from {@link Fields#stored()} (see package-info for why this layout).
 *
 * <p>Every stored field has a home: the {@code containers}, {@code processes} or {@code peers} dimension
 * or the per-event {@code facts} table; {@code wide_events} holds, with every field, Kubernetes API
 * requests and the rare sensor events that carry a field facts has no column for (ka.*, falco.*: Falco
 * alerts). The view {@code events} puts them back together with exactly one column per field, so the
 * filter compiler and queries see one wide table.
 *
 * <p>Column conventions (the filter compiler relies on them): {@code field.column()}; STRING -> VARCHAR,
 * LONG/TIME -> BIGINT, BOOL -> BOOLEAN, STRING_LIST -> VARCHAR[], STRING_MAP -> MAP(VARCHAR, VARCHAR),
 * IP -> VARCHAR {@code <col>} plus HUGEINT {@code <col>_num} ({@link io.podtrail.query.IpNumbers#toNumber}).
 * Internal columns start with {@code _}: {@code _raw_block}/{@code _raw_idx} reference the payload in
 * {@code raw_blocks} and DIR/raw; {@code _stages} is the bit set of Kubernetes audit stages merged into
 * the row; {@code _pkey}/{@code _ckey}/{@code _nkey} are the surrogate keys of the dimensions;
 * {@code _fd_name_conn} marks an fd_name left to the view (see {@link #FD_NAME_CONN}).
 */
final class Schema {

    /**
     * Bump when a migration is needed; additive catalogue changes (new fields) are applied without one.
     * 1: one wide events table. 2: facts + processes + containers + peers + wide_events behind the events view.
     * 3: podtrail_id generated from evt_time and a stored 31-bit hash ({@link #ID_HASH}, {@link #ID_GIVEN}).
     * 4: facts carry their container's key too ({@link #CKEY}; filled from processes on open, see
     * {@link #fillContainerKeys}).
     */
    static final int VERSION = 4;

    /** The view every query reads. */
    static final String EVENTS = "events";
    static final String FACTS = "facts";
    static final String PROCESSES = "processes";
    static final String CONTAINERS = "containers";
    static final String PEERS = "peers";
    static final String WIDE = "wide_events";

    static final String RAW_BLOCK = "_raw_block";
    static final String RAW_IDX = "_raw_idx";
    static final String STAGES = "_stages";
    /**
     * A wide_events row's non-null field columns, comma-separated: a wide row is read with only those (an API
     * request has ~38 of ~125; reading a row costs ~50 us a column). NULL (rows written before it): all of them.
     */
    static final String PRESENT = "_present";
    static final String PKEY = "_pkey";
    static final String CKEY = "_ckey";
    static final String NKEY = "_nkey";
    /** True when fd_name is the connection's {@code cip:cport->sip:sport}, not stored but computed by the view. */
    static final String FD_NAME_CONN = "_fd_name_conn";
    /**
     * The row's position in facts or wide_events (DuckDB's rowid, exposed by the sensor and API views): a page is
     * found on keys first and its rows fetched by position (see {@code DuckDbEventStore.page}). Stable within a
     * transaction; both phases run in one.
     */
    static final String RID = "_rid";

    /** Per-container (pod, image, node) attributes: the same on every event of every process of a container. */
    static final Set<Field> CONTAINER_FIELDS = Set.of(Fields.CONTAINER_ID, Fields.CONTAINER_FULL_ID, Fields.CONTAINER_NAME,
            Fields.CONTAINER_IMAGE, Fields.CONTAINER_IMAGE_REPOSITORY, Fields.CONTAINER_IMAGE_TAG, Fields.CONTAINER_IMAGE_DIGEST,
            Fields.K8S_NS_NAME, Fields.K8S_POD_NAME, Fields.K8S_POD_UID, Fields.K8S_POD_LABELS, Fields.HOSTNAME,
            // the Kubernetes context the enricher adds (a container's workload and node do not change)
            Fields.K8S_CLUSTER_NAME, Fields.K8S_WORKLOAD_KIND, Fields.K8S_WORKLOAD_NAME, Fields.K8S_DEPLOYMENT_NAME,
            Fields.K8S_STATEFULSET_NAME, Fields.K8S_DAEMONSET_NAME, Fields.K8S_JOB_NAME, Fields.K8S_CRONJOB_NAME,
            Fields.K8S_RS_NAME, Fields.K8S_NODE_NAME);

    /** Per-process attributes: the same on a process's exec, exit and every connect, close, file event. */
    static final Set<Field> PROCESS_FIELDS = Set.of(Fields.PROC_PID, Fields.PROC_PPID, Fields.PROC_NAME, Fields.PROC_EXE,
            Fields.PROC_EXEPATH, Fields.PROC_CMDLINE, Fields.PROC_ARGS, Fields.PROC_CWD, Fields.PROC_TTY, Fields.PROC_PNAME,
            Fields.PROC_PCMDLINE, Fields.PROC_PEXEPATH, Fields.PROC_EXEC_ID, Fields.PROC_PEXEC_ID, Fields.PROC_PID_TS,
            Fields.PROC_PPID_TS, Fields.USER_UID, Fields.USER_NAME, Fields.USER_LOGINUID, Fields.ANCESTORS);

    /**
     * The fixed end of a connection as seen by a process: server address and port, client address, protocol.
     * The client port (ephemeral) stays in facts; so the same pod talking to the same service shares one row.
     */
    static final Set<Field> PEER_FIELDS = Set.of(Fields.FD_SIP, Fields.FD_SPORT, Fields.FD_CIP, Fields.FD_L4PROTO,
            // what the other end was at that time (a reused IP resolving to another pod is another row)
            Fields.PEER_KIND, Fields.PEER_NS, Fields.PEER_POD, Fields.PEER_WORKLOAD, Fields.PEER_SERVICE, Fields.PEER_NODE,
            Fields.PEER_KNOWN);

    /**
     * The 31-bit hash of an id of the derived form ({@link io.podtrail.event.EventIds}), null otherwise; with
     * {@link #ID_GIVEN}, the id of any other form, they are all that is stored of {@code podtrail_id}: ~4 bytes
     * an event instead of 8 (random 64-bit ids do not compress).
     */
    static final String ID_HASH = "_id_hash";
    static final String ID_GIVEN = "_id_given";
    /** podtrail_id, put back on read (a virtual column: computed, never stored). */
    static final String ID_EXPRESSION = "coalesce(" + ID_GIVEN + ", xor(evt_time, (CAST(" + ID_HASH + " AS BIGINT) << 31) | "
            + ID_HASH + "))";

    /** One column: stored, or computed on read from the others when {@code generatedAs} is set. */
    record Column(String name, String sqlType, Field field, boolean ipNumber, String generatedAs) {
        Column(String name, String sqlType, Field field, boolean ipNumber) {
            this(name, sqlType, field, ipNumber, null);
        }

        boolean stored() {
            return generatedAs == null;
        }
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

    static boolean isFact(Field f) {
        return !CONTAINER_FIELDS.contains(f) && !PROCESS_FIELDS.contains(f) && !PEER_FIELDS.contains(f) && !isRare(f)
                && !isSession(f);
    }

    /**
     * session.* fields live in {@code sessions}, one row per session, and reach an event through
     * {@code session_processes} (exec_id -> session), which the view joins: a session matched minutes after
     * its processes were stored (the audit event travels another path) attributes them by adding mapping
     * rows, without rewriting any event.
     */
    static boolean isSession(Field f) {
        return f.name().startsWith("session.");
    }

    /**
     * Policy events: one row per rule and triggering event (the key makes re-ingesting and re-evaluating
     * idempotent); the feed joins the events view on podtrail_id for scope, session and filtering.
     */
    static final String POLICY_EVENTS = "policy_events";
    static final String POLICY_EVENTS_DDL = "CREATE TABLE IF NOT EXISTS " + POLICY_EVENTS + " (rule VARCHAR NOT NULL, "
            + "podtrail_id BIGINT NOT NULL, priority VARCHAR NOT NULL, tags VARCHAR[], output VARCHAR, evt_time BIGINT NOT NULL, "
            + "session_id VARCHAR, source VARCHAR, detected_at BIGINT, PRIMARY KEY (rule, podtrail_id))";

    static final String SESSIONS = "sessions";
    static final String SESSION_PROCESSES = "session_processes";
    /**
     * Every process key whose exec id is attributed to a session (session_processes): a session's processes by key
     * without scanning the processes since its start (kept by {@link SessionTables#mapProcessKeys} on attribution
     * and on append). Not tied to a session: re-attribution changes session_processes only.
     */
    static final String SESSION_PROCESS_KEYS = "session_process_keys";
    /** Where a session happened, for listing sessions that have no API request (outside_api). */
    static final List<String> SESSION_PLACE = List.of("_cluster", "_ns", "_pod", "_node", "_container_id");

    /** The sessions table: a column per session field (but session.root, computed per event), then the place. */
    static List<Column> sessionColumns() {
        List<Column> cols = new ArrayList<>();
        fieldColumns(cols, f -> isSession(f) && f != Fields.SESSION_ROOT);
        for (String c : SESSION_PLACE) {
            cols.add(new Column(c, "VARCHAR", null, false));
        }
        return cols;
    }

    /**
     * Fields a sensor event almost never has: Kubernetes API (ka.*), Falco alert (falco.*) and Falco-only syscall
     * fields ({@link #FALCO_ONLY}). Sensor
     * events with any of them go to wide_events, so facts carries no column that is always NULL (measured:
     * 23 such columns cost ~40% of the facts load).
     */
    static boolean isRare(Field f) {
        return f.name().startsWith("ka.") || f.name().startsWith("falco.") || FALCO_ONLY.contains(f);
    }

    /** Falco syscall fields only Falco alerts and native events carry (never Tetragon): rare too. */
    static final Set<Field> FALCO_ONLY = Set.of(Fields.PROC_VPID, Fields.PROC_ENV, Fields.PROC_IS_EXE_UPPER_LAYER,
            Fields.PROC_IS_EXE_FROM_MEMFD, Fields.PROC_IS_VPGID_LEADER, Fields.THREAD_CAP_EFFECTIVE, Fields.THREAD_CAP_PERMITTED,
            Fields.CONTAINER_PRIVILEGED, Fields.FD_SIP_NAME, Fields.FD_CIP_NAME);

    private static void fieldColumns(List<Column> cols, Predicate<Field> which) {
        fieldColumns(cols, which, false);
    }

    /** With {@code derivedId}, podtrail_id is generated from {@link #ID_HASH} and {@link #ID_GIVEN}, added after it. */
    private static void fieldColumns(List<Column> cols, Predicate<Field> which, boolean derivedId) {
        for (Field f : Fields.stored()) {
            if (derivedId && f == Fields.ID) {
                cols.add(new Column(f.column(), "BIGINT", f, false, ID_EXPRESSION));
                cols.add(new Column(ID_HASH, "INTEGER", null, false));
                cols.add(new Column(ID_GIVEN, "BIGINT", null, false));
                continue;
            }
            if (which.test(f)) {
                cols.add(new Column(f.column(), sqlType(f.type()), f, false));
                if (f.type() == FieldType.IP) {
                    cols.add(new Column(f.column() + "_num", "HUGEINT", f, true));
                }
            }
        }
    }

    /** All field columns in catalogue order (the view's columns, and wide_events'). */
    static List<Column> fieldColumns() {
        List<Column> cols = new ArrayList<>();
        fieldColumns(cols, f -> true);
        return cols;
    }

    static List<Column> containerColumns() {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column(CKEY, "INTEGER", null, false));
        fieldColumns(cols, CONTAINER_FIELDS::contains);
        return cols;
    }

    static List<Column> processColumns() {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column(PKEY, "INTEGER", null, false));
        cols.add(new Column(CKEY, "INTEGER", null, false));
        fieldColumns(cols, PROCESS_FIELDS::contains);
        return cols;
    }

    static List<Column> peerColumns() {
        List<Column> cols = new ArrayList<>();
        cols.add(new Column(NKEY, "INTEGER", null, false));
        fieldColumns(cols, PEER_FIELDS::contains);
        return cols;
    }

    static List<Column> factColumns() {
        List<Column> cols = new ArrayList<>();
        fieldColumns(cols, Schema::isFact, true);
        cols.add(new Column(PKEY, "INTEGER", null, false));
        // the container's key beside the process's: a pod or namespace selects facts without the processes table
        // (a busy pod has ~1M processes at 100M events); a batch is stored by container, so it costs ~0 bytes
        cols.add(new Column(CKEY, "INTEGER", null, false));
        cols.add(new Column(NKEY, "INTEGER", null, false));
        cols.add(new Column(FD_NAME_CONN, "BOOLEAN", null, false));
        cols.add(new Column(RAW_BLOCK, "BIGINT", null, false));
        cols.add(new Column(RAW_IDX, "INTEGER", null, false));
        return cols;
    }

    static List<Column> wideColumns() {
        List<Column> cols = new ArrayList<>();
        fieldColumns(cols, f -> !isSession(f), true);
        cols.add(new Column(RAW_BLOCK, "BIGINT", null, false));
        cols.add(new Column(RAW_IDX, "INTEGER", null, false));
        cols.add(new Column(STAGES, "UTINYINT", null, false));
        cols.add(new Column(PRESENT, "VARCHAR", null, false));
        return cols;
    }

    /** Creates the schema or applies additive catalogue changes; refuses trails of another layout. */
    static void ensure(Connection c) throws SQLException {
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
            if (version == 2) {
                migrateFromVersion2(s);
            } else if (version < 3 && (version > 0 || tableExists(s, EVENTS))) {
                throw new SQLException("this trail was created by an older Podtrail (schema version " + version
                        + ", this build uses " + VERSION + "); re-ingest the inputs into a new data directory");
            }
            createOrExtend(s, CONTAINERS, containerColumns());
            createOrExtend(s, PROCESSES, processColumns());
            createOrExtend(s, PEERS, peerColumns());
            createOrExtend(s, FACTS, factColumns());
            if (version == 2 || version == 3) {
                fillContainerKeys(s);
            }
            s.execute(FactSpans.SORTED_DDL);
            for (FactSpans spans : List.of(FactSpans.PROCESSES, FactSpans.PEERS)) {
                if (tableExists(s, spans.table) && !columnExists(s, spans.table, "n")) {
                    s.execute("DROP TABLE " + spans.table); // spans without facts counts: rebuilt with them (2.7 s at 100M events)
                }
                if (!tableExists(s, spans.table)) {
                    s.execute(spans.ddl());
                    spans.backfill(s); // a trail written before the table existed (nothing to do for a new one)
                    try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + spans.table)) {
                        r.next();
                        spans.recordSorted(s, r.getLong(1)); // the backfill inserts in key order
                    }
                }
            }
            createOrExtend(s, WIDE, wideColumns());
            createOrExtend(s, SESSIONS, sessionColumns(), Fields.SESSION_ID.column());
            s.execute("CREATE TABLE IF NOT EXISTS " + SESSION_PROCESSES + " (exec_id VARCHAR PRIMARY KEY, session_id VARCHAR NOT NULL)");
            if (!tableExists(s, SESSION_PROCESS_KEYS)) {
                s.execute("CREATE TABLE " + SESSION_PROCESS_KEYS + " (exec_id VARCHAR NOT NULL, " + PKEY + " INTEGER NOT NULL)");
                // a trail written before the table existed (nothing to do for a new one)
                s.execute(SessionTables.mapStoredProcessesSql("SELECT exec_id FROM " + SESSION_PROCESSES));
            }
            s.execute(POLICY_EVENTS_DDL);
            // Payload blocks live in files (DIR/raw): a growing BLOB table is rewritten by every checkpoint.
            s.execute("CREATE TABLE IF NOT EXISTS raw_blocks (block_id BIGINT NOT NULL, codec VARCHAR NOT NULL, "
                    + "n INTEGER NOT NULL, raw_bytes BIGINT NOT NULL, stored_bytes BIGINT NOT NULL, "
                    + "segment BIGINT NOT NULL, seg_offset BIGINT NOT NULL)");
            for (String view : viewSql()) {
                s.execute(view);
            }
            if (version < VERSION) {
                s.execute("INSERT INTO podtrail_schema (version) VALUES (" + VERSION + ")");
            }
        }
    }

    /**
     * Version 2 stored podtrail_id whole: facts and wide_events are rewritten with it as the given id (every id
     * stays what it was; row order, so positions, unchanged), in one transaction. The spans are rebuilt after.
     * An event re-sent after the migration carries a derived id; the store recognises it as the one stored
     * before by its time and the low 31 bits of the old id, the hash its new id is derived from
     * ({@link io.podtrail.event.EventIds}).
     */
    private static void migrateFromVersion2(Statement s) throws SQLException {
        s.execute("BEGIN TRANSACTION");
        try {
            for (String view : List.of(EVENTS, SENSOR_EVENTS, API_EVENTS)) {
                s.execute("DROP VIEW IF EXISTS " + view);
            }
            for (String table : List.of(FACTS, WIDE)) {
                if (!tableExists(s, table)) {
                    continue;
                }
                Set<String> old = columnNames(s, table);
                s.execute("ALTER TABLE " + table + " RENAME TO " + table + "_v2");
                List<Column> cols = table.equals(FACTS) ? factColumns() : wideColumns();
                createOrExtend(s, table, cols);
                StringBuilder names = new StringBuilder();
                StringBuilder values = new StringBuilder();
                for (Column col : cols) {
                    if (!col.stored()) {
                        continue;
                    }
                    names.append(names.isEmpty() ? "" : ", ").append(col.name());
                    values.append(values.isEmpty() ? "" : ", ").append(col.name().equals(ID_GIVEN) ? Fields.ID.column()
                            : old.contains(col.name()) ? col.name() : "NULL");
                }
                s.execute("INSERT INTO " + table + " (" + names + ") SELECT " + values + " FROM " + table + "_v2");
                s.execute("DROP TABLE " + table + "_v2");
            }
            for (FactSpans spans : List.of(FactSpans.PROCESSES, FactSpans.PEERS)) {
                s.execute("DROP TABLE IF EXISTS " + spans.table);
            }
            s.execute("COMMIT");
        } catch (SQLException e) {
            s.execute("ROLLBACK");
            throw new SQLException("migrating this trail from schema version 2 to " + VERSION + " failed (nothing was changed): "
                    + e.getMessage(), e);
        }
    }

    /** Rows of facts filled per statement by {@link #fillContainerKeys}: held in memory until committed. */
    static long containerKeysChunk = 8_000_000;

    /**
     * Version 3 facts had no {@link #CKEY}: it is filled from each fact's process, a chunk of rows per statement
     * (updated rows are held in memory until their commit; the store's memory limit allows ~10M), so an
     * interrupted fill resumes where it stopped at the next open. Positions are unchanged (DuckDB updates in
     * place). Measured at 100M events: ~30 s.
     */
    private static void fillContainerKeys(Statement s) throws SQLException {
        long rows;
        try (ResultSet r = s.executeQuery("SELECT coalesce(max(rowid) + 1, 0) FROM " + FACTS)) {
            r.next();
            rows = r.getLong(1);
        }
        for (long from = 0; from < rows; from += containerKeysChunk) {
            s.execute("UPDATE " + FACTS + " SET " + CKEY + " = p." + CKEY + " FROM " + PROCESSES + " p WHERE " + FACTS + "." + PKEY
                    + " = p." + PKEY + " AND " + FACTS + "." + CKEY + " IS NULL AND " + FACTS + ".rowid >= " + from + " AND " + FACTS
                    + ".rowid < " + (from + containerKeysChunk));
        }
    }

    private static Set<String> columnNames(Statement s, String table) throws SQLException {
        Set<String> names = new HashSet<>();
        try (ResultSet r = s.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_name = '" + table + "'")) {
            while (r.next()) {
                names.add(r.getString(1));
            }
        }
        return names;
    }

    private static boolean columnExists(Statement s, String table, String column) throws SQLException {
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM information_schema.columns WHERE table_name = '" + table
                + "' AND column_name = '" + column + "'")) {
            r.next();
            return r.getLong(1) > 0;
        }
    }

    private static boolean tableExists(Statement s, String name) throws SQLException {
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = '" + name + "'")) {
            r.next();
            return r.getLong(1) > 0;
        }
    }

    private static void createOrExtend(Statement s, String table, List<Column> cols) throws SQLException {
        createOrExtend(s, table, cols, null);
    }

    private static void createOrExtend(Statement s, String table, List<Column> cols, String primaryKey) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS " + table + " (");
        for (int i = 0; i < cols.size(); i++) {
            ddl.append(i == 0 ? "" : ", ").append(cols.get(i).name()).append(' ').append(cols.get(i).sqlType());
            if (!cols.get(i).stored()) {
                ddl.append(" GENERATED ALWAYS AS (").append(cols.get(i).generatedAs()).append(") VIRTUAL");
            }
            if (cols.get(i).name().equals(primaryKey)) {
                ddl.append(" PRIMARY KEY");
            }
        }
        s.execute(ddl.append(')').toString());
        // Additive catalogue changes: add columns for new stored fields.
        Set<String> existing = columnNames(s, table);
        for (Column col : cols) {
            if (!existing.contains(col.name())) {
                s.execute("ALTER TABLE " + table + " ADD COLUMN " + col.name() + " " + col.sqlType());
            }
        }
    }

    /** The sensor side of the events view, with the dimension keys (for {@link Pushdown}'s semi-joins). */
    static final String SENSOR_EVENTS = "sensor_events";
    /** The API side: Kubernetes API requests and the rare sensor events kept whole in wide_events. */
    static final String API_EVENTS = "api_events";

    /**
     * The views: {@code sensor_events} (facts joined with their process, container and peer, and through the
     * process's exec_id with its session), {@code api_events} (wide_events; an exec/attach request is its own
     * session), and {@code events}, their UNION ALL: one column per field in catalogue order, then _raw_block,
     * _raw_idx, _stages.
     */
    static List<String> viewSql() {
        StringBuilder sensor = new StringBuilder();
        StringBuilder api = new StringBuilder();
        StringBuilder names = new StringBuilder();
        for (Column col : fieldColumns()) {
            String alias = CONTAINER_FIELDS.contains(col.field()) ? "c." : PROCESS_FIELDS.contains(col.field()) ? "p."
                    : PEER_FIELDS.contains(col.field()) ? "n." : "f.";
            sensor.append(sensor.isEmpty() ? "" : ", ");
            api.append(api.isEmpty() ? "" : ", ");
            names.append(names.isEmpty() ? "" : ", ").append(col.name());
            if (col.field() == Fields.SESSION_ROOT) {
                sensor.append("(p.proc_exec_id = s.session_root_exec_id) AS ").append(col.name());
                api.append("(w.proc_exec_id = s.session_root_exec_id) AS ").append(col.name());
                continue;
            }
            if (isSession(col.field())) {
                sensor.append("s.").append(col.name());
                api.append("s.").append(col.name());
                continue;
            }
            if (isRare(col.field())) {
                sensor.append("CAST(NULL AS ").append(col.sqlType()).append(") AS ").append(col.name());
            } else if (col.field() == Fields.FD_NAME) {
                sensor.append("CASE WHEN f." + FD_NAME_CONN + " THEN concat(n.fd_cip, ':', coalesce(CAST(f.fd_cport AS VARCHAR), ''), "
                        + "'->', n.fd_sip, ':', coalesce(CAST(n.fd_sport AS VARCHAR), '')) ELSE f.fd_name END AS fd_name");
            } else {
                sensor.append(alias).append(col.name());
            }
            api.append("w.").append(col.name());
        }
        String tail = ", " + RAW_BLOCK + ", " + RAW_IDX + ", " + STAGES;
        return List.of(
                "CREATE OR REPLACE VIEW " + SENSOR_EVENTS + " AS SELECT " + sensor + ", f." + RAW_BLOCK + ", f." + RAW_IDX
                        + ", CAST(NULL AS UTINYINT) AS " + STAGES + ", f." + PKEY + ", f." + CKEY + ", f." + NKEY + ", f.rowid AS " + RID
                        + " FROM " + FACTS + " f JOIN " + PROCESSES + " p ON p." + PKEY + " = f." + PKEY
                        + " JOIN " + CONTAINERS + " c ON c." + CKEY + " = f." + CKEY
                        + " JOIN " + PEERS + " n ON n." + NKEY + " = f." + NKEY
                        + " LEFT JOIN " + SESSION_PROCESSES + " sp ON sp.exec_id = p.proc_exec_id"
                        + " LEFT JOIN " + SESSIONS + " s ON s.session_id = sp.session_id",
                "CREATE OR REPLACE VIEW " + API_EVENTS + " AS SELECT " + api + ", w." + RAW_BLOCK + ", w." + RAW_IDX + ", w." + STAGES
                        + ", w.rowid AS " + RID + " FROM " + WIDE + " w"
                        + " LEFT JOIN " + SESSION_PROCESSES + " sp ON sp.exec_id = w.proc_exec_id"
                        + " LEFT JOIN " + SESSIONS + " s ON s.session_id = coalesce(sp.session_id, w.ka_auditid)",
                "CREATE OR REPLACE VIEW " + EVENTS + " AS SELECT " + names + tail + " FROM " + SENSOR_EVENTS
                        + " UNION ALL SELECT " + names + tail + " FROM " + API_EVENTS);
    }
}
