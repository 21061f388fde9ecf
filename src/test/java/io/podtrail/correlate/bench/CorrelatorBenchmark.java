package io.podtrail.correlate.bench;

import io.podtrail.correlate.ProcessArchive;
import io.podtrail.correlate.SessionCorrelator;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Events per second through the correlator on one thread with {@value #LIVE} live processes (10 nodes, 1,000
 * pods), {@value #SESSIONS} of them the roots of matched exec sessions (their descendants inherit them). Each operation is one event of a
 * stream of short-lived processes: a child of a random live process is exec'd, connects, and exits (three
 * events per process), so the tables stay at their size while processes come and go (a 2 s retention of event
 * time; the clock advances 1 ms per process).
 *
 * <ul>
 *   <li>{@code correlator}: {@link SessionCorrelator#accept} (process table, ancestry, session fields on the
 *       event, eviction).</li>
 *   <li>{@code parentMapBaseline}: what a script would do instead: a map exec_id → parent exec_id and a map of
 *       attributed exec_ids, walking up to the first attributed ancestor per event (no ancestry names, no
 *       eviction by retention, no fields set).</li>
 * </ul>
 *
 * <p>Run: {@code JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 ./mvnw -q test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test && $JAVA_HOME/bin/java -cp
 * target/test-classes:target/classes:$(cat target/test-cp.txt) io.podtrail.correlate.bench.CorrelatorBenchmark}
 * ({@code ... CorrelatorBenchmark memory} prints the bytes per live process instead).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
@Threads(1)
public class CorrelatorBenchmark {

    static final int LIVE = 100_000;
    static final int SESSIONS = 1_000;
    static final int NODES = 10;
    static final int PODS = 1_000;
    static final int RING = 60_000;
    static final int BATCH = 3_000;
    static final long T0 = 1_800_000_000_000_000_000L;

    private SessionCorrelator correlator;
    private final Map<String, String> parentOf = new HashMap<>();
    private final Map<String, String> sessionOf = new HashMap<>();
    private Event[] ring;
    private int next;
    private long clock;

    @Setup
    public void setup() {
        correlator = new SessionCorrelator(new SessionCorrelator.Config(Duration.ofSeconds(30), Duration.ofSeconds(2),
                Duration.ofMinutes(2), 1_000_000, Duration.ZERO), ProcessArchive.NONE);
        List<Event> base = population(LIVE, SESSIONS);
        for (Event e : base) {
            correlator.accept(e);
            baseline(e);
        }
        correlator.drain();
        clock = T0 + 10_000_000_000L;
        ring = stream(base, RING);
    }

