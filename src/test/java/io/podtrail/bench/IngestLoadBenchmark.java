package io.podtrail.bench;

import io.podtrail.server.PodtrailServer;
import io.podtrail.server.ServerConfig;
import io.podtrail.server.TestPki;
import io.podtrail.simulate.ClusterSimulator;
import io.podtrail.simulate.SimulationConfig;
import io.podtrail.simulate.Truth;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load benchmark of the server's ingest endpoint (issue: the server): simulated Tetragon lines, pre-cut into
 * request bodies of B lines, sent by C concurrent clients (virtual threads, the JDK's HTTP client, HTTP/1.1,
 * one connection each) to {@code POST /api/v1/ingest/tetragon} of a server started in this JVM on 127.0.0.1
 * over a fresh data directory with the simulated cluster's Kubernetes snapshot loaded. A 429 or 503 is retried
 * after its Retry-After. Reports events acknowledged (2xx, so durable) per second, requests per second, the
 * p50/p95/p99 latency of the acknowledged requests and the number of 429s.
 *
 * <p>Side by side in the same run: the same file through {@code podtrail ingest}'s pipeline (no HTTP), and
 * PostgreSQL 15 loading the same normalized rows with COPY over a local TCP connection (as
 * {@link IngestBenchmark}).
 *
 * <p>Run with {@code bench/ingest-http.sh --events N [--batches 1000,5000] [--clients 4,16]}; prints a Markdown
 * table and writes it under bench/out/.
 */
public final class IngestLoadBenchmark {

    private static final String PATH = "/api/v1/ingest/tetragon";
    /** A strong reference: JUL keeps loggers weakly, and the level would go with a collected one. */
    private static final java.util.logging.Logger HELIDON_LOG = java.util.logging.Logger.getLogger("io.helidon");
    private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");
    private static final Pattern DUPLICATES = Pattern.compile("\"duplicates\"\\s*:\\s*(\\d+)");

    /** One configuration's result; latencies in ns, sorted; null for the rows without HTTP. */
    record Run(String system, String batch, String clients, long events, double seconds, long requests, long[] latencies,
               long tooMany, String note) {
        double rate() {
            return events / seconds;
        }

        double percentileMs(double p) {
            int i = (int) Math.min(latencies.length - 1, Math.ceil(p / 100 * latencies.length) - 1);
            return latencies[Math.max(0, i)] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        long events = 1_000_000;
        Path work = Path.of("bench/out/work-http");
        boolean postgres = true;
        boolean file = true;
        boolean https = false;
        int[] batches = {1000, 5000};
        int[] clients = {4, 16};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = IngestBenchmark.parseCount(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--batches" -> batches = ints(args[++i]);
                case "--clients" -> clients = ints(args[++i]);
                case "--no-postgres" -> postgres = false;
                case "--no-file" -> file = false;
                case "--https" -> https = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--events N, --batches B[,B..], --clients C[,C..], --https, --work DIR, --no-file, --no-postgres)");
            }
        }
        HELIDON_LOG.setLevel(java.util.logging.Level.WARNING);
        IngestBenchmark.deleteTree(work);
        Files.createDirectories(work);
        List<Run> runs = new ArrayList<>();
        List<Double> loads = new ArrayList<>();

        // 1. Data, not timed: one simulated hour at the rate that gives N Tetragon events (as IngestBenchmark).
        Path sim = work.resolve("sim");
        double rate = Math.max(1, events / 3600.0 * 0.96);
        SimulationConfig config = SimulationConfig.defaults(42).withEventsPerSecond(rate)
                .withNodes(Math.max(3, (int) Math.min(50, events / 400_000)));
        IngestBenchmark.log("simulating ~%,d Tetragon events (%d nodes) ...", events, config.nodes());
        Truth truth = new ClusterSimulator(config).write(sim);
        Path tetragon = sim.resolve("tetragon.jsonl");
        Path snapshot = sim.resolve("snapshot.json");
        long lines = truth.counts().tetragonLines();
        IngestBenchmark.log("  %,d Tetragon lines, %,d MB", lines, Files.size(tetragon) >> 20);

        // Warm-up, not timed: the JIT compiles the adapter, enrichment, store and HTTP code the rows share.
        http(work, bodies(tetragon, 1000, 50), Math.min(lines, 50_000), 1000, 4, false, snapshot, truth.trustedCidrs());

        // 2. The file pipeline (podtrail ingest), the baseline without HTTP.
        if (file) {
            loads.add(load());
            runs.add(file(work, tetragon, snapshot, truth.trustedCidrs(), "podtrail ingest FILE (no HTTP)"));
        }

