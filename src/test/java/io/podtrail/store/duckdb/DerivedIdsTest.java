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
}
