package io.podtrail.cli;

import io.podtrail.simulate.ClusterSimulator;
import io.podtrail.simulate.FalcoAlerts;
import io.podtrail.simulate.IngestClient;
import io.podtrail.simulate.LiveStream;
import io.podtrail.simulate.SimulationConfig;
import io.podtrail.simulate.Story;
import io.podtrail.simulate.Truth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code podtrail simulate}: a realistic cluster's activity in the real sensor formats, with its ground truth. */
@Command(name = "simulate", description = {
        "With --out: write a simulated cluster's activity: DIR/tetragon.jsonl (Tetragon JSON export), DIR/k8s-audit.jsonl",
        "(API server audit log), DIR/truth.json (what the incident stories did) and DIR/snapshot.json (the cluster's",
        "objects at the end of the window, as kubectl get -A -o json prints them). Deterministic for a seed.",
        "With --server: stream it live to a running server through its ingest endpoints, as the sensors and the API",
        "server's audit webhook would; the window starts now and advances in real time, until Ctrl-C or --minutes."})
final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--server", paramLabel = "URL", description = "Stream live to this Podtrail server (e.g. http://127.0.0.1:7070).")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Bearer token for --server: a sensor or admin token (default: $PODTRAIL_TOKEN).")
    String token;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--nodes", defaultValue = "3", description = "Worker nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--minutes", description = "Length of the simulated window (default: 60 with --out; with --server, until Ctrl-C).")
    Double minutes;

    @Option(names = "--rate", defaultValue = "200", paramLabel = "EVENTS_PER_S",
            description = "Background sensor events per simulated second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--start", paramLabel = "TIME", description = "Start of the window, RFC 3339 (default: now minus --minutes).")
    String start;

    @Option(names = "--sensor", defaultValue = "tetragon",
            description = "Sensor format of the activity: tetragon (DIR/tetragon.jsonl, default) or falco (DIR/falco.jsonl: the alerts of integrations/falco/'s catch-all rules).")
    String sensor;

    @Option(names = "--stories", split = ",", paramLabel = "STORY,...",
            description = "Incident stories to embed (default: all): ${COMPLETION-CANDIDATES}, or none.")
    List<String> stories;

    @Override
    public Integer call() throws Exception {
        if (!"tetragon".equals(sensor) && !"falco".equals(sensor)) {
            throw new IllegalArgumentException("--sensor " + sensor + ": expected tetragon or falco");
        }
        if ((out == null) == (server == null)) {
            throw new IllegalArgumentException("give either --out DIR (write files) or --server URL (stream live)");
        }
        if (server != null) {
            return stream();
        }
        Duration window = window(this.minutes != null ? this.minutes : 60);
        Instant from = start != null ? Instant.parse(start) : Instant.now().minus(window);
        SimulationConfig config = new SimulationConfig(seed, nodes, from, window, rate, parseStories(stories));
        long t0 = System.nanoTime();
        Truth truth = new ClusterSimulator(config).write(out);
        if ("falco".equals(sensor)) {
            Path tetragon = out.resolve("tetragon.jsonl");
            long alerts = FalcoAlerts.fromTetragon(tetragon, out.resolve("falco.jsonl"));
            Files.delete(tetragon);
            System.out.printf("wrote %,d Falco alerts and %,d audit events to %s in %.1f s%n",
                    alerts, truth.counts().auditLines(), out, (System.nanoTime() - t0) / 1e9);
        } else {
            System.out.printf("wrote %,d Tetragon events and %,d audit events to %s in %.1f s%n",
                    truth.counts().tetragonLines(), truth.counts().auditLines(), out, (System.nanoTime() - t0) / 1e9);
        }
        System.out.println("ground truth of the stories: " + out.resolve("truth.json"));
        return 0;
    }

    private int stream() throws Exception {
        String t = token != null ? token : System.getenv("PODTRAIL_TOKEN");
        if (t == null || t.isBlank()) {
            throw new IllegalArgumentException("--server needs a token: --token TOKEN or $PODTRAIL_TOKEN (podtrail token create --role sensor)");
        }
        if (start != null) {
            throw new IllegalArgumentException("--start does not apply to --server: a live stream starts now");
        }
        LiveStream live = new LiveStream(new IngestClient(server, t), seed, nodes, rate, parseStories(stories),
                minutes == null ? null : window(minutes), "falco".equals(sensor));
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Thread hook = new Thread(() -> {
            live.stop();
            try {
                done.await(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }, "podtrail-simulate-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.printf("streaming a simulated %d-node cluster (seed %d, %s events/s) to %s %s; Ctrl-C stops%n",
                nodes, seed, rate, server, minutes == null ? "until interrupted" : "for " + minutes + " min");
        System.out.flush();
        long t0 = System.nanoTime();
        try {
            live.run();
            // printed before the shutdown hook (Ctrl-C) lets the JVM exit
            System.out.printf("sent %,d %s and %,d audit events in %.1f s%n", live.tetragonSent(),
                    "falco".equals(sensor) ? "Falco alerts" : "Tetragon events", live.auditSent(), (System.nanoTime() - t0) / 1e9);
            System.out.flush();
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down: the hook is running
            }
        }
        return 0;
    }

    private static Duration window(double minutes) {
        if (!(minutes > 0)) {
            throw new IllegalArgumentException("--minutes must be > 0");
        }
        return Duration.ofMillis(Math.round(minutes * 60_000));
    }

    static EnumSet<Story> parseStories(List<String> names) {
        if (names == null || names.isEmpty()) {
            return EnumSet.allOf(Story.class);
        }
        EnumSet<Story> set = EnumSet.noneOf(Story.class);
        for (String n : names) {
            if (n.equalsIgnoreCase("none")) {
                continue;
            }
            try {
                set.add(Story.valueOf(n.trim().toUpperCase().replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--stories: unknown story '" + n + "' (known: "
                        + String.join(", ", EnumSet.allOf(Story.class).stream().map(Enum::name).toList()) + ", none)");
            }
        }
        return set;
    }
}