        // 3. The HTTP endpoint, for each batch size and number of clients.
        for (int batch : batches) {
            List<byte[]> bodies = bodies(tetragon, batch, Integer.MAX_VALUE);
            for (int c : clients) {
                loads.add(load());
                runs.add(http(work, bodies, lines, batch, c, false, snapshot, truth.trustedCidrs()));
                if (https) {
                    loads.add(load());
                    runs.add(http(work, bodies, lines, batch, c, true, snapshot, truth.trustedCidrs()));
                }
            }
        }

        // The file pipeline again: on a shared machine the load drifts during a run, and the two file rows show how much.
        if (file) {
            loads.add(load());
            runs.add(file(work, tetragon, snapshot, truth.trustedCidrs(), "podtrail ingest FILE (no HTTP), again"));
        }

        // 4. PostgreSQL COPY of the same normalized rows over TCP on 127.0.0.1.
        if (postgres && PostgresServer.available()) {
            Path csv = work.resolve("rows.csv");
            IngestBenchmark.writeCsv(tetragon, csv);
            loads.add(load());
            for (var r : IngestBenchmark.postgres(work, csv, lines)) {
                runs.add(new Run("PostgreSQL 15 COPY (TCP) + indexes", "-", "1", r.events(), r.seconds(), 0, null, 0, r.note()));
            }
        } else if (postgres) {
            IngestBenchmark.log("PostgreSQL 15 not installed: skipping the baseline (apt-get install -y postgresql-15 postgresql-contrib)");
        }
        loads.add(load());

        String table = render(runs, events, lines, loads);
        System.out.println(table);
        Path out = Path.of("bench/out/ingest-http-" + Instant.now().toString().replace(':', '-') + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
        IngestBenchmark.log("written to %s", out);
        IngestBenchmark.deleteTree(work);
    }

    /** The file through {@code podtrail ingest}'s pipeline into a fresh trail (as {@link IngestBenchmark}). */
    private static Run file(Path work, Path tetragon, Path snapshot, List<String> trusted, String name) throws Exception {
        var r = IngestBenchmark.ingest(work, "tetragon", tetragon, snapshot, trusted);
        IngestBenchmark.deleteTree(work.resolve("trail-tetragon"));
        return new Run(name, "-", "-", r.events(), r.seconds(), 0, null, 0, "");
    }

    /** The file cut into request bodies of {@code batch} lines (not timed), at most {@code max} of them. */
    private static List<byte[]> bodies(Path tetragon, int batch, int max) throws IOException {
        List<byte[]> bodies = new ArrayList<>();
        ByteArrayOutputStream b = new ByteArrayOutputStream(batch * 2200);
        int n = 0;
        try (BufferedReader r = Files.newBufferedReader(tetragon, StandardCharsets.UTF_8)) {
            for (String line; bodies.size() < max && (line = r.readLine()) != null; ) {
                b.write(line.getBytes(StandardCharsets.UTF_8));
                b.write('\n');
                if (++n == batch) {
                    bodies.add(b.toByteArray());
                    b.reset();
                    n = 0;
                }
            }
        }
        if (n > 0 && bodies.size() < max) {
            bodies.add(b.toByteArray());
        }
        return bodies;
    }

