package io.podtrail.simulate;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What to simulate.
 *
 * @param seed            PRNG seed; the same config always yields the same bytes
 * @param nodes           number of worker nodes (1..250)
 * @param start           start of the simulated window
 * @param duration        length of the simulated window
 * @param eventsPerSecond target rate of background Tetragon lines per simulated second
 * @param stories         the stories to embed
 */
public record SimulationConfig(long seed, int nodes, Instant start, Duration duration, double eventsPerSecond,
                               Set<Story> stories) {

    public SimulationConfig {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(stories, "stories");
        if (nodes < 1 || nodes > 250) throw new IllegalArgumentException("nodes must be in 1..250: " + nodes);
        if (duration.isNegative() || duration.isZero()) throw new IllegalArgumentException("duration must be > 0");
        if (!(eventsPerSecond > 0)) throw new IllegalArgumentException("eventsPerSecond must be > 0");
        stories = stories.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(stories));
    }

    /** One hour of a 3-node cluster at 200 Tetragon lines/s with every story. */
    public static SimulationConfig defaults(long seed) {
        return new SimulationConfig(seed, 3, Instant.parse("2026-03-02T09:00:00Z"), Duration.ofHours(1), 200,
                EnumSet.allOf(Story.class));
    }

    public SimulationConfig withDuration(Duration d) {
        return new SimulationConfig(seed, nodes, start, d, eventsPerSecond, stories);
    }

    public SimulationConfig withEventsPerSecond(double eps) {
        return new SimulationConfig(seed, nodes, start, duration, eps, stories);
    }

    public SimulationConfig withStories(Set<Story> s) {
        return new SimulationConfig(seed, nodes, start, duration, eventsPerSecond, s);
    }

    public SimulationConfig withSeed(long s) {
        return new SimulationConfig(s, nodes, start, duration, eventsPerSecond, stories);
    }

    public SimulationConfig withNodes(int n) {
        return new SimulationConfig(seed, n, start, duration, eventsPerSecond, stories);
    }
}
