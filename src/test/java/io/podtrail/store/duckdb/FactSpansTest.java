package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.query.EventQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** fact_spans and peer_spans cover every fact's position under its process and peer key, when appended and when backfilled. */
class FactSpansTest {

    private static final String UNCOVERED = "SELECT count(*) FROM facts f WHERE NOT EXISTS (SELECT 1 FROM fact_spans s "
            + "WHERE s._pkey = f._pkey AND f.rowid BETWEEN s.rid_from AND s.rid_to)";
    private static final String PEERS_UNCOVERED = "SELECT count(*) FROM facts f WHERE NOT EXISTS (SELECT 1 FROM peer_spans s "
            + "WHERE s._nkey = f._nkey AND f.rowid BETWEEN s.rid_from AND s.rid_to)";

    /** Keys whose spans' facts counts do not add up to their facts (in either table). */
    private static final String MISCOUNTED = "SELECT (SELECT count(*) FROM (SELECT _pkey, sum(n) s FROM fact_spans GROUP BY 1) a "
            + "FULL JOIN (SELECT _pkey, count(*) c FROM facts GROUP BY 1) b USING (_pkey) WHERE s IS DISTINCT FROM c) + (SELECT count(*) "
            + "FROM (SELECT _nkey, sum(n) s FROM peer_spans GROUP BY 1) a FULL JOIN (SELECT _nkey, count(*) c FROM facts GROUP BY 1) b "
            + "USING (_nkey) WHERE s IS DISTINCT FROM c)";

