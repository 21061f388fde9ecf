package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.Fields;
import io.podtrail.event.SourceFormat;
import io.podtrail.ingest.EventSink;
import io.podtrail.ingest.Formats;
import io.podtrail.ingest.Rejection;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CSV staging of facts rows alone, one thread (a measurement, not a test). Usage: {@code StagerProbe FILE [noArgs]} */
public final class StagerProbe {
    public static void main(String[] args) throws Exception {
        List<Event> events = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(Path.of(args[0])), 1 << 16)) {
            Formats.forFormat(SourceFormat.TETRAGON).read(in, args[0], new EventSink() {
                public void accept(Event e) {
                    if (events.size() < 200_000) {
                        if (args.length > 1) {
                            e.set(Fields.ARGS, null);
                        }
                        events.add(e);
                    }
                }

                public void reject(Rejection r) {
                }
            });
        }
        CsvStager st = new CsvStager(Schema.factColumns());
        for (int round = 0; round < 5; round++) {
            long t = System.nanoTime();
            st.reset();
            for (Event e : events) {
                st.add(new CsvStager.Row(e, 1, 1, 0, 5, 0, 3, DuckDbEventStore.isConnectionName(e)));
            }
            System.out.printf("%.2f us/row, %.0f B/row%n", (System.nanoTime() - t) / 1e3 / events.size(), (double) st.size() / events.size());
        }
    }
}
