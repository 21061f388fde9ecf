package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.SourceFormat;
import io.podtrail.ingest.EventSink;
import io.podtrail.ingest.Formats;
import io.podtrail.ingest.Rejection;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The store alone on real-looking Tetragon events (a measurement, not a test): parses FILE into memory
 * (outside the timing), then appends it in batches to a fresh store in DIR. Usage:
 * {@code TetragonStoreBench FILE DIR [batch=50000] [zstdLevel=3] [rawBlockEvents=8192]}
 * (run with -Dpodtrail.store.trace=true for the per-step times of each append).
 */
public final class TetragonStoreBench {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Path dir = Path.of(args[1]);
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        int level = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int blockEvents = args.length > 4 ? Integer.parseInt(args[4]) : 8192;
        List<Event> events = new ArrayList<>();
        long t = System.nanoTime();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            Formats.forFormat(SourceFormat.TETRAGON).read(in, file.toString(), new EventSink() {
                @Override
                public void accept(Event event) {
                    events.add(event);
                }

                @Override
                public void reject(Rejection rejection) {
                }
            });
        }
        System.out.printf("parsed %d events in %.1f s%n", events.size(), (System.nanoTime() - t) / 1e9);
        long raw = 0;
        boolean noArgs = Boolean.getBoolean("bench.noArgs"); // what evt.args costs
        for (Event e : events) {
            if (Boolean.getBoolean("bench.noRaw")) {
                e.raw((byte[]) null);
            }
            if (noArgs) {
                e.set(io.podtrail.event.Fields.ARGS, null);
            }
            raw += e.raw() == null ? 0 : e.raw().length;
        }
        DuckDbEventStore.Options o = new DuckDbEventStore.Options("1GB", 2, level, blockEvents, Duration.ofHours(24));
        long appendNs = 0;
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, FilterCompiler.EMPTY_ONLY, o)) {
            for (int from = 0; from < events.size(); from += batch) {
                List<Event> b = new ArrayList<>(events.subList(from, Math.min(events.size(), from + batch)));
                long t0 = System.nanoTime();
                store.append(b);
                appendNs += System.nanoTime() - t0;
            }
            long cpu = os.getProcessCpuTime() - cpu0;
            DuckDbEventStore.Stats s = store.stats();
            System.out.printf("append: %.0f events/s (%.2f s); process CPU %.2f us/event (all threads, native included); "
                    + "payload %.0f B/event raw%n", events.size() / (appendNs / 1e9), appendNs / 1e9, cpu / 1e3 / events.size(),
                    (double) raw / events.size());
            System.out.printf("before close: file+wal %.1f B/event, payload %.1f B/event%n", s.tableBytesPerEvent(),
                    (double) s.rawCompressedBytes() / s.rows());
        }
        long size = Files.size(dir.resolve(DuckDbEventStore.FILE_NAME));
        Path wal = dir.resolve(DuckDbEventStore.FILE_NAME + ".wal");
        long walSize = Files.exists(wal) ? Files.size(wal) : 0;
        System.out.printf("after close: file %d + wal %d = %.1f B/event%n", size, walSize, (double) (size + walSize) / events.size());
    }
}
