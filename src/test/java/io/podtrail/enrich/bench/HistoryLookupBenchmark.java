package io.podtrail.enrich.bench;

import io.podtrail.enrich.ClusterHistory;
import io.podtrail.enrich.ContainerInfo;
import io.podtrail.enrich.HistoryEnricher;
import io.podtrail.enrich.HistoryRecord;
import io.podtrail.enrich.HistoryRecord.Kind;
import io.podtrail.enrich.PodInfo;
import io.podtrail.enrich.PodtrailConfig;
import io.podtrail.enrich.Ref;
import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * History lookups per second on one thread, with {@value #PODS} pods of history: pods of {@value #DEPLOYMENTS}
 * Deployments (each through a ReplicaSet) replaced over time, so pod IPs are reused (about four pods per IP over
 * the window) and a quarter of the containers restarted once. Queries are random (seeded) over all pods, at a
 * time inside the pod's life, so each lookup misses the CPU caches the way a stream of events from a busy
 * cluster would.
 *
 * <ul>
 *   <li>{@code podByIp}: one keyed lookup (IP at t → pod).</li>
 *   <li>{@code containerToWorkload}: container ID at t → pod → ReplicaSet → Deployment (four lookups).</li>
 *   <li>{@code enrichConnect}: the whole {@link HistoryEnricher#enrich} of a connect event (container chain and
 *       the peer IP).</li>
 * </ul>
 * Each benchmark method does {@value #BATCH} queries per invocation: the scores are queries per second.
 *
 * <p>Run: {@code JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 ./mvnw -q test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test && $JAVA_HOME/bin/java -cp
 * target/test-classes:target/classes:$(cat target/test-cp.txt) io.podtrail.enrich.bench.HistoryLookupBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:+UseParallelGC"})
@Threads(1)
public class HistoryLookupBenchmark {

    static final int PODS = 100_000;
    static final int DEPLOYMENTS = 2_000;
    static final int IPS = 25_000;
    static final int BATCH = 1024;
    static final long S = 1_000_000_000L;
    static final String CLUSTER = "bench";

    private ClusterHistory history;
    private HistoryEnricher enricher;
    private String[] containerIds;
    private String[] ips;
    private long[] times;
    private Event[] events;
    private int next;
    /** The hand-written alternative: IP -> its pods' {from, to, pod} intervals, scanned in order. */
    private final java.util.HashMap<String, java.util.ArrayList<long[]>> naiveByIp = new java.util.HashMap<>();

    @Setup
    public void setup() {
        history = build();
        enricher = new HistoryEnricher(history, new PodtrailConfig(CLUSTER, List.of(), List.of("10.96.0.0/12"),
                List.of(), List.of(), Duration.ofHours(24)));
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 1 << 16;
        containerIds = new String[n];
        ips = new String[n];
        times = new long[n];
        events = new Event[n];
        for (int i = 0; i < n; i++) {
            int pod = rnd.nextInt(PODS);
            long t = podStart(pod) + 1 + rnd.nextLong(podLife() - 2 * S);
            containerIds[i] = containerId(pod, t >= podStart(pod) + podLife() / 2 && pod % 4 == 0 ? 1 : 0);
            ips[i] = ip(rnd.nextInt(PODS));
            times[i] = t;
            events[i] = new Event().kind(EventKind.NETWORK_CONNECT).set(Fields.TIME, t)
                    .set(Fields.CONTAINER_ID, containerIds[i].substring(0, 12)).set(Fields.FD_SIP, ip(pod));
        }
        for (int pod = 0; pod < PODS; pod++) {
            naiveByIp.computeIfAbsent(ip(pod), k -> new java.util.ArrayList<>()).add(new long[] {podStart(pod), podStart(pod) + podLife(), pod});
        }
        // sanity: every query resolves
        for (int i = 0; i < 1000; i++) {
            ContainerInfo c = history.container(CLUSTER, containerIds[i], times[i]);
            if (c == null || history.pod(CLUSTER, c.podUid(), times[i]) == null) {
                throw new IllegalStateException("query " + i + " does not resolve");
            }
        }
    }

    /** Pod i: created at i seconds, lives 4 * PODS / IPS ... about 4 generations per IP over the window. */
    static long podStart(int pod) {
        return 1_700_000_000L * S + (long) pod * S;
    }

    static long podLife() {
        return (long) IPS * S; // the next pod with the same IP (pod + IPS) starts when this one ends
    }

    static String ip(int pod) {
        int host = pod % IPS;
        return "10.244." + (host >>> 8) + "." + (host & 255);
    }

    static String containerId(int pod, int restart) {
        return String.format("%08x%04x", pod, restart) + "0".repeat(52);
    }

    static ClusterHistory build() {
        ClusterHistory h = new ClusterHistory();
        for (int d = 0; d < DEPLOYMENTS; d++) {
            h.apply(new HistoryRecord(Kind.OWNER, CLUSTER, "dep-" + d,
                    Map.of("kind", "Deployment", "ns", "ns" + (d % 50), "name", "app" + d), 0, HistoryRecord.OPEN));
            h.apply(new HistoryRecord(Kind.OWNER, CLUSTER, "rs-" + d, Map.of("kind", "ReplicaSet", "ns", "ns" + (d % 50),
                    "name", "app" + d + "-6b7c", "ownerKind", "Deployment", "ownerName", "app" + d, "ownerUid", "dep-" + d),
                    0, HistoryRecord.OPEN));
        }
        for (int pod = 0; pod < PODS; pod++) {
            int d = pod % DEPLOYMENTS;
            String uid = "pod-" + pod;
            String name = "app" + d + "-6b7c-" + pod;
            long from = podStart(pod);
            long to = from + podLife();
            Map<String, String> p = new TreeMap<>(Map.of("ns", "ns" + (d % 50), "name", name, "node", "node" + (pod % 200),
                    "ownerKind", "ReplicaSet", "ownerName", "app" + d + "-6b7c", "ownerUid", "rs-" + d,
                    "label.app", "app" + d, "label.pod-template-hash", "6b7c"));
            h.apply(new HistoryRecord(Kind.POD, CLUSTER, uid, p, from, to));
            h.apply(new HistoryRecord(Kind.POD_NAME, CLUSTER, "ns" + (d % 50) + "/" + name, Map.of("uid", uid), from, to));
            h.apply(new HistoryRecord(Kind.POD_IP, CLUSTER, ip(pod), Map.of("uid", uid, "ns", "ns" + (d % 50), "name", name), from, to));
            Map<String, String> c = Map.of("podUid", uid, "name", "app", "image", "registry/app" + d + ":1");
            if (pod % 4 == 0) {
                long mid = from + podLife() / 2;
                h.apply(new HistoryRecord(Kind.CONTAINER, CLUSTER, containerId(pod, 0), c, from, mid));
                h.apply(new HistoryRecord(Kind.CONTAINER, CLUSTER, containerId(pod, 1), c, mid, to));
            } else {
                h.apply(new HistoryRecord(Kind.CONTAINER, CLUSTER, containerId(pod, 0), c, from, to));
            }
        }
        return h;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void podByIp(Blackhole bh) {
        int i = next;
        for (int k = 0; k < BATCH; k++) {
            int j = (i + k) & (ips.length - 1);
            Ref r = history.podByIp(CLUSTER, ips[j], times[j]);
            bh.consume(r);
        }
        next = (i + BATCH) & (ips.length - 1);
    }

    /** Baseline for podByIp: a HashMap of interval lists, as one would write it without a history structure. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void podByIpNaiveMapBaseline(Blackhole bh) {
        int i = next;
        for (int k = 0; k < BATCH; k++) {
            int j = (i + k) & (ips.length - 1);
            long t = times[j];
            long found = -1;
            java.util.ArrayList<long[]> list = naiveByIp.get(ips[j]);
            if (list != null) {
                for (long[] iv : list) {
                    if (iv[0] <= t && t < iv[1]) {
                        found = iv[2];
                        break;
                    }
                }
            }
            bh.consume(found);
        }
        next = (i + BATCH) & (ips.length - 1);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void containerToWorkload(Blackhole bh) {
        int i = next;
        for (int k = 0; k < BATCH; k++) {
            int j = (i + k) & (containerIds.length - 1);
            long t = times[j];
            ContainerInfo c = history.container(CLUSTER, containerIds[j], t);
            PodInfo p = history.pod(CLUSTER, c.podUid(), t);
            bh.consume(history.workload(CLUSTER, p, t));
        }
        next = (i + BATCH) & (containerIds.length - 1);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void enrichConnect(Blackhole bh) {
        int i = next;
        for (int k = 0; k < BATCH; k++) {
            Event e = events[(i + k) & (events.length - 1)];
            enricher.enrich(e);
            bh.consume(e);
        }
        next = (i + BATCH) & (events.length - 1);
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder()
                .include(HistoryLookupBenchmark.class.getSimpleName() + (args.length > 0 ? "." + args[0] : ""))
                .build()).run();
    }
}
