package io.podtrail.bench;

import io.podtrail.correlate.SessionCorrelator;
import io.podtrail.enrich.KubernetesContext;
import io.podtrail.pipeline.IngestPipeline;
import io.podtrail.pipeline.TrailWriter;
import io.podtrail.query.EventQuery;
import io.podtrail.simulate.ClusterSimulator;
import io.podtrail.simulate.SimulationConfig;
import io.podtrail.simulate.Truth;
import io.podtrail.store.FacetQuery;
import io.podtrail.store.HistogramQuery;
import io.podtrail.store.duckdb.DuckDbEventStore;
import io.podtrail.store.duckdb.DuckDbFilterSql;
import org.postgresql.PGConnection;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;

import static io.podtrail.bench.IngestBenchmark.deleteTree;
import static io.podtrail.bench.IngestBenchmark.log;
import static io.podtrail.bench.IngestBenchmark.parseCount;

/**
 * The macro benchmark (bench/run.sh): the simulator's Tetragon export with the stories (one week), ingested
 * through the real pipeline (enrichment, correlation, durable store); then the fixed questions asked of
 * Podtrail's store and, in the same run, of PostgreSQL 15 holding the same enriched and correlated rows (exported
 * from the trail) with the indexes a competent engineer would add. Prints ingest events/s, bytes per event and
 * per query the median and p95 latency of each system and their ratio.
 */
public final class MacroBenchmark {

    static final long DAY = 86_400_000_000_000L;
    static final int RUNS = 11;

    /** One question, asked of both systems. */
    record Question(String name, Callable<Long> podtrail, String postgresSql) {
    }

    record Timing(String name, double[] podtrailMs, double[] postgresMs, long podtrailRows, long postgresRows) {
    }

    /** The trail's columns copied to PostgreSQL (what the questions read), with PostgreSQL types. */
    static final List<String[]> PG_COLUMNS = List.of(
            new String[] {"podtrail_id", "bigint"}, new String[] {"evt_time", "bigint"}, new String[] {"podtrail_kind", "text"},
            new String[] {"evt_type", "text"}, new String[] {"evt_hostname", "text"}, new String[] {"k8s_cluster_name", "text"},
            new String[] {"k8s_ns_name", "text"}, new String[] {"k8s_workload_kind", "text"}, new String[] {"k8s_workload_name", "text"},
            new String[] {"k8s_deployment_name", "text"}, new String[] {"k8s_pod_name", "text"}, new String[] {"container_id", "text"},
            new String[] {"container_name", "text"}, new String[] {"proc_name", "text"}, new String[] {"proc_cmdline", "text"},
            new String[] {"proc_exec_id", "text"}, new String[] {"proc_pexec_id", "text"}, new String[] {"fd_sip", "inet"},
            new String[] {"fd_sport", "bigint"}, new String[] {"peer_kind", "text"}, new String[] {"peer_known", "boolean"},
            new String[] {"session_id", "text"}, new String[] {"session_user_name", "text"});

    static final List<String> PG_INDEXES = List.of(
            "CREATE INDEX ON events USING brin (evt_time)",
            "CREATE INDEX ON events (evt_time)",
            "CREATE INDEX ON events (k8s_ns_name, evt_type, evt_time)",
            "CREATE INDEX ON events (k8s_pod_name, evt_time)",
            "CREATE INDEX ON events (proc_name)",
            "CREATE INDEX ON events (session_id)",
            "CREATE INDEX ON events USING gin (proc_cmdline gin_trgm_ops)");

