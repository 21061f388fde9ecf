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

/** fact_spans covers every fact's position under its process key, when appended and when backfilled. */
class FactSpansTest {

    private static final String UNCOVERED = "SELECT count(*) FROM facts f WHERE NOT EXISTS (SELECT 1 FROM fact_spans s "
            + "WHERE s._pkey = f._pkey AND f.rowid BETWEEN s.rid_from AND s.rid_to)";

    @Test
    void everyFactIsInASpanOfItsProcessAndQueriesUseThem(@TempDir Path dir) throws Exception {
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            long id = 1;
            for (int batch = 0; batch < 4; batch++) {
                List<Event> events = new ArrayList<>();
                for (int i = 0; i < 500; i++, id++) {
                    // some processes in every batch, some in one only
                    events.add(TestEvents.exec(id, TestEvents.T0 + id * 1_000_000L, i % 5 == 0 ? "common " + (i % 7) : "once " + id));
                }
                store.append(events);
            }
            assertThat(count(store, UNCOVERED)).isZero();
            assertThat(count(store, "SELECT count(*) FROM fact_spans")).isBetween(1L, 2000L);
            // a process seen in one batch only: its query reads that batch's positions, and finds exactly its event
            assertThat(store.query(new EventQuery("proc.cmdline = \"once 777\"", null, null, 10, null)).events())
                    .singleElement().extracting(Event::id).isEqualTo(777L);
            assertThat(store.query(new EventQuery("proc.cmdline = \"common 3\"", null, null, 1000, null)).events())
                    .hasSize(4 * commonPerBatch(3));
            assertThat(store.query(new EventQuery("proc.cmdline = nothing", null, null, 10, null)).events()).isEmpty();
            store.withConnection(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TABLE fact_spans");
                }
                return null;
            });
        }
        // a trail written before the table existed: rebuilt from facts on open
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            assertThat(count(store, UNCOVERED)).isZero();
            assertThat(store.query(new EventQuery("proc.cmdline = \"once 777\"", null, null, 10, null)).events()).hasSize(1);
        }
    }

    /** Events of a batch whose cmdline is "common k": i % 5 == 0 and i % 7 == k among i in [0, 500). */
    private static int commonPerBatch(int k) {
        int n = 0;
        for (int i = 0; i < 500; i++) {
            if (i % 5 == 0 && i % 7 == k) {
                n++;
            }
        }
        return n;
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
