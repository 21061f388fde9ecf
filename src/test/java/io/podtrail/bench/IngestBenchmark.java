package io.podtrail.bench;

import io.podtrail.enrich.KubernetesContext;
import io.podtrail.event.Event;
import io.podtrail.event.SourceFormat;
import io.podtrail.ingest.EventSink;
import io.podtrail.ingest.Formats;
import io.podtrail.ingest.Rejection;
import io.podtrail.pipeline.IngestPipeline;
import io.podtrail.pipeline.IngestSummary;
import io.podtrail.simulate.ClusterSimulator;
import io.podtrail.simulate.FalcoAlerts;
import io.podtrail.simulate.SimulationConfig;
import io.podtrail.simulate.Truth;
import io.podtrail.store.duckdb.DuckDbEventStore;
import io.podtrail.store.duckdb.FilterCompiler;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Ingest benchmark (issue: the trail): simulated Tetragon, Falco and Kubernetes audit input, ingested end to
 * end (file -> adapter -> Kubernetes context enrichment -> store, durable) per format, side by side in the same run with PostgreSQL 15 loading
 * the same normalized Tetragon rows with COPY into a table and building its indexes.
 *
 * <p>Run with {@code bench/ingest.sh --events N}; prints a Markdown table and writes it under bench/out/.
 */
public final class IngestBenchmark {

    record Row(String system, String input, long events, double seconds, long trailBytes, long payloadBytes, String note) {
        double rate() {
            return events / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        long events = 2_000_000;
        Path work = Path.of("bench/out/work");
        boolean postgres = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = parseCount(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--no-postgres" -> postgres = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (--events N, --work DIR, --no-postgres)");
            }
        }
        deleteTree(work);
        Files.createDirectories(work);
        List<Row> rows = new ArrayList<>();

        // 1. Data: one simulated hour with the stories, at the rate that gives N Tetragon events.
        Path sim = work.resolve("sim");
        double rate = Math.max(1, events / 3600.0 * 0.96);
        SimulationConfig config = SimulationConfig.defaults(42).withEventsPerSecond(rate).withNodes(Math.max(3, (int) Math.min(50, events / 400_000)));
        log("simulating ~%,d Tetragon events (%d nodes) ...", events, config.nodes());
        Truth truth = new ClusterSimulator(config).write(sim);
        Path tetragon = sim.resolve("tetragon.jsonl");
        Path audit = sim.resolve("k8s-audit.jsonl");
        Path falco = sim.resolve("falco.jsonl");
        Path pgCsv = work.resolve("rows.csv");
        long falcoAlerts = FalcoAlerts.fromTetragon(tetragon, falco);
        writeCsv(tetragon, pgCsv);
        log("  %,d Tetragon lines (%,d MB), %,d Falco alerts, %,d audit lines", truth.counts().tetragonLines(),
                Files.size(tetragon) >> 20, falcoAlerts, truth.counts().auditLines());

        // 2. Podtrail, one fresh trail per format.
        Path snapshot = sim.resolve("snapshot.json");
        rows.add(ingest(work, "tetragon", tetragon, snapshot, truth.trustedCidrs()));
        rows.add(ingest(work, "falco", falco, snapshot, truth.trustedCidrs()));
        rows.add(ingest(work, "k8s-audit", audit, snapshot, truth.trustedCidrs()));

        // 3. PostgreSQL with the same normalized Tetragon rows.
        if (postgres && PostgresServer.available()) {
            rows.addAll(postgres(work, pgCsv, truth.counts().tetragonLines()));
        } else if (postgres) {
            log("PostgreSQL 15 not installed: skipping the baseline (apt-get install -y postgresql-15 postgresql-contrib)");
        }

        String table = render(rows, events);
        System.out.println(table);
        Path out = Path.of("bench/out/ingest-" + Instant.now().toString().replace(':', '-') + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        log("written to %s", out);
        deleteTree(work);
    }