    @Test
    void everyFactIsInASpanOfItsProcessAndQueriesUseThem(@TempDir Path dir) throws Exception {
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            long id = 1;
            List<Event> all = new ArrayList<>();
            for (int batch = 0; batch < 4; batch++) {
                List<Event> events = new ArrayList<>();
                for (int i = 0; i < 500; i++, id++) {
                    // some processes in every batch, some in one only
                    Event e = TestEvents.exec(id, TestEvents.T0 + id * 1_000_000L, i % 5 == 0 ? "common " + (i % 7) : "once " + id);
                    if (i % 3 == 0) {
                        e.set(io.podtrail.event.Fields.FD_SIP, "10.96.0." + (i % 11)).set(io.podtrail.event.Fields.FD_SPORT, 443L);
                    }
                    events.add(e);
                }
                store.append(events);
                all.addAll(events);
            }
            assertThat(count(store, UNCOVERED)).isZero();
            // a batch's facts are stored by process, so a process's span holds its rows and nothing else
            assertThat(count(store, "SELECT count(*) FROM fact_spans WHERE rid_to - rid_from + 1 <> n")).isZero();
            assertThat(count(store, "SELECT count(*) FROM (SELECT DISTINCT _pkey, rowid // 500 FROM facts)"))
                    .as("one run per process and batch").isEqualTo(count(store, "SELECT count(*) FROM fact_spans"));
            assertThat(count(store, "SELECT count(*) FROM facts WHERE _raw_idx <> rowid % 500")).as("payloads stored in row order")
                    .isZero();
            for (Event e : all) {
                assertThat(store.raw(e.id())).as("payload of %d", e.id()).isEqualTo(e.raw());
            }
            assertThat(store.query(new EventQuery("proc.cmdline = \"common 3\"", null, null, 1000, null)).events())
                    .extracting(Event::time).isSortedAccordingTo(java.util.Comparator.reverseOrder());
            assertThat(count(store, PEERS_UNCOVERED)).isZero();
            assertThat(count(store, MISCOUNTED)).as("each span counts its key's facts").isZero();
            assertThat(count(store, "SELECT count(*) FROM fact_spans")).isBetween(1L, 2000L);
            assertThat(count(store, "SELECT count(*) FROM peer_spans")).as("12 peers in 4 batches").isBetween(4L, 48L);
            // a process seen in one batch only: its query reads that batch's positions, and finds exactly its event
            assertThat(store.query(new EventQuery("proc.cmdline = \"once 777\"", null, null, 10, null)).events())
                    .singleElement().extracting(Event::id).isEqualTo(777L);
            assertThat(store.query(new EventQuery("proc.cmdline = \"common 3\"", null, null, 1000, null)).events())
                    .hasSize(4 * perBatch(i -> i % 5 == 0 && i % 7 == 3));
            assertThat(store.query(new EventQuery("proc.cmdline = nothing", null, null, 10, null)).events()).isEmpty();
            store.withConnection(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE fact_spans");
                    // peer spans as an earlier layout wrote them, without facts counts
                    s.execute("ALTER TABLE peer_spans DROP COLUMN n");
                }
                return null;
            });
        }
        // a trail written before the tables (or their counts) existed: rebuilt from facts on open
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            assertThat(count(store, UNCOVERED)).isZero();
            assertThat(count(store, PEERS_UNCOVERED)).isZero();
            assertThat(count(store, MISCOUNTED)).isZero();
            assertThat(store.query(new EventQuery("fd.sip = 10.96.0.3", null, null, 1000, null)).events()).hasSize(4 * perBatch(i -> i % 3 == 0 && i % 11 == 3));
            assertThat(store.query(new EventQuery("proc.cmdline = \"once 777\"", null, null, 10, null)).events()).hasSize(1);
        }
    }

    @Test
    void aLargeBatchIsStoredInTheOrderItsSpansDescribe(@TempDir Path dir) throws Exception {
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            // a staged file large enough (~30 MB) for DuckDB to read it on several threads; 120 processes (40
            // command lines in 3 namespaces) interleaved in time
            List<Event> events = new ArrayList<>();
            String path = "/var/lib/app/" + "d".repeat(200) + "/file-";
            for (int i = 1; i <= 120_000; i++) {
                events.add(TestEvents.exec(i, TestEvents.T0 + i * 1_000L, "proc " + (i % 40))
                        .set(io.podtrail.event.Fields.FD_NAME, path + i));
            }
            store.append(events);
            assertThat(count(store, UNCOVERED)).isZero();
            assertThat(count(store, "SELECT count(*) FROM fact_spans WHERE rid_to - rid_from + 1 <> n")).isZero();
            assertThat(store.query(new EventQuery("proc.cmdline = \"proc 7\"", null, null, 5000, null)).events()).hasSize(3000);
            for (int i : new int[] {1, 7, 60_001, 119_999, 120_000}) {
                assertThat(store.raw(i)).as("payload of %d", i).isEqualTo(events.get(i - 1).raw());
            }
        }
    }

    @Test
    void spansAreRewrittenInKeyOrderAsTheyGrowWhileReadersLookThemUp(@TempDir Path dir) throws Exception {
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            store.minUnsortedSpans(40);
            // a reader looking up a long-lived process's and a one-off's facts while the tables are rewritten
            java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
            Runnable read = () -> {
                int seen = 0;
                try {
                    while (!done.get()) {
                        int n = store.query(new EventQuery("proc.cmdline = \"common 3\"", null, null, 10_000, null)).events().size();
                        assertThat(n).as("appends only add").isGreaterThanOrEqualTo(seen).isEqualTo(n / perBatch(i -> i % 5 == 0 && i % 7 == 3)
                                * perBatch(i -> i % 5 == 0 && i % 7 == 3));
                        assertThat(store.query(new EventQuery("proc.cmdline = \"once 3\"", null, null, 10, null)).events()).hasSize(1);
                        seen = n;
                        lookups.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            };
            Thread reader = null;
            long id = 1;
            List<Long> sortedRows = new ArrayList<>();
            for (int batch = 0; batch < 12; batch++) {
                List<Event> events = new ArrayList<>();
                for (int i = 0; i < 500; i++, id++) {
                    Event e = TestEvents.exec(id, TestEvents.T0 + id * 1_000_000L, i % 5 == 0 ? "common " + (i % 7) : "once " + id);
                    e.set(io.podtrail.event.Fields.FD_SIP, "10.96." + batch + "." + (i % 50)).set(io.podtrail.event.Fields.FD_SPORT, 443L);
                    events.add(e);
                }
                store.append(events);
                sortedRows.add(count(store, "SELECT coalesce(max(sorted_rows), 0) FROM span_order WHERE spans = 'fact_spans'"));
                if (batch == 0) {
                    reader = Thread.ofPlatform().start(read);
                    while (lookups.get() == 0 && failed.get() == null) {
                        Thread.sleep(5); // the reader has found the first batch before the rest is appended
                    }
                }
            }
            done.set(true);
            reader.join();
            assertThat(failed.get()).as("reader during rewrites").isNull();
            assertThat(lookups.get()).isPositive();
            // rewritten more than once as the table grew, and never behind by more than the threshold
            assertThat(sortedRows.stream().distinct().filter(n -> n > 0).count()).isGreaterThan(1);
            long rows = count(store, "SELECT count(*) FROM fact_spans");
            long sorted = sortedRows.get(sortedRows.size() - 1);
            assertThat(rows - sorted).isLessThanOrEqualTo(Math.max(40, sorted / 8));
            assertThat(count(store, "SELECT count(*) FROM (SELECT _pkey < lag(_pkey) OVER (ORDER BY rowid) AS down, rowid FROM fact_spans) "
                    + "WHERE down AND rowid < " + sorted)).as("the first %d rows in key order", sorted).isZero();
            assertThat(count(store, UNCOVERED)).isZero();
            assertThat(count(store, PEERS_UNCOVERED)).isZero();
            assertThat(count(store, MISCOUNTED)).isZero();
            assertThat(count(store, "SELECT count(*) FROM peer_spans")).as("one per peer and batch").isEqualTo(12 * 50);
        }
        // the order survives a reopen: nothing left to rewrite
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            assertThat(count(store, "SELECT count(*) FROM span_order")).isEqualTo(2);
            assertThat(store.query(new EventQuery("proc.cmdline = \"common 3\"", null, null, 10_000, null)).events())
                    .hasSize(12 * perBatch(i -> i % 5 == 0 && i % 7 == 3));
        }
    }

    @Test
    void spansAreSortedAndMergedIntoRanges() {
        List<long[]> spans = List.of(new long[] {200, 299}, new long[] {0, 99}, new long[] {100, 149}, new long[] {120, 199},
                new long[] {400, 499});
        assertThat(FactSpans.condition(spans, "rowid")).isEqualTo("(rowid BETWEEN 0 AND 299 OR rowid BETWEEN 400 AND 499)");
        assertThat(FactSpans.condition(List.of(), "rowid")).as("keys without facts").isEqualTo("FALSE");
        List<long[]> scattered = new ArrayList<>();
        for (int i = 0; i <= FactSpans.MAX_RANGES; i++) {
            scattered.add(new long[] {i * 10L, i * 10L + 5});
        }
        assertThat(FactSpans.condition(scattered, "rowid")).as("too scattered to help").isNull();
        assertThat(FactSpans.condition(scattered.subList(0, FactSpans.MAX_RANGES), "_rid")).startsWith("(_rid BETWEEN 0 AND 5 OR");
    }

    /** Events i in [0, 500) of a batch that meet {@code p}. */
    private static int perBatch(java.util.function.IntPredicate p) {
        return (int) java.util.stream.IntStream.range(0, 500).filter(p).count();
    }

    private static long count(DuckDbEventStore store, String sql) {
        return store.withConnection(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
                r.next();
                return r.getLong(1);
            }
        });
    }
}
