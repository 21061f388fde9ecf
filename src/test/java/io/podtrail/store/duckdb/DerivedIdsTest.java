package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.EventIds;
import io.podtrail.event.Fields;
import io.podtrail.query.EventQuery;
import io.podtrail.store.EventStore.AppendResult;
import io.podtrail.store.EventStore.EventPage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static io.podtrail.store.duckdb.TestEvents.T0;
import static io.podtrail.store.duckdb.TestEvents.exec;
import static io.podtrail.store.duckdb.TestEvents.stage;
import static org.assertj.core.api.Assertions.assertThat;

/** podtrail_id is stored as a 31-bit hash when derived from the event's time, whole otherwise, and read back whole. */
class DerivedIdsTest {

    @TempDir
    Path dir;
    DuckDbEventStore store;

    @BeforeEach
    void open() {
        store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER, DuckDbEventStoreTest.small());
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** 300 events: two in three with derived ids (some sharing a time), the rest with ids of any other form. */
    private static List<Event> mixed() {
        SplittableRandom r = new SplittableRandom(5);
        List<Event> out = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            long time = T0 + (i / 3) * 1000L;
            long id = switch (i % 3) {
                case 0, 1 -> EventIds.derive(time, r.nextLong());
                default -> i % 2 == 0 ? r.nextLong() : i == 5 ? Long.MIN_VALUE : -i; // given by the input
            };
            out.add(exec(id, time, "cmd " + i));
        }
        return out;
    }

    private long count(String sql) {
        return store.withConnection(c -> {
            try (ResultSet r = c.createStatement().executeQuery(sql)) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    private List<Long> ids(String filter) {
        List<Long> out = new ArrayList<>();
        String cursor = null;
        do {
            EventPage p = store.query(new EventQuery(filter, null, null, 37, cursor));
            p.events().forEach(e -> out.add(e.id()));
            cursor = p.nextCursor();
        } while (cursor != null);
        return out;
    }

    @Test
    void derivedIdsAreStoredAsTheirHashAndEveryIdReadsBackWhole() {
        List<Event> in = mixed();
        assertThat(store.append(in)).isEqualTo(new AppendResult(300, 0, 0));
        // only the ids of another form are stored whole
        assertThat(count("SELECT count(*) FROM facts WHERE _id_given IS NOT NULL")).isEqualTo(100);
        assertThat(count("SELECT count(*) FROM facts WHERE _id_hash IS NOT NULL")).isEqualTo(200);
        List<Long> expected = in.stream().sorted((a, b) -> a.time() != b.time() ? Long.compare(b.time(), a.time())
                : Long.compare(b.id(), a.id())).map(Event::id).toList();
        assertThat(ids("")).containsExactlyElementsOf(expected); // newest first, ties by id, across pages
        for (Event e : List.of(in.get(0), in.get(1), in.get(2), in.get(5))) {
            assertThat(ids("podtrail.id = " + e.id())).containsExactly(e.id());
            assertThat(store.raw(e.id())).isEqualTo(e.raw());
        }
    }

    @Test
    void derivedIdsDeduplicateAcrossBatchesAndReopen() {
        List<Event> in = mixed();
        store.append(in.subList(0, 200));
        assertThat(store.append(in)).isEqualTo(new AppendResult(100, 200, 0));
        store.close();
        store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER, DuckDbEventStoreTest.small());
        assertThat(store.append(in)).isEqualTo(new AppendResult(0, 300, 0));
        assertThat(store.count()).isEqualTo(300);
    }

    @Test
    void theStagesOfARequestWithADerivedIdMergeIntoOneRow() {
        long received = T0 + 5_000;
        long id = EventIds.derive(received, 0x1234_5678_9ABCL);
        assertThat(store.append(List.of(stage(id, "RequestReceived", received, received + 10)))).isEqualTo(new AppendResult(1, 0, 0));
        assertThat(store.append(List.of(stage(id, "ResponseComplete", received, received + 900)))).isEqualTo(new AppendResult(0, 0, 1));
        assertThat(count("SELECT count(*) FROM wide_events WHERE _id_hash IS NOT NULL AND _id_given IS NULL")).isEqualTo(1);
        List<Event> rows = store.query(new EventQuery("podtrail.id = " + id, null, null, 10, null)).events();
        assertThat(rows).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(id);
            assertThat(e.getLong(Fields.END_TIME)).isEqualTo(received + 900);
        });
    }

    /** Rewrites facts and wide_events as schema version 2 had them: podtrail_id stored whole, no hash columns. */
    private void downgradeToVersion2() throws Exception {
        store.close();
        try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbEventStore.FILE_NAME));
             var s = c.createStatement()) {
            for (String view : List.of("events", "sensor_events", "api_events")) {
                s.execute("DROP VIEW " + view);
            }
            for (String t : List.of("facts", "wide_events")) {
                // nor had its facts their container's key (version 4)
                s.execute("CREATE TABLE " + t + "_old AS SELECT * EXCLUDE (_id_hash, _id_given" + (t.equals("facts") ? ", _ckey" : "") + ") FROM " + t);
                s.execute("DROP TABLE " + t);
                s.execute("ALTER TABLE " + t + "_old RENAME TO " + t);
            }
            s.execute("DELETE FROM podtrail_schema");
            s.execute("INSERT INTO podtrail_schema (version) VALUES (2)");
        }
        store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER, DuckDbEventStoreTest.small());
    }

    @Test
    void aVersion2TrailIsMigratedKeepingItsIdsAndItsRecordsSentAgainAreKnown() throws Exception {
        // stored by version 2: every id a whole 64-bit hash of its record
        SplittableRandom r = new SplittableRandom(9);
        List<Event> old = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            old.add(exec(r.nextLong(), T0 + i * 1000L, "cmd " + i));
        }
        long received = T0 + 77;
        long requestId = r.nextLong();
        old.add(stage(requestId, "RequestReceived", received, received + 10));
        store.append(old);
        downgradeToVersion2();

        assertThat(count("SELECT max(version) FROM podtrail_schema")).isEqualTo(Schema.VERSION);
        assertThat(count("SELECT count(*) FROM facts f JOIN processes p USING (_pkey) WHERE f._ckey IS DISTINCT FROM p._ckey")).isZero();
        assertThat(count("SELECT count(*) FROM facts WHERE _id_given IS NOT NULL")).isEqualTo(300);
        assertThat(ids("")).containsExactlyInAnyOrderElementsOf(old.stream().map(Event::id).toList());
        assertThat(ids("podtrail.id = " + old.get(42).id())).containsExactly(old.get(42).id());
        assertThat(store.raw(old.get(42).id())).isEqualTo(old.get(42).raw());
        // found by the process's key through the rebuilt spans
        assertThat(ids("proc.cmdline = \"cmd 42\"")).containsExactly(old.get(42).id());

        // the same records sent again: this build derives their ids from their time and the same hash
        List<Event> again = new ArrayList<>();
        for (Event e : old.subList(0, 300)) {
            again.add(exec(EventIds.derive(e.time(), e.id()), e.time(), e.getString(Fields.PROC_CMDLINE)));
        }
        List<Event> spread = new ArrayList<>();
        for (int i = 0; i < 300; i += 30) {
            spread.add(again.get(i)); // few ids in a wide time range: found by id list, not by reading the range
        }
        assertThat(store.append(spread)).isEqualTo(new AppendResult(0, 10, 0));
        assertThat(store.append(again)).isEqualTo(new AppendResult(0, 300, 0));
        // the request's next stage merges into the stored row, which keeps its id
        assertThat(store.append(List.of(stage(EventIds.derive(received, requestId), "ResponseComplete", received, received + 900))))
                .isEqualTo(new AppendResult(0, 0, 1));
        List<Event> request = store.query(new EventQuery("podtrail.kind = k8s_api", null, null, 10, null)).events();
        assertThat(request).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(requestId);
            assertThat(e.getLong(Fields.END_TIME)).isEqualTo(received + 900);
        });
        assertThat(store.count()).isEqualTo(301);
    }
}