    /** The whole pipeline as a deployment runs it: with the Kubernetes context (the simulated cluster's snapshot). */
    static Row ingest(Path work, String name, Path input, Path snapshot, List<String> trusted) throws Exception {
        Path data = work.resolve("trail-" + name);
        Files.createDirectories(data);
        Files.writeString(data.resolve("podtrail.yaml"), "cluster:\n  serviceCidrs: [10.96.0.0/12]\ntrusted:\n  cidrs: ["
                + String.join(", ", trusted) + "]\n");
        log("podtrail ingest %s ...", name);
        long t0 = System.nanoTime();
        IngestSummary s;
        DuckDbEventStore store = DuckDbEventStore.open(data, FilterCompiler.EMPTY_ONLY);
        try (KubernetesContext context = KubernetesContext.open(data);
             IngestPipeline p = new IngestPipeline(store, context.enricher(), data.resolve("rejected"), IngestPipeline.DEFAULT_BATCH)) {
            context.loadSnapshot(snapshot);
            s = p.ingestPaths(List.of(input), null, IngestPipeline.Progress.NONE);
        }
        double durable = (System.nanoTime() - t0) / 1e9;
        store.close();
        double closed = (System.nanoTime() - t0) / 1e9;
        DuckDbEventStore.Stats st;
        try (DuckDbEventStore reopened = DuckDbEventStore.open(data, FilterCompiler.EMPTY_ONLY)) {
            st = reopened.stats();
        }
        if (s.rejected() > 0) {
            throw new IllegalStateException(name + ": " + s.rejected() + " rejected " + s.rejectedByReason());
        }
        log("  %,d events in %.1f s (%.1f s with close): %,.0f events/s", s.read(), durable, closed, s.read() / durable);
        return new Row("Podtrail (DuckDB)", name, s.read(), durable, st.fileBytes() + st.walBytes(), st.rawCompressedBytes(),
                (st.rows() == s.read() ? "" : String.format("%,d requests after merging their stages; ", st.rows())) + String.format("close %.1f s", closed - durable));
    }

    static List<Row> postgres(Path work, Path csv, long events) throws Exception {
        log("PostgreSQL 15: COPY + index build ...");
        try (PostgresServer pg = PostgresServer.start(work.resolve("pg")); Connection c = pg.connect()) {
            PostgresTable.create(c);
            long t0 = System.nanoTime();
            long copied;
            try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                copied = PostgresTable.copy(c, r);
            }
            double copySecs = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            PostgresTable.index(c);
            double indexSecs = (System.nanoTime() - t1) / 1e9;
            long bytes = PostgresTable.totalBytes(c);
            log("  COPY %,d rows in %.1f s, indexes in %.1f s, %,d MB", copied, copySecs, indexSecs, bytes >> 20);
            return List.of(new Row("PostgreSQL 15", "tetragon rows", copied, copySecs + indexSecs, bytes, 0,
                    String.format("COPY %.1f s (%,.0f rows/s) + %d indexes %.1f s", copySecs, copied / copySecs,
                            PostgresTable.INDEXES.size(), indexSecs)));
        }
    }

    /** The normalized Tetragon events as PostgreSQL CSV rows (not timed). */
    static void writeCsv(Path tetragon, Path csv) throws IOException {
        try (InputStream in = Files.newInputStream(tetragon);
             BufferedWriter cw = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            Formats.forFormat(SourceFormat.TETRAGON).read(in, tetragon.toString(), new EventSink() {
                @Override
                public void accept(Event e) {
                    try {
                        PostgresTable.writeCsv(e, cw);
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                }

                @Override
                public void reject(Rejection r) {
                    throw new IllegalStateException("simulated line rejected: " + r);
                }
            });
        }
    }

    private static String render(List<Row> rows, long events) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("Ingest benchmark, %s, %,d simulated Tetragon events, %d cores, JDK %s%n%n", Instant.now(), events,
                Runtime.getRuntime().availableProcessors(), Runtime.version()));
        b.append("| system | input | events | seconds | events/s | trail B/event | payload B/event | note |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            b.append(String.format("| %s | %s | %,d | %.1f | %,.0f | %.1f | %s | %s |%n", r.system(), r.input(), r.events(), r.seconds(),
                    r.rate(), (double) r.trailBytes() / r.events(), r.payloadBytes() == 0 ? "-" : String.format("%.1f", (double) r.payloadBytes() / r.events()), r.note()));
        }
        Row tet = rows.stream().filter(r -> r.input().equals("tetragon")).findFirst().orElseThrow();
        rows.stream().filter(r -> r.system().startsWith("PostgreSQL")).findFirst().ifPresent(pg -> b.append(String.format(
                "%nPodtrail vs PostgreSQL on the same rows: %.1fx the load rate, %.1fx smaller on disk (trail only; %.1fx with payloads).%n",
                tet.rate() / pg.rate(), (double) pg.trailBytes() / pg.events() / ((double) tet.trailBytes() / tet.events()),
                (double) pg.trailBytes() / pg.events() / ((double) (tet.trailBytes() + tet.payloadBytes()) / tet.events()))));
        return b.toString();
    }

    static long parseCount(String s) {
        String t = s.trim().toUpperCase();
        long mult = t.endsWith("M") ? 1_000_000 : t.endsWith("K") ? 1_000 : 1;
        return (long) (Double.parseDouble(mult == 1 ? t : t.substring(0, t.length() - 1)) * mult);
    }

    static void log(String fmt, Object... args) {
        System.err.printf(fmt + "%n", args);
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }

    private IngestBenchmark() {
    }
}
