package io.podtrail.cli;

import io.podtrail.simulate.ClusterSimulator;
import io.podtrail.simulate.SimulationConfig;
import io.podtrail.simulate.Story;
import io.podtrail.simulate.Truth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code podtrail simulate}: a realistic cluster's activity in the real sensor formats, with its ground truth. */
@Command(name = "simulate", description = {
        "Write a simulated cluster's activity: DIR/tetragon.jsonl (Tetragon JSON export), DIR/k8s-audit.jsonl",
        "(API server audit log), DIR/truth.json (what the incident stories did) and DIR/snapshot.json (the cluster's",
        "objects at the end of the window, as kubectl get -A -o json prints them). Deterministic for a seed."})
final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--nodes", defaultValue = "3", description = "Worker nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--minutes", defaultValue = "60", description = "Length of the simulated window (default: ${DEFAULT-VALUE}).")
    long minutes;

    @Option(names = "--rate", defaultValue = "200", paramLabel = "EVENTS_PER_S",
            description = "Background sensor events per simulated second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--start", paramLabel = "TIME", description = "Start of the window, RFC 3339 (default: now minus --minutes).")
    String start;

    @Option(names = "--sensor", defaultValue = "tetragon", description = "Sensor format: tetragon (default).")
    String sensor;

    @Option(names = "--stories", split = ",", paramLabel = "STORY,...",
            description = "Incident stories to embed (default: all): ${COMPLETION-CANDIDATES}, or none.")
    List<String> stories;

    @Override
    public Integer call() throws Exception {
        if (!"tetragon".equals(sensor)) {
            throw new IllegalArgumentException("--sensor " + sensor + ": only tetragon output is available in this version");
        }
        Instant from = start != null ? Instant.parse(start) : Instant.now().minus(Duration.ofMinutes(minutes));
        SimulationConfig config = new SimulationConfig(seed, nodes, from, Duration.ofMinutes(minutes), rate, parseStories(stories));
        long t0 = System.nanoTime();
        Truth truth = new ClusterSimulator(config).write(out);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("wrote %,d Tetragon events and %,d audit events to %s in %.1f s%n",
                truth.counts().tetragonLines(), truth.counts().auditLines(), out, secs);
        System.out.println("ground truth of the stories: " + out.resolve("truth.json"));
        return 0;
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