    private static Run http(Path work, List<byte[]> bodies, long lines, int batch, int clients, boolean https, Path snapshot,
                            List<String> trusted) throws Exception {
        Path data = work.resolve("server-" + batch + "-" + clients + (https ? "-tls" : ""));
        Files.createDirectories(data);
        Files.writeString(data.resolve("podtrail.yaml"), "cluster:\n  serviceCidrs: [10.96.0.0/12]\ntrusted:\n  cidrs: ["
                + String.join(", ", trusted) + "]\n");
        IngestBenchmark.log("%s: %,d requests of %,d lines, %d clients ...", https ? "HTTPS" : "HTTP", bodies.size(), batch, clients);
        ServerConfig sc = ServerConfig.defaults(data).withListen("127.0.0.1:0");
        HttpClient.Builder hb = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
        if (https) {
            // a CA and a server certificate (EC P-256, TLS 1.3), PEM files as a deployment has them
            TestPki.Ca ca = TestPki.Ca.create("bench CA");
            Path[] pem = TestPki.writeServerPem(Files.createDirectories(work.resolve("tls")), ca.server(false), TestPki.KeyFormat.PKCS8);
            sc = sc.withTls(pem[0], pem[1]);
            hb.sslContext(TestPki.context(ca, null));
        }
        PodtrailServer server = PodtrailServer.start(sc);
        try {
            server.context().loadSnapshot(snapshot);
            String token = Files.readString(data.resolve("admin.token")).strip();
            URI uri = URI.create(server.url() + PATH);
            HttpClient http = hb.build();
            AtomicInteger next = new AtomicInteger();
            AtomicLong accepted = new AtomicLong();
            AtomicLong duplicates = new AtomicLong();
            AtomicLong tooMany = new AtomicLong();
            AtomicLong unavailable = new AtomicLong();
            long[][] perClient = new long[clients][];
            int[] counts = new int[clients];
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                int me = c;
                perClient[me] = new long[bodies.size()];
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int i; (i = next.getAndIncrement()) < bodies.size(); ) {
                            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(3))
                                    .header("Authorization", "Bearer " + token)
                                    .header("Content-Type", "application/x-ndjson")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build();
                            while (true) {
                                long s = System.nanoTime();
                                HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
                                long took = System.nanoTime() - s;
                                int code = res.statusCode();
                                if (code == 200 || code == 207) {
                                    perClient[me][counts[me]++] = took;
                                    accepted.addAndGet(number(ACCEPTED, res.body()));
                                    duplicates.addAndGet(number(DUPLICATES, res.body()));
                                    break;
                                }
                                if (code != 429 && code != 503) {
                                    throw new IOException("HTTP " + code + ": " + res.body());
                                }
                                (code == 429 ? tooMany : unavailable).incrementAndGet();
                                Thread.sleep(retryAfterMillis(res.headers().firstValue("Retry-After").orElse(null)));
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (!failures.isEmpty()) {
                throw new IllegalStateException("a client failed", failures.getFirst());
            }
            long[] lat = new long[bodies.size()];
            int k = 0;
            for (int c = 0; c < clients; c++) {
                System.arraycopy(perClient[c], 0, lat, k, counts[c]);
                k += counts[c];
            }
            Arrays.sort(lat);
            String note = (accepted.get() == lines ? "" : String.format("accepted %,d of %,d lines; ", accepted.get(), lines))
                    + (duplicates.get() == 0 ? "" : String.format("%,d duplicates; ", duplicates.get()))
                    + (unavailable.get() == 0 ? "" : unavailable.get() + " × 503; ");
            Run run = new Run((https ? "HTTPS" : "HTTP") + " POST /api/v1/ingest/tetragon", String.format("%,d", batch), String.valueOf(clients),
                    accepted.get(), secs, bodies.size(), lat, tooMany.get(), note.isEmpty() ? "" : note.substring(0, note.length() - 2));
            IngestBenchmark.log("  %,d events acknowledged in %.1f s: %,.0f events/s, %.1f requests/s, p50 %.0f ms, p99 %.0f ms, %d × 429",
                    run.events(), secs, run.rate(), bodies.size() / secs, run.percentileMs(50), run.percentileMs(99), run.tooMany());
            return run;
        } finally {
            server.close();
            IngestBenchmark.deleteTree(data);
        }
    }

    private static long number(Pattern p, String body) {
        Matcher m = p.matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static long retryAfterMillis(String header) {
        if (header != null) {
            try {
                return Math.max(100, Math.min(60_000, Long.parseLong(header.strip()) * 1000));
            } catch (NumberFormatException ignored) {
                // an HTTP date: the default
            }
        }
        return 1000;
    }

    private static double load() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String render(List<Run> runs, long requested, long lines, List<Double> loads) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("Ingest load benchmark, %s, %,d requested (%,d simulated Tetragon lines), %d cores, JDK %s, "
                        + "1-min load average %s at the start of each row and at the end%n%n",
                Instant.now(), requested, lines, Runtime.getRuntime().availableProcessors(), Runtime.version(),
                loads.stream().map(l -> String.format("%.1f", l)).toList()));
        b.append("| path | batch (lines) | clients | events | seconds | events/s acknowledged | requests/s | p50 ms | p95 ms | p99 ms | 429s | note |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Run r : runs) {
            boolean h = r.latencies() != null;
            b.append(String.format("| %s | %s | %s | %,d | %.1f | %,.0f | %s | %s | %s | %s | %s | %s |%n", r.system(), r.batch(), r.clients(),
                    r.events(), r.seconds(), r.rate(), h ? String.format("%.1f", r.requests() / r.seconds()) : "-",
                    h ? String.format("%.0f", r.percentileMs(50)) : "-", h ? String.format("%.0f", r.percentileMs(95)) : "-",
                    h ? String.format("%.0f", r.percentileMs(99)) : "-", h ? String.valueOf(r.tooMany()) : "-", r.note()));
        }
        return b.toString();
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(s -> Integer.parseInt(s.strip())).toArray();
    }

    private IngestLoadBenchmark() {
    }
}
