package io.podtrail.store.duckdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Where each process's (and each peer's) facts are: {@code fact_spans(_pkey, rid_from, rid_to, n)}, one row per
 * process key and appended batch, the facts row positions from the key's first row in that batch to its last and
 * how many of them are the key's; {@code peer_spans(_nkey, ...)} the same per peer key. The counts bound how many
 * facts a resolved set can select, so a page knows before reading them whether its candidates fit in memory whole.
 * Facts are append-only (never deleted), so a row's position is fixed, and a batch's facts are stored by process,
 * so a process's span holds its rows only. A filter that selects processes (by name, command line, pod, session)
 * or peers (a destination, unknown destinations) then reads only the vectors their spans cover
 * ({@code rowid BETWEEN ...}, which DuckDB prunes) instead of the key column of every row group: a B-tree's job
 * for ~1-2 index rows per process or peer and batch. (Trails written before the batches were ordered have spans
 * as wide as their batch, still correct.)
 */
final class FactSpans {

    /** The spans of process keys. */
    static final FactSpans PROCESSES = new FactSpans("fact_spans", Schema.PKEY);
    /** The spans of peer keys (the fixed end of a connection). */
    static final FactSpans PEERS = new FactSpans("peer_spans", Schema.NKEY);

    /** Past this many disjoint ranges the rowid condition costs more than the key scan it saves. */
    static final int MAX_RANGES = 64;
    /** Row group size of DuckDB: the granularity of the backfill for trails written before this table. */
    private static final long ROW_GROUP = 122_880;

    final String table;
    /** The facts column (and this table's) holding the key. */
    final String key;

    private FactSpans(String table, String key) {
        this.table = table;
        this.key = key;
    }

    /** n: how many facts of the key the span holds (an upper bound on what a page reads there). */
    String ddl() {
        return "CREATE TABLE IF NOT EXISTS " + table + " (" + key + " INTEGER NOT NULL, rid_from BIGINT NOT NULL, rid_to BIGINT NOT NULL, "
                + "n INTEGER NOT NULL)";
    }

