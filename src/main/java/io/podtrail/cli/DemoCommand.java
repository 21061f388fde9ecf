package io.podtrail.cli;

import io.podtrail.correlate.SessionRecord;
import io.podtrail.event.Event;
import io.podtrail.event.Fields;
import io.podtrail.query.EventQuery;
import io.podtrail.server.PodtrailServer;
import io.podtrail.server.ServerConfig;
import io.podtrail.server.TokenStore;
import io.podtrail.simulate.ClusterSimulator;
import io.podtrail.simulate.IngestClient;
import io.podtrail.simulate.LiveStream;
import io.podtrail.simulate.SimulationConfig;
import io.podtrail.simulate.Story;
import io.podtrail.simulate.Truth;
import io.podtrail.store.EventStore;
import io.podtrail.store.SessionQuery;
import io.podtrail.store.SessionSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * {@code podtrail demo}: starts a server, sends it an hour of a small simulated cluster with the incident stories
 * through the real ingest endpoints, answers the three questions of the product brief from the server's trail
 * (read in-process through {@link PodtrailServer#store()}), then keeps a live trickle going until Ctrl-C.
 */
@Command(name = "demo", description = {
        "Start a Podtrail server on 127.0.0.1 (port 7070, or a free one) over a fresh data directory, send it a",
        "simulated hour of a 3-node cluster with incident stories through its ingest API, and answer:",
        "  1. outbound connections from the billing namespace to unknown destinations",
        "  2. everything a kubectl exec session did inside the pod",
        "  3. every tcpdump execution on a host or in a deployment",
        "Then, without --exit, keep a trickle of live activity going until Ctrl-C."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory for the demo trail (default: a new temporary directory).")
    Path data;

    @Option(names = "--seed", defaultValue = "7", description = "Simulation seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--exit", description = "Exit after printing the answers (for scripts and CI).")
    boolean exit;

    private final PrintWriter out = new PrintWriter(System.out, true);

    /** Background Tetragon lines per simulated second of the demo's hour (about 360,000 in all). */
    static final double RATE = 100;
    /** Background Tetragon lines per second of the live trickle after the answers. */
    static final double TRICKLE_RATE = 20;
    static final int CHUNK_LINES = 5_000;
    static final int CONCURRENT_REQUESTS = 2;

    /** Kept referenced: java.util.logging holds loggers weakly, and a collected one forgets its level. */
    private static final java.util.logging.Logger HELIDON_LOG = java.util.logging.Logger.getLogger("io.helidon");

    @Override
    public Integer call() throws Exception {
        HELIDON_LOG.setLevel(java.util.logging.Level.WARNING); // the server's start/stop lines would bury the answers
        long t0 = System.nanoTime();
        Path dir = data != null ? data : Files.createTempDirectory("podtrail-demo-");
        Files.createDirectories(dir);
        Path sim = dir.resolve("simulated");
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        SimulationConfig config = new SimulationConfig(seed, 3, end.minus(Duration.ofHours(1)), Duration.ofHours(1), RATE,
                EnumSet.allOf(Story.class));
        out.println("Simulating one hour of a 3-node cluster (seed " + seed + ") into " + sim + " ...");
        Truth truth = new ClusterSimulator(config).write(sim);
        out.printf("  %,d Tetragon events, %,d Kubernetes audit events%n", truth.counts().tetragonLines(), truth.counts().auditLines());

        // The simulated cluster's service range is not discoverable from its objects (as in a real cluster):
        // say it in podtrail.yaml, with the destinations the cluster's operators trust.
        Files.writeString(dir.resolve("podtrail.yaml"), "cluster:\n  name: demo\n  serviceCidrs: [10.96.0.0/12]\n"
                + "trusted:\n  cidrs: [" + String.join(", ", truth.trustedCidrs()) + "]\n");
        PodtrailServer server = startServer(dir);
        boolean handedOver = false;
        try {
            server.context().loadSnapshot(sim.resolve("snapshot.json"));
            Path tokenFile = dir.resolve(TokenStore.ADMIN_TOKEN_FILE);
            if (!Files.exists(tokenFile)) {
                throw new IllegalArgumentException(dir + " already has tokens but no " + TokenStore.ADMIN_TOKEN_FILE
                        + ": run the demo on a fresh --data directory");
            }
            String token = Files.readString(tokenFile).strip();
            IngestClient client = new IngestClient(server.url(), token);
            out.println("Started the server on " + server.url() + " (data " + dir + "); sending the hour through its ingest API ...");
            long tetragon = post(sim.resolve("tetragon.jsonl"), lines -> client.postTetragon(String.join("\n", lines) + "\n"));
            long audit = post(sim.resolve("k8s-audit.jsonl"), client::postAudit);
            out.printf("  accepted %,d Tetragon and %,d audit events; %,d events in the trail (audit stages merged into their requests)%n",
                    tetragon, audit, server.store().count());
            out.printf("  ready in %.1f s%n%n", (System.nanoTime() - t0) / 1e9);

            out.println("web UI: " + server.url() + "/   (sign in with the admin token)");
            out.println("  admin token: " + token + "   (in " + tokenFile + ")");
            out.println("  API: " + server.url() + "/api/v1/events");
            out.println("  curl -s -H 'Authorization: Bearer " + token + "' '" + server.url()
                    + "/api/v1/events?filter=proc.name%20%3D%20tcpdump&limit=5'");
            out.println();

            // The answers read the server's trail in this process (PodtrailServer.store()), not over HTTP.
            EventStore store = server.store();
            question1(store);
            question2(store);
            question3(store);

            out.printf("Try it yourself (while the demo runs; --exit stops the server now):%n  ./podtrail query --server %s --token %s 'proc.name = tcpdump'%n",
                    server.url(), token);
            out.printf("  ./podtrail query --server %s --token %s -o json --limit 5 'k8s.ns.name = billing and evt.type = connect'%n",
                    server.url(), token);
            out.printf("%ndemo took %.1f s%n", (System.nanoTime() - t0) / 1e9);
            if (exit) {
                return 0;
            }
            out.printf("%nWeb UI: %s/  (sign in with the admin token %s)%n", server.url(), token);
            trickle(server, client);
            handedOver = true;
            return 0;
        } finally {
            if (!handedOver) {
                server.close();
            }
        }
    }

    /** 127.0.0.1:7070, or a free port when 7070 is taken. */
    private static PodtrailServer startServer(Path dir) {
        ServerConfig c = ServerConfig.defaults(dir);
        try {
            return PodtrailServer.start(c);
        } catch (RuntimeException e) {
            return PodtrailServer.start(c.withListen("127.0.0.1:0"));
        }
    }

    interface Send {
        long send(List<String> lines) throws IOException, InterruptedException;
    }

    /** Sends a file in chunks of {@link #CHUNK_LINES} lines, {@link #CONCURRENT_REQUESTS} requests at a time. */
    private static long post(Path file, Send send) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT_REQUESTS);
        Semaphore inFlight = new Semaphore(CONCURRENT_REQUESTS);
        List<Future<Long>> sent = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<String> chunk = new ArrayList<>(CHUNK_LINES);
            String line;
            while (true) {
                line = in.readLine();
                if (line != null && !line.isBlank()) {
                    chunk.add(line);
                }
                if (chunk.size() >= CHUNK_LINES || (line == null && !chunk.isEmpty())) {
                    List<String> c = chunk;
                    chunk = new ArrayList<>(CHUNK_LINES);
                    inFlight.acquire();
                    sent.add(pool.submit(() -> {
                        try {
                            return send.send(c);
                        } finally {
                            inFlight.release();
                        }
                    }));
                }
                if (line == null) {
                    break;
                }
            }
            long accepted = 0;
            for (Future<Long> f : sent) {
                try {
                    accepted += f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
            return accepted;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Keeps a little live activity going (no stories) until Ctrl-C, which stops it and the server. */
    private void trickle(PodtrailServer server, IngestClient client) throws InterruptedException {
        LiveStream live = new LiveStream(client, seed, 3, TRICKLE_RATE, EnumSet.noneOf(Story.class), null);
        Thread worker = new Thread(() -> {
            try {
                live.run();
            } catch (Exception e) {
                out.println("live activity stopped: " + e.getMessage());
            }
        }, "podtrail-demo-trickle");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            live.stop();
            try {
                worker.join(10_000);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
            server.close();
            out.printf("%nstopped: sent %,d live Tetragon and %,d audit events; the trail stays in %s%n",
                    live.tetragonSent(), live.auditSent(), server.config().dataDir());
            stopped.countDown();
        }, "podtrail-demo-shutdown"));
        worker.start();
        out.printf("%nLive: a simulated trickle of %.0f events/s keeps arriving through the ingest API. Ctrl-C stops it and the server.%n",
                TRICKLE_RATE);
        stopped.await();
    }

    private void question1(EventStore store) {
        String filter = "k8s.ns.name = billing and evt.type = connect and peer.known = false";
        heading("1. Outbound connections from namespace billing to unknown destinations",
                "not a pod, service or node of the cluster at that time, nor a trusted network", filter);
        List<Event> events = all(store, filter);
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("TIME", "WORKLOAD", "POD", "PROCESS", "DESTINATION"));
        for (Event e : events.reversed()) {
            rows.add(List.of(EventPrinter.formatTime(e.time()), s(e, Fields.K8S_WORKLOAD_KIND) + "/" + s(e, Fields.K8S_WORKLOAD_NAME),
                    s(e, Fields.K8S_POD_NAME), s(e, Fields.PROC_CMDLINE),
                    s(e, Fields.FD_SIP) + ":" + e.getLong(Fields.FD_SPORT) + " (" + s(e, Fields.PEER_KIND) + ")"));
        }
        print(rows, events.size());
    }

    private void question2(EventStore store) {
        heading("2. kubectl exec sessions and everything they did inside the pod",
                "each session's request, then every command and connection of the process it started and its descendants,"
                        + " correlated by Podtrail; shells started outside the Kubernetes API too", "session.id exists");
        out.println("   podtrail sessions;  podtrail session ID");
        out.println();
        List<SessionSummary> sessions = new ArrayList<>(store.sessions(new SessionQuery("", null, null, 1000)));
        Collections.reverse(sessions);
        for (SessionSummary summary : sessions) {
            SessionRecord r = summary.session();
            if (SessionRecord.OUTSIDE_API.equals(r.kind())) {
                out.printf("%s  a shell started outside the Kubernetes API (no kubectl request) in %s/%s (container %s) on %s  [session %s]%n",
                        EventPrinter.formatTime(r.start()), r.namespace(), r.pod(), r.container(), r.node(), r.id());
            } else {
                Long code = r.responseCode();
                out.printf("%s  %s %s from %s: %s into %s/%s (container %s): %s -> %s  [session %s, %s]%n",
                        EventPrinter.formatTime(r.start()), r.userName(), r.userGroups(), r.sourceIp(), r.kind(), r.namespace(),
                        r.pod(), r.container() == null ? "default" : r.container(),
                        r.command() == null ? "" : String.join(" ", r.command()),
                        code == null ? "no response" : code == 101 ? "allowed (101)" : "DENIED (" + code + ")", r.id(), r.confidence());
            }
            List<Event> activity = all(store, "session.id = " + quote(r.id()) + " and (evt.type = execve or evt.type = connect)").reversed();
            for (Event e : activity) {
                String what = "execve".equals(s(e, Fields.TYPE))
                        ? "exec     " + s(e, Fields.PROC_CMDLINE)
                        : "connect  " + s(e, Fields.PROC_NAME) + " -> " + s(e, Fields.FD_SIP) + ":" + e.getLong(Fields.FD_SPORT)
                                + (Boolean.FALSE.equals(e.get(Fields.PEER_KNOWN)) ? "  (unknown destination)" : "");
                out.println("    " + EventPrinter.formatTime(e.time()) + "  " + what);
            }
            out.println();
        }
    }

    private void question3(EventStore store) {
        String filter = "proc.name = tcpdump and evt.type = execve";
        heading("3. Every tcpdump execution on a host or in a deployment",
                "narrow it with container.id = host, or k8s.deployment.name = netdebug", filter);
        List<Event> events = all(store, filter).reversed();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("TIME", "NODE", "WHERE", "WORKLOAD", "COMMAND"));
        for (Event e : events) {
            String cid = s(e, Fields.CONTAINER_ID);
            String where = "host".equals(cid) || cid.isEmpty() ? "host"
                    : s(e, Fields.K8S_NS_NAME) + "/" + s(e, Fields.K8S_POD_NAME) + " (" + s(e, Fields.CONTAINER_NAME) + ")";
            String workload = e.getString(Fields.K8S_WORKLOAD_NAME) == null ? "" : s(e, Fields.K8S_WORKLOAD_KIND) + "/" + s(e, Fields.K8S_WORKLOAD_NAME);
            rows.add(List.of(EventPrinter.formatTime(e.time()), s(e, Fields.HOSTNAME), where, workload, s(e, Fields.PROC_CMDLINE)));
        }
        print(rows, events.size());
    }

    private void heading(String title, String meaning, String filter) {
        out.println("== " + title);
        if (meaning != null) {
            out.println("   (" + meaning + ")");
        }
        out.println("   podtrail query '" + filter + "'");
        out.println();
    }

    private void print(List<List<String>> rows, int n) {
        TextTable.print(out, rows);
        out.println(n == 0 ? "(none)\n" : "");
    }

    private static List<Event> all(EventStore store, String filter) {
        List<Event> result = new ArrayList<>();
        String cursor = null;
        do {
            EventStore.EventPage page = store.query(new EventQuery(filter, null, null, 1000, cursor));
            result.addAll(page.events());
            cursor = page.nextCursor();
        } while (cursor != null);
        return result;
    }

    private static String quote(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String s(Event e, io.podtrail.event.Field f) {
        String v = e.getString(f);
        return v == null ? "" : v;
    }
}
