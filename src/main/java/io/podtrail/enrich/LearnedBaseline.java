package io.podtrail.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The learned baseline: the external destinations each workload contacted during its learning period (the
 * first {@code period} after Podtrail first saw the workload) are known afterwards. Kept in an append-only log,
 * {@code DATA/context/baseline.jsonl} (records {@code workload}, {@code destination} and {@code reset}), so it
 * survives restarts; {@code podtrail baseline list|reset} read and reset it. Thread-safe.
 */
public final class LearnedBaseline implements DestinationBaseline, AutoCloseable {

    public static final String FILE = "context/baseline.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A workload: cluster, namespace and top-level owner name. */
    public record Workload(String cluster, String namespace, String name) {
        @Override
        public String toString() {
            return cluster + ":" + namespace + "/" + name;
        }
    }

    /**
     * What was learned for one workload.
     *
     * @param firstSeen    when Podtrail first saw the workload (ns)
     * @param destinations the destination IPs learned
     */
    public record Entry(Workload workload, long firstSeen, long learningEnds, List<String> destinations) {
    }

    private static final class State {
        final AtomicLong firstSeen;
        final Set<String> ips = ConcurrentHashMap.newKeySet();

        State(long t) {
            firstSeen = new AtomicLong(t);
        }
    }

    private final Path file;
    private final long period;
    private final ConcurrentHashMap<Workload, State> states = new ConcurrentHashMap<>();
    private BufferedWriter out;

    private LearnedBaseline(Path file, Duration period) {
        this.file = file;
        this.period = period.toNanos();
    }

    /** Loads the baseline kept in {@code file} (created on the first write) with the given learning period. */
    public static LearnedBaseline open(Path file, Duration period) throws IOException {
        LearnedBaseline b = new LearnedBaseline(file, period);
        if (Files.isRegularFile(file)) {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode o;
                try {
                    o = JSON.readTree(line);
                } catch (IOException e) {
                    // a torn last line after a crash: the records before it are whole
                    System.err.println("podtrail: " + file + ":" + n + ": unreadable baseline record skipped");
                    continue;
                }
                b.replay(o);
            }
        }
        return b;
    }

    private void replay(JsonNode o) {
        Workload w = new Workload(o.path("cluster").asText(), o.path("ns").asText(), o.path("workload").asText());
        switch (o.path("kind").asText()) {
            case "workload" -> states.computeIfAbsent(w, k -> new State(o.path("first_seen").asLong()))
                    .firstSeen.accumulateAndGet(o.path("first_seen").asLong(), Math::min);
            case "destination" -> states.computeIfAbsent(w, k -> new State(o.path("t").asLong())).ips.add(o.path("ip").asText());
            case "reset" -> states.remove(w);
            default -> { }
        }
    }

    @Override
    public void seen(String cluster, String ns, String workload, long t) {
        if (ns == null || workload == null) {
            return;
        }
        state(new Workload(cluster, ns, workload), t);
    }

    private State state(Workload w, long t) {
        State s = states.get(w);
        if (s == null) {
            State fresh = new State(t);
            s = states.putIfAbsent(w, fresh);
            if (s == null) {
                write(record("workload", w).put("first_seen", t));
                return fresh;
            }
        }
        if (t < s.firstSeen.get() && s.firstSeen.accumulateAndGet(t, Math::min) == t) {
            write(record("workload", w).put("first_seen", t)); // an earlier event arrived late
        }
        return s;
    }

    @Override
    public boolean learned(String cluster, String ns, String workload, String ip, Long port, long t) {
        if (ns == null || workload == null || ip == null) {
            return false;
        }
        Workload w = new Workload(cluster, ns, workload);
        State s = state(w, t);
        if (t < s.firstSeen.get() + period) {
            if (s.ips.add(ip)) {
                write(record("destination", w).put("ip", ip).put("t", t));
            }
            return true;
        }
        return s.ips.contains(ip);
    }

    /** What was learned, by workload. */
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        states.forEach((w, s) -> out.add(new Entry(w, s.firstSeen.get(), s.firstSeen.get() + period, List.copyOf(new TreeSet<>(s.ips)))));
        out.sort(Comparator.comparing((Entry e) -> e.workload().toString()));
        return out;
    }

    /**
     * Forgets the given workloads (all when null): they learn again from their next event. Returns how many.
     */
    public int reset(java.util.function.Predicate<Workload> which) {
        int n = 0;
        for (Workload w : new ArrayList<>(states.keySet())) {
            if (which == null || which.test(w)) {
                states.remove(w);
                write(record("reset", w));
                n++;
            }
        }
        flush();
        return n;
    }

    private ObjectNode record(String kind, Workload w) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", kind);
        o.put("cluster", w.cluster());
        o.put("ns", w.namespace());
        o.put("workload", w.name());
        return o;
    }

    private synchronized void write(ObjectNode o) {
        try {
            if (out == null) {
                Files.createDirectories(file.getParent());
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            out.write(JSON.writeValueAsString(o));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the learned baseline " + file, e);
        }
    }

    public synchronized void flush() {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the learned baseline " + file, e);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the learned baseline " + file, e);
            }
            out = null;
        }
    }
}