    /**
     * Records the positions the batch's facts will take, in both tables (call in the append's transaction, before
     * loading them, with the rows in the order they are loaded): per key, from its first row to its last. The
     * append orders a batch's facts by process, so a process's span is exactly its rows; a peer's spans the
     * processes that reached it in the batch.
     */
    static void append(Connection c, List<CsvStager.Row> factRows) throws SQLException {
        long first;
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM " + Schema.FACTS)) {
            r.next();
            first = r.getLong(1);
        }
        TreeMap<Integer, long[]> pkeys = new TreeMap<>();
        TreeMap<Integer, long[]> nkeys = new TreeMap<>();
        for (int i = 0; i < factRows.size(); i++) {
            CsvStager.Row row = factRows.get(i);
            extend(pkeys, row.pkey(), first + i);
            extend(nkeys, row.nkey(), first + i);
        }
        PROCESSES.insert(c, pkeys);
        PEERS.insert(c, nkeys);
    }

    /** Widens the key's span {from, to, n} to a row at {@code position}. */
    private static void extend(TreeMap<Integer, long[]> spans, int key, long position) {
        long[] span = spans.get(key);
        if (span == null) {
            spans.put(key, new long[] {position, position, 1});
        } else {
            span[0] = Math.min(span[0], position);
            span[1] = Math.max(span[1], position);
            span[2]++;
        }
    }

    /** One span row per key with its facts count (the lists unnest side by side). */
    private void insert(Connection c, TreeMap<Integer, long[]> spans) throws SQLException {
        Long[] from = new Long[spans.size()];
        Long[] to = new Long[spans.size()];
        Integer[] n = new Integer[spans.size()];
        int i = 0;
        for (long[] span : spans.values()) {
            from[i] = span[0];
            to[i] = span[1];
            n[i++] = (int) span[2];
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + key + ", rid_from, rid_to, n) SELECT unnest(?::INTEGER[]), "
                + "unnest(?::BIGINT[]), unnest(?::BIGINT[]), unnest(?::INTEGER[])")) {
            ps.setObject(1, c.createArrayOf("INTEGER", spans.keySet().toArray()));
            ps.setObject(2, c.createArrayOf("BIGINT", from));
            ps.setObject(3, c.createArrayOf("BIGINT", to));
            ps.setObject(4, c.createArrayOf("INTEGER", n));
            ps.executeUpdate();
        }
    }

    /**
     * Builds the table from facts for a trail written before it existed (one pass; per row group), in key order:
     * a set's keys are looked up by a join whose key range DuckDB pushes into this table's zone maps, which only
     * prunes when keys are clustered (as appends leave them; the aggregate's hash order made every tcpdump at 100M
     * events 13.7 -> 26.1 ms).
     */
    void backfill(Statement s) throws SQLException {
        s.execute("SET preserve_insertion_order = true");
        try {
            s.execute("INSERT INTO " + table + " SELECT " + key + ", (rowid // " + ROW_GROUP + ") * " + ROW_GROUP + " AS rid_from, (rowid // "
                    + ROW_GROUP + ") * " + ROW_GROUP + " + " + (ROW_GROUP - 1) + ", count(*) FROM " + Schema.FACTS + " GROUP BY ALL ORDER BY "
                    + key + ", rid_from");
        } finally {
            s.execute("SET preserve_insertion_order = false");
        }
    }

    /**
     * Least unsorted tail worth a rewrite: scanning it costs ~0.3 ms a statement. Past it, and past an eighth of the
     * sorted rows, {@link #sortIfNeeded} rewrites the table.
     */
    static final long MIN_UNSORTED = 500_000;

    /**
     * Rewrites the table in key order when the rows appended since it last was have grown past
     * max({@code minUnsorted}, sorted rows / 8); true if it did. Each batch appends its spans in key order, but
     * the keys of long-lived processes recur in every batch, so every row group's key range covers almost all
     * keys and a key's lookup scans the whole table (measured at 100M events, 10.8M span rows: one session's 5
     * keys 17.9 ms; sorted, 2.6 ms; the rewrite took 2.9 s). Geometric growth keeps the rewrites' total a few
     * times the table. Call in the writer's transaction; the readers' snapshots keep the table they began with.
     */
    boolean sortIfNeeded(Connection c, long minUnsorted) throws SQLException {
        try (Statement s = c.createStatement()) {
            long rows = count(s, "SELECT count(*) FROM " + table);
            long sorted = count(s, "SELECT coalesce(max(sorted_rows), 0) FROM " + SORTED + " WHERE spans = '" + table + "'");
            if (rows - sorted <= Math.max(minUnsorted, sorted / 8)) {
                return false;
            }
            s.execute("DROP TABLE IF EXISTS " + table + "_sorted");
            s.execute(ddl().replace(" " + table + " (", " " + table + "_sorted ("));
            s.execute("SET preserve_insertion_order = true"); // the insert must keep the ORDER BY (the store sets false)
            try {
                s.execute("INSERT INTO " + table + "_sorted SELECT * FROM " + table + " ORDER BY " + key + ", rid_from");
            } finally {
                s.execute("SET preserve_insertion_order = false");
            }
            s.execute("DROP TABLE " + table);
            s.execute("ALTER TABLE " + table + "_sorted RENAME TO " + table);
            recordSorted(s, rows);
            return true;
        }
    }

    /** Records that the table's first {@code rows} rows are in key order. */
    void recordSorted(Statement s, long rows) throws SQLException {
        s.execute("DELETE FROM " + SORTED + " WHERE spans = '" + table + "'");
        s.execute("INSERT INTO " + SORTED + " VALUES ('" + table + "', " + rows + ")");
    }

    /** How many leading rows of each spans table are in key order (absent: none). */
    static final String SORTED = "span_order";
    static final String SORTED_DDL = "CREATE TABLE IF NOT EXISTS " + SORTED + " (spans VARCHAR NOT NULL, sorted_rows BIGINT NOT NULL)";

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /**
     * The statement listing a key set's first {@code limit} keys, each with the spans of its facts and their counts
     * (one row per span; NULL bounds for a key without facts): the keys and where they are in one statement.
     */
    String keysWithSpans(String setSql, int limit) {
        return "SELECT k.k, s.rid_from, s.rid_to, s.n FROM (SELECT * FROM (" + setSql + ") LIMIT " + limit + ") k(k) LEFT JOIN " + table
                + " s ON s." + key + " = k.k";
    }

    /**
     * These spans (in any order, overlapping) as a condition on {@code column} (rowid, or the view's _rid): FALSE for
     * none, null when too scattered to help. Merged and sorted here: DISTINCT and ORDER BY in the statement cost a
     * hash aggregate and a sort (measured at 10M events: 1.9 against 0.9 ms for three peers' 117 spans).
     */
    static String condition(List<long[]> spans, String column) {
        List<long[]> sorted = new ArrayList<>(spans);
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> ranges = new ArrayList<>();
        for (long[] span : sorted) {
            long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && span[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], span[1]);
            } else {
                ranges.add(new long[] {span[0], span[1]});
            }
        }
        if (ranges.isEmpty()) {
            return "FALSE";
        }
        if (ranges.size() > MAX_RANGES) {
            return null;
        }
        StringBuilder b = new StringBuilder("(");
        for (long[] r : ranges) {
            b.append(b.length() == 1 ? "" : " OR ").append(column).append(" BETWEEN ").append(r[0]).append(" AND ").append(r[1]);
        }
        return b.append(')').toString();
    }
}
