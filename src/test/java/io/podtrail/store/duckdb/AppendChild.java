package io.podtrail.store.duckdb;

import io.podtrail.event.Event;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Child process of {@link DurabilityTest}: appends batches forever, reporting each one after it returned. */
public final class AppendChild {

    static final int BATCH = 2_000;

    public static void main(String[] args) {
        DuckDbEventStore store = DuckDbEventStore.open(Path.of(args[0]), FilterCompiler.EMPTY_ONLY,
                new DuckDbEventStore.Options("256MB", 1, 1, 1000, java.time.Duration.ofHours(1)));
        for (int b = 0; ; b++) {
            List<Event> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                long id = (long) b * BATCH + i;
                batch.add(TestEvents.exec(id, TestEvents.T0 + id * 1000, "child cmd " + id));
            }
            store.append(batch);
            System.out.println("APPENDED " + (long) (b + 1) * BATCH);
            System.out.flush();
        }
    }
}
