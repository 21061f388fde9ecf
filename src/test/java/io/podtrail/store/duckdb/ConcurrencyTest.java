package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.query.EventQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Queries run alongside appends from other threads; appends from several threads are serialized. */
class ConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    void queriesRunAlongsideSerializedAppends() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, new TestFilters(), DuckDbEventStoreTest.small())) {
            AtomicBoolean done = new AtomicBoolean();
            Future<Integer> reader = pool.submit(() -> {
                long last = 0;
                int queries = 0;
                while (!done.get() || queries == 0) {
                    long n = store.count();
                    assertThat(n).isGreaterThanOrEqualTo(last).matches(x -> x % 500 == 0, "whole batches only");
                    last = n;
                    store.query(new EventQuery("", null, null, 50, null));
                    queries++;
                }
                return queries;
            });
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int b = 0; b < 10; b++) {
                        List<Event> batch = new ArrayList<>();
                        for (int i = 0; i < 500; i++) {
                            long id = writer * 1_000_000L + b * 500L + i;
                            batch.add(TestEvents.exec(id, TestEvents.T0 + id, "w" + writer));
                        }
                        store.append(batch);
                    }
                    return null;
                }));
            }
            for (Future<?> f : writers) {
                f.get();
            }
            done.set(true);
            assertThat(reader.get()).isPositive();
            assertThat(store.count()).isEqualTo(10_000);
        } finally {
            pool.shutdownNow();
        }
    }
}
