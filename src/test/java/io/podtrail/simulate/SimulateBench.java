package io.podtrail.simulate;

import java.io.Writer;
import java.time.Duration;

/**
 * Throughput of the generator to a null writer (not a test). Run:
 * {@code java -cp target/classes:target/test-classes:$(deps) io.podtrail.simulate.SimulateBench [seconds-simulated]}
 */
public final class SimulateBench {
    public static void main(String[] args) {
        long simSeconds = args.length > 0 ? Long.parseLong(args[0]) : 3600;
        SimulationConfig cfg = SimulationConfig.defaults(42).withEventsPerSecond(2000)
                .withDuration(Duration.ofSeconds(simSeconds));
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            Truth t = new ClusterSimulator(cfg.withSeed(42 + round)).run(Writer.nullWriter(), Writer.nullWriter());
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("round %d: %,d tetragon + %,d audit lines in %.2f s = %,.0f tetragon lines/s%n", round,
                    t.counts().tetragonLines(), t.counts().auditLines(), secs, t.counts().tetragonLines() / secs);
        }
    }
}
