package io.podtrail.cli;

import io.podtrail.query.TimeBounds;
import picocli.CommandLine.Option;

import java.time.Instant;

/** The time range options of every reading command: --since, --from, --to (parsed by {@link TimeBounds}). */
final class TimeRange {

    @Option(names = "--since", paramLabel = "DURATION",
            description = "Only events newer than this, relative to now: 90s, 15m, 1h, 7d, 2w.")
    String since;

    @Option(names = "--from", paramLabel = "TIME",
            description = "Start of the time range (inclusive): RFC 3339 (2026-11-27T10:00:00Z), a date (2026-11-27), or ns since the epoch.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "End of the time range (exclusive), same forms as --from.")
    String to;

    /** Lower bound in ns, or null. */
    Long fromNs(Instant now) {
        if (since != null && from != null) {
            throw new IllegalArgumentException("--since and --from cannot be combined");
        }
        if (since != null) {
            return TimeBounds.toNs(now.minus(TimeBounds.parseDuration("--since", since)));
        }
        return from == null ? null : TimeBounds.parseTime("--from", from);
    }

    /** Upper bound in ns, or null. */
    Long toNs() {
        return to == null ? null : TimeBounds.parseTime("--to", to);
    }
}