    /** The live population: per node a runtime shim, then processes of pods, some of them exec sessions' roots. */
    static List<Event> population(int live, int sessions) {
        SplittableRandom rnd = new SplittableRandom(42);
        List<Event> out = new ArrayList<>(live + sessions * 3);
        List<List<String>> byNode = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
            byNode.add(new ArrayList<>());
        }
        for (int s = 0; s < sessions; s++) {
            int pod = s % PODS;
            String id = "audit-" + s;
            out.add(request(id, pod));
        }
        for (int i = 0; i < live; i++) {
            int pod = i % PODS;
            int node = pod % NODES;
            List<String> mine = byNode.get(node);
            String exec = "p-" + i;
            Event e;
            if (i < sessions) {
                e = process(EventKind.PROCESS_EXEC, exec, "shim-" + node, "containerd-shim-runc-v2", "/bin/bash", "", node, i % PODS, T0 + i);
            } else if (mine.isEmpty() || rnd.nextInt(10) == 0) {
                e = process(EventKind.PROCESS_EXEC, exec, "shim-" + node, "containerd-shim-runc-v2", "/usr/bin/app", "--serve", node, pod, T0 + i);
            } else {
                String parent = mine.get(rnd.nextInt(mine.size()));
                e = process(EventKind.PROCESS_EXEC, exec, parent, "app", "/usr/bin/worker", "-n " + i, node, pod, T0 + i);
            }
            mine.add(exec);
            out.add(e);
        }
        return out;
    }

    /** Short-lived children of random live processes: exec, connect, exit each. */
    static Event[] stream(List<Event> base, int processes) {
        SplittableRandom rnd = new SplittableRandom(7);
        Event[] out = new Event[processes * 3];
        List<Event> parents = base.stream().filter(e -> e.kind() == EventKind.PROCESS_EXEC).toList();
        for (int i = 0; i < processes; i++) {
            Event p = parents.get(rnd.nextInt(parents.size()));
            int node = Integer.parseInt(p.getString(Fields.HOSTNAME).substring(5));
            int pod = Integer.parseInt(p.getString(Fields.K8S_POD_NAME).substring(4));
            Event exec = process(EventKind.PROCESS_EXEC, "s-" + i, p.getString(Fields.PROC_EXEC_ID), p.getString(Fields.PROC_NAME),
                    "/usr/bin/curl", "-s http://10.96.0." + (i % 250) + "/", node, pod, 0);
            Event conn = exec.copy().kind(EventKind.NETWORK_CONNECT).set(Fields.TYPE, "connect")
                    .set(Fields.FD_SIP, "10.96.0." + (i % 250)).set(Fields.FD_SPORT, 80L);
            Event exit = exec.copy().kind(EventKind.PROCESS_EXIT).set(Fields.TYPE, "procexit");
            out[3 * i] = exec;
            out[3 * i + 1] = conn;
            out[3 * i + 2] = exit;
        }
        return out;
    }

    static Event process(EventKind kind, String exec, String parent, String parentName, String binary, String args,
                         int node, int pod, long t) {
        Event e = new Event().kind(kind);
        e.set(Fields.ID, (long) exec.hashCode());
        e.set(Fields.TIME, t);
        e.set(Fields.TYPE, "execve");
        e.set(Fields.HOSTNAME, "node-" + node);
        e.set(Fields.K8S_NS_NAME, "ns-" + pod % 20);
        e.set(Fields.K8S_POD_NAME, "pod-" + pod);
        e.set(Fields.CONTAINER_NAME, "app");
        e.set(Fields.CONTAINER_ID, String.format("%012x", pod));
        e.set(Fields.PROC_EXEC_ID, exec);
        e.set(Fields.PROC_PEXEC_ID, parent);
        e.set(Fields.PROC_PNAME, parentName);
        e.set(Fields.PROC_EXEPATH, binary);
        e.set(Fields.PROC_NAME, binary.substring(binary.lastIndexOf('/') + 1));
        e.set(Fields.PROC_ARGS, args);
        e.set(Fields.PROC_PID_TS, t);
        return e;
    }

    static Event request(String auditId, int pod) {
        Event e = new Event().kind(EventKind.K8S_API);
        e.set(Fields.ID, (long) auditId.hashCode());
        e.set(Fields.TIME, T0);
        e.set(Fields.KA_AUDITID, auditId);
        e.set(Fields.KA_STAGE, "ResponseStarted");
        e.set(Fields.KA_VERB, "get");
        e.set(Fields.KA_URI, "/api/v1/namespaces/ns-" + pod % 20 + "/pods/pod-" + pod + "/exec?command=bash&container=app&tty=true");
        e.set(Fields.KA_USER_NAME, "user-" + auditId);
        e.set(Fields.KA_TARGET_RESOURCE, "pods");
        e.set(Fields.KA_TARGET_SUBRESOURCE, "exec");
        e.set(Fields.KA_TARGET_NAMESPACE, "ns-" + pod % 20);
        e.set(Fields.KA_TARGET_NAME, "pod-" + pod);
        e.set(Fields.KA_RESPONSE_CODE, 101L);
        return e;
    }

    private Event nextEvent() {
        Event e = ring[next];
        next = next + 1 == ring.length ? 0 : next + 1;
        if (e.kind() == EventKind.PROCESS_EXEC) {
            clock += 1_000_000;
            e.set(Fields.PROC_PID_TS, clock);
        }
        e.set(Fields.TIME, clock);
        return e;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void correlator(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            Event e = nextEvent();
            correlator.accept(e);
            bh.consume(e.get(Fields.SESSION_ID));
        }
        bh.consume(correlator.drain());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void parentMapBaseline(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            bh.consume(baseline(nextEvent()));
        }
    }

    /** The script's way: remember parents, look the session up the chain, forget at exit. */
    private String baseline(Event e) {
        String exec = e.getString(Fields.PROC_EXEC_ID);
        if (exec == null) {
            return null;
        }
        if (e.kind() == EventKind.PROCESS_EXEC) {
            parentOf.put(exec, e.getString(Fields.PROC_PEXEC_ID));
            if ("containerd-shim-runc-v2".equals(e.getString(Fields.PROC_PNAME)) && "bash".equals(e.getString(Fields.PROC_NAME))) {
                sessionOf.put(exec, "session-of-" + exec);
            }
        }
        String s = null;
        for (String p = exec; p != null && s == null; p = parentOf.get(p)) {
            s = sessionOf.get(p);
        }
        if (e.kind() == EventKind.PROCESS_EXIT) {
            parentOf.remove(exec);
        }
        return s;
    }

    public static void main(String[] args) throws RunnerException {
        if (args.length > 0 && args[0].equals("memory")) {
            memory();
            return;
        }
        new Runner(new OptionsBuilder().include(CorrelatorBenchmark.class.getSimpleName()).build()).run();
    }

    /** Heap held by the correlator per live process (strings of the processes included), after a full GC. */
    static void memory() {
        Runtime rt = Runtime.getRuntime();
        long before = used(rt);
        SessionCorrelator c = new SessionCorrelator(SessionCorrelator.Config.defaults(), ProcessArchive.NONE);
        List<Event> base = population(LIVE, SESSIONS);
        for (Event e : base) {
            c.accept(e);
        }
        c.drain();
        base = null;
        long after = used(rt);
        System.out.printf("live processes: %,d  heap held: %,d bytes  per live process: %.0f bytes%n",
                c.stats().liveProcesses(), after - before, (after - before) / (double) c.stats().liveProcesses());
        System.out.println(c.stats());
    }

    private static long used(Runtime rt) {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