    public static void main(String[] args) throws Exception {
        long events = 10_000_000;
        Path work = Path.of("bench/out/macro");
        boolean postgres = true;
        boolean keep = false;
        boolean reuse = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = parseCount(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--no-postgres" -> postgres = false;
                case "--keep" -> keep = true;
                case "--reuse" -> reuse = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--events N, --work DIR, --no-postgres, --keep, --reuse)");
            }
        }
        Path data = work.resolve("trail");
        Path sim = work.resolve("sim");
        boolean reusing = reuse && Files.isRegularFile(sim.resolve("truth.json")) && Files.isRegularFile(data.resolve(DuckDbEventStore.FILE_NAME));
        if (!reusing) {
            deleteTree(work);
            Files.createDirectories(work);
        }

        Duration span = Duration.ofDays(7);
        // 3 nodes produce about 5M events a week by themselves (probes, cron jobs, controllers, pod churn); the
        // rate adds background activity on top to reach the asked count (below ~5M a week is not reachable)
        double rate = Math.max(1, (events - 5_000_000) / (double) span.toSeconds());
        SimulationConfig config = new SimulationConfig(42, 3,
                Instant.parse("2026-03-02T00:00:00Z"), span, rate, EnumSet.allOf(io.podtrail.simulate.Story.class));
        long end = Instant.parse("2026-03-09T00:00:00Z").getEpochSecond() * 1_000_000_000L;
        Truth truth;
        long read;
        double ingestSecs;
        if (reusing) {
            log("reusing the trail in %s (--reuse)", data);
            truth = readTruth(sim.resolve("truth.json"));
            read = 0;
            ingestSecs = Double.NaN;
        } else {
            log("simulating a week with ~%,d Tetragon events (%d nodes): truth, snapshot and audit log first ...", events, config.nodes());
            // The Tetragon export of a week is ~2 KB an event (200 GB at 100M): it is not written but streamed into the
            // ingest from a second run of the (deterministic) simulator; the first run writes truth, snapshot and audit log.
            Files.createDirectories(sim);
            ClusterSimulator first = new ClusterSimulator(config);
            try (Writer audit = Files.newBufferedWriter(sim.resolve("k8s-audit.jsonl"), StandardCharsets.UTF_8)) {
                truth = first.run(Writer.nullWriter(), new BufferedWriter(audit, 1 << 16));
            }
            Files.writeString(sim.resolve("truth.json"), ClusterSimulator.toJson(truth));
            Files.writeString(sim.resolve("snapshot.json"), first.snapshotJson());
            Files.setLastModifiedTime(sim.resolve("snapshot.json"), java.nio.file.attribute.FileTime.from(Instant.ofEpochSecond(end / 1_000_000_000L)));

            Files.createDirectories(data);
            Files.writeString(data.resolve("podtrail.yaml"), "cluster:\n  serviceCidrs: [10.96.0.0/12]\ntrusted:\n  cidrs: ["
                    + String.join(", ", truth.trustedCidrs()) + "]\n");
            log("podtrail ingest (%,d Tetragon events streamed from the simulator, then the audit log) ...", truth.counts().tetragonLines());
            HeapWatch.start();
            long t0 = System.nanoTime();
            try (DuckDbEventStore store = DuckDbEventStore.open(data, DuckDbFilterSql.TEXT_COMPILER);
                 KubernetesContext context = KubernetesContext.open(data)) {
                context.loadSnapshot(sim.resolve("snapshot.json"));
                try (IngestPipeline p = new IngestPipeline(new TrailWriter(store, new SessionCorrelator(store.archive())),
                        context.enricher(), data.resolve("rejected"), IngestPipeline.DEFAULT_BATCH)) {
                    read = p.ingestStream(tetragonStream(config), "simulator:tetragon", null).read()
                            + p.ingestPaths(List.of(sim.resolve("k8s-audit.jsonl")), null, IngestPipeline.Progress.NONE).read();
                }
            }
            ingestSecs = (System.nanoTime() - t0) / 1e9;
            log("  heap: at most %,d MB live after a full collection during the ingest (max heap %,d MB)", HeapWatch.maxAfterGcMb(),
                    Runtime.getRuntime().maxMemory() >> 20);
        }
        long rows;
        long bytes;
        long payload;
        try (DuckDbEventStore store = DuckDbEventStore.open(data, DuckDbFilterSql.TEXT_COMPILER)) {
            DuckDbEventStore.Stats st = store.stats();
            rows = st.rows();
            bytes = st.fileBytes() + st.walBytes();
            payload = st.rawCompressedBytes();
        }
        if (reusing) {
            log("  %,d stored events (ingest not timed: --reuse); %.1f B/event trail + %.1f B/event payloads", rows,
                    (double) bytes / rows, (double) payload / rows);
        } else {
            log("  %,d events in %.1f s: %,.0f events/s; %.1f B/event trail + %.1f B/event payloads", read, ingestSecs,
                    read / ingestSecs, (double) bytes / rows, (double) payload / rows);
        }

        postgres = postgres && PostgresServer.available();
        PostgresServer pg = null;
        Connection pgc = null;
        if (postgres) {
            // loaded before the trail is opened for the questions: the rows stream out of it into PostgreSQL
            pg = PostgresServer.start(work.resolve("pg"));
            pgc = pg.connect();
            loadPostgres(data, work, pgc);
        }
        try {
            questions(data, truth, end, events, read, ingestSecs, (double) bytes / rows, (double) payload / rows, pgc);
        } finally {
            if (pgc != null) {
                pgc.close();
            }
            if (pg != null) {
                pg.close();
            }
        }
        if (!keep && !reuse) {
            deleteTree(work); // --keep (or --reuse) leaves the trail for another run of the questions
        }
    }

    /** Asks the questions of the trail (and of PostgreSQL when {@code pgc} is set) and writes the table. */
    private static void questions(Path data, Truth truth, long end, long events, long read, double ingestSecs, double trailB,
                                  double payloadB, Connection pgc) throws Exception {
        List<Timing> timings = new ArrayList<>();
        String sessionId = truth.sessions().get(0).auditId();
        // question 1 asks the 24 h before the last unknown destination was contacted (the analyst's "last 24 h" on the
        // day of the incident; the week's last day may have none)
        long q1End = truth.unknownOutboundBilling().stream().mapToLong(o -> nanos(o.time())).max().orElse(end - 1) + 1;
        String pod = truth.sessions().get(0).pod();
        try (DuckDbEventStore store = DuckDbEventStore.open(data, DuckDbFilterSql.TEXT_COMPILER)) {
            List<Question> questions = List.of(
                    new Question("1. outbound billing -> unknown, 24 h", () -> all(store, "k8s.ns.name = billing and evt.type = connect and peer.known = false", q1End - DAY, q1End),
                            "SELECT * FROM events WHERE k8s_ns_name = 'billing' AND evt_type = 'connect' AND peer_known = false AND evt_time >= " + (q1End - DAY) + " AND evt_time < " + q1End),
                    new Question("2. one session's activity", () -> all(store, "session.id = \"" + sessionId + "\"", null, null),
                            "SELECT * FROM events WHERE session_id = '" + sessionId + "' ORDER BY evt_time DESC"),
                    new Question("3. every tcpdump", () -> all(store, "proc.name = tcpdump and evt.type = execve", null, null),
                            "SELECT * FROM events WHERE proc_name = 'tcpdump' AND evt_type = 'execve' ORDER BY evt_time DESC"),
                    new Question("facets ns/workload/pod, 24 h", () -> (long) store.facets(new FacetQuery("", end - DAY, end, FacetQuery.Hierarchy.WORKLOAD, 20)).size(),
                            "SELECT k8s_cluster_name, k8s_ns_name, k8s_workload_name, k8s_pod_name, container_name, count(*) FROM events WHERE evt_time >= "
                                    + (end - DAY) + " AND evt_time < " + end + " GROUP BY ROLLUP (k8s_cluster_name, k8s_ns_name, k8s_workload_name, k8s_pod_name, container_name)"),
                    new Question("histogram, 7 days", () -> (long) store.histogram(new HistogramQuery("", end - 7 * DAY, end, 120, false)).buckets().size(),
                            "SELECT evt_time / 5040000000000 AS b, count(*) FROM events WHERE evt_time >= " + (end - 7 * DAY) + " AND evt_time < " + end + " GROUP BY b ORDER BY b"),
                    new Question("cmdline contains \"payload\"", () -> all(store, "proc.cmdline contains payload", null, null),
                            "SELECT * FROM events WHERE proc_cmdline LIKE '%payload%' ORDER BY evt_time DESC"),
                    new Question("newest 100 of one pod", () -> (long) store.query(new EventQuery("k8s.pod.name = \"" + pod + "\"", null, null, 100, null)).events().size(),
                            "SELECT * FROM events WHERE k8s_pod_name = '" + pod + "' ORDER BY evt_time DESC LIMIT 100"));
            verify(store, truth, sessionId, q1End);
            for (Question q : questions) {
                double[] ms = new double[RUNS];
                long n = 0;
                for (int i = -2; i < RUNS; i++) {
                    long a = System.nanoTime();
                    n = q.podtrail().call();
                    if (i >= 0) {
                        ms[i] = (System.nanoTime() - a) / 1e6;
                    }
                }
                timings.add(new Timing(q.name(), ms, null, n, -1));
                log("  podtrail  %-40s median %8.1f ms  (%,d rows)", q.name(), median(ms), n);
            }
            if (pgc != null) {
                timings = postgres(pgc, questions, timings);
            }
        }
        String table = render(events, read, ingestSecs, trailB, payloadB, timings);
        System.out.println(table);
        Path out = Path.of("bench/out/macro-" + Instant.now().toString().replace(':', '-') + ".md");
        Files.createDirectories(out.getParent()); // absent when --work put everything else elsewhere
        Files.writeString(out, table);
        log("written to %s", out);
    }

    /** The simulator's Tetragon export as a stream: a second, identical run writing into a pipe on its own thread. */
    private static InputStream tetragonStream(SimulationConfig config) throws IOException {
        PipedInputStream in = new PipedInputStream(1 << 20);
        PipedOutputStream out = new PipedOutputStream(in);
        Thread.ofPlatform().name("simulator").daemon().start(() -> {
            try (Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
                new ClusterSimulator(config).run(w, Writer.nullWriter());
            } catch (IOException e) {
                log("simulator stream failed: %s", e);
            }
        });
        return in;
    }

    /**
     * The most heap in use right after a full (major) garbage collection during the ingest: what the pipeline
     * keeps alive, from the JVM's GC notifications (after a young collection the old generation still holds
     * garbage, so those are not counted).
     */
    static final class HeapWatch {
        private static final java.util.concurrent.atomic.AtomicLong MAX = new java.util.concurrent.atomic.AtomicLong();

        static void start() {
            for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                ((javax.management.NotificationEmitter) gc).addNotificationListener((n, h) -> {
                    if (!n.getType().equals(com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                        return;
                    }
                    var info = com.sun.management.GarbageCollectionNotificationInfo.from((javax.management.openmbean.CompositeData) n.getUserData());
                    if (info.getGcAction().contains("major")) {
                        long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(java.lang.management.MemoryUsage::getUsed).sum();
                        MAX.accumulateAndGet(used, Math::max);
                    }
                }, null, null);
            }
        }

        static long maxAfterGcMb() {
            return MAX.get() >> 20;
        }
    }

    private static long nanos(String instant) {
        Instant t = Instant.parse(instant);
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    static Truth readTruth(Path file) throws IOException {
        return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false).readValue(file.toFile(), Truth.class);
    }

    /**
     * The benchmark's answers against the simulator's truth (same run, before timing): question 1's connections,
     * question 2's processes and question 3's executions must be exactly the truth's; the run fails otherwise.
     */
    private static void verify(DuckDbEventStore store, Truth truth, String sessionId, long end) {
        java.util.Set<String> q1 = new java.util.TreeSet<>();
        for (var e : events(store, "k8s.ns.name = billing and evt.type = connect and peer.known = false", null, null)) {
            if (e.time() >= end - DAY && e.time() < end) {
                q1.add(e.getString(io.podtrail.event.Fields.PROC_EXEC_ID) + " " + e.getString(io.podtrail.event.Fields.FD_SIP) + ":"
                        + e.getLong(io.podtrail.event.Fields.FD_SPORT));
            }
        }
        java.util.Set<String> t1 = new java.util.TreeSet<>();
        for (Truth.Outbound o : truth.unknownOutboundBilling()) {
            long t = nanos(o.time());
            if (t >= end - DAY && t < end) {
                t1.add(o.execId() + " " + o.dstIp() + ":" + o.dstPort());
            }
        }
        check("1. outbound billing -> unknown, 24 h (exec id, destination)", q1, t1);
        Truth.Session session = truth.sessions().get(0);
        java.util.Set<String> q2 = new java.util.TreeSet<>();
        for (var e : events(store, "session.id = \"" + sessionId + "\" and evt.type = execve", null, null)) {
            q2.add(e.getString(io.podtrail.event.Fields.PROC_EXEC_ID));
        }
        check("2. one session (its processes' exec ids)", q2,
                session.processes().stream().map(Truth.Process::execId).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
        java.util.Set<String> q3 = new java.util.TreeSet<>();
        for (var e : events(store, "proc.name = tcpdump and evt.type = execve", null, null)) {
            q3.add(e.getString(io.podtrail.event.Fields.PROC_EXEC_ID));
        }
        check("3. every tcpdump (exec ids)", q3, truth.tcpdumpExecutions().stream().map(Truth.Tcpdump::execId)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
    }

    private static void check(String what, java.util.Set<String> answer, java.util.Set<String> truth) {
        if (!answer.equals(truth)) {
            throw new IllegalStateException("wrong answer to " + what + ": " + answer.size() + " found, " + truth.size()
                    + " in the truth; missing " + diff(truth, answer) + ", extra " + diff(answer, truth));
        }
        log("  checked against the truth: %s = %d, exactly", what, answer.size());
    }

    private static java.util.Set<String> diff(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> d = new java.util.TreeSet<>(a);
        d.removeAll(b);
        return d.size() > 5 ? java.util.Set.copyOf(new ArrayList<>(d).subList(0, 5)) : d;
    }

    private static long all(DuckDbEventStore store, String filter, Long from, Long to) {
        return events(store, filter, from, to).size();
    }

    /** Every event of a filter, page by page as the API and the CLI read them. */
    private static List<io.podtrail.event.Event> events(DuckDbEventStore store, String filter, Long from, Long to) {
        List<io.podtrail.event.Event> out = new ArrayList<>();
        String cursor = null;
        do {
            var page = store.query(new EventQuery(filter, from, to, 10_000, cursor));
            out.addAll(page.events());
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }

    /**
     * PostgreSQL's table: the trail's events view, the columns the questions read, streamed as CSV through a named
     * pipe from DuckDB's COPY into PostgreSQL's (no file: at 100M it would be ~33 GB beside PostgreSQL's ~32),
     * then indexed and analysed. Not compared with anything; logged.
     */
    private static void loadPostgres(Path data, Path work, Connection c) throws Exception {
        log("PostgreSQL 15: COPY the same rows (streamed from the trail), index, ANALYZE ...");
        StringBuilder ddl = new StringBuilder();
        StringBuilder cols = new StringBuilder();
        for (String[] col : PG_COLUMNS) {
            ddl.append(ddl.isEmpty() ? "" : ", ").append(col[0]).append(' ').append(col[1]);
            cols.append(cols.isEmpty() ? "" : ", ").append(col[0]);
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm");
        }
        // the table created in the COPY's transaction: with wal_level=minimal PostgreSQL then writes no WAL for the
        // rows (measured at 100M before: 16 GB of WAL beside the 37 GB table)
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE events (" + ddl + ")");
        }
        Path fifo = work.resolve("rows.fifo");
        Files.deleteIfExists(fifo);
        if (new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor() != 0) {
            throw new IOException("mkfifo " + fifo + " failed");
        }
        long t0 = System.nanoTime();
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread export = Thread.ofPlatform().name("export").start(() -> {
            try (Connection d = DriverManager.getConnection("jdbc:duckdb:" + data.resolve(DuckDbEventStore.FILE_NAME).toAbsolutePath());
                 Statement st = d.createStatement()) {
                st.execute("COPY (SELECT " + cols + " FROM events) TO '" + fifo.toAbsolutePath() + "' (HEADER false, FORMAT csv)");
            } catch (Throwable e) {
                failed.set(e);
                // the reader may still wait for a writer: open and close the pipe (in the background: blocks if it does not)
                Thread.ofPlatform().daemon().start(() -> {
                    try (var unused = Files.newOutputStream(fifo)) {
                        // EOF for the reader
                    } catch (IOException ignored) {
                        // nothing waits
                    }
                });
            }
        });
        try (BufferedReader r = Files.newBufferedReader(fifo, StandardCharsets.UTF_8)) {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY events FROM STDIN (FORMAT csv)", r);
        }
        c.commit();
        c.setAutoCommit(true);
        export.join();
        Files.deleteIfExists(fifo);
        if (failed.get() != null) {
            throw new IllegalStateException("exporting the trail for PostgreSQL failed: " + failed.get(), failed.get());
        }
        log("  rows exported and copied in %.1f s", (System.nanoTime() - t0) / 1e9);
        try (Statement s = c.createStatement()) {
            for (String ix : PG_INDEXES) {
                s.execute(ix);
            }
            s.execute("VACUUM ANALYZE events");
        }
        log("  loaded and indexed in %.1f s", (System.nanoTime() - t0) / 1e9);
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_total_relation_size('events'), pg_relation_size('events')")) {
            r.next();
            log("  PostgreSQL size: %,d MB with indexes (%,d MB table)", r.getLong(1) >> 20, r.getLong(2) >> 20);
        }
    }

    private static List<Timing> postgres(Connection c, List<Question> questions, List<Timing> podtrail) throws Exception {
        List<Timing> out = new ArrayList<>();
        for (int qi = 0; qi < questions.size(); qi++) {
            Question q = questions.get(qi);
            double[] ms = new double[RUNS];
            long n = 0;
            for (int i = -2; i < RUNS; i++) {
                long a = System.nanoTime();
                n = 0;
                try (PreparedStatement ps = c.prepareStatement(q.postgresSql()); ResultSet r = ps.executeQuery()) {
                    int width = r.getMetaData().getColumnCount();
                    while (r.next()) {
                        for (int k = 1; k <= width; k++) {
                            r.getObject(k);
                        }
                        n++;
                    }
                }
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - a) / 1e6;
                }
            }
            Timing p = podtrail.get(qi);
            out.add(new Timing(p.name(), p.podtrailMs(), ms, p.podtrailRows(), n));
            log("  postgres  %-40s median %8.1f ms  (%,d rows)", q.name(), median(ms), n);
        }
        return out;
    }

    private static String render(long asked, long events, double ingestSecs, double trailB, double payloadB, List<Timing> timings) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("Macro benchmark, %s, %,d events (asked %,d), %d cores, JDK %s%n%n", Instant.now(), events, asked,
                Runtime.getRuntime().availableProcessors(), Runtime.version()));
        if (Double.isNaN(ingestSecs)) {
            b.append(String.format("Trail reused (--reuse; ingest not timed): %.1f B/event on disk (+ %.1f B/event compressed payloads)%n%n", trailB,
                    payloadB));
        } else {
            b.append(String.format("Ingest (Tetragon streamed from the simulator + audit log; enrichment, correlation, durable store; no rules): %,.0f events/s; %.1f B/event on disk (+ %.1f B/event compressed payloads); "
                    + "heap at most %,d MB live after a full collection (max heap %,d MB)%n%n", events / ingestSecs, trailB, payloadB, HeapWatch.maxAfterGcMb(),
                    Runtime.getRuntime().maxMemory() >> 20));
        }
        b.append("| question | Podtrail median ms | p95 | PostgreSQL median ms | p95 | PostgreSQL / Podtrail | rows (Podtrail / PostgreSQL) |\n");
        b.append("|---|---:|---:|---:|---:|---:|---|\n");
        for (Timing t : timings) {
            boolean pg = t.postgresMs() != null;
            b.append(String.format("| %s | %.1f | %.1f | %s | %s | %s | %,d / %s |%n", t.name(), median(t.podtrailMs()), p95(t.podtrailMs()),
                    pg ? String.format("%.1f", median(t.postgresMs())) : "-", pg ? String.format("%.1f", p95(t.postgresMs())) : "-",
                    pg ? String.format("%.1fx", median(t.postgresMs()) / median(t.podtrailMs())) : "-", t.podtrailRows(),
                    pg ? String.format("%,d", t.postgresRows()) : "-"));
        }
        return b.toString();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static double p95(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(0.95 * s.length) - 1)];
    }

    private MacroBenchmark() {
    }
}
