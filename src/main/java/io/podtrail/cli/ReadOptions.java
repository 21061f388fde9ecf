package io.podtrail.cli;

import io.podtrail.query.TimeBounds;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;

/** The options every reading command shares, with kubectl's habits: --since, --from, --to, --limit, -o. */
final class ReadOptions {

    enum Output { table, json, csv }

    @Option(names = "--since", paramLabel = "DURATION",
            description = "Only events newer than this, relative to now: 90s, 15m, 1h, 7d, 2w.")
    String since;

    @Option(names = "--from", paramLabel = "TIME",
            description = "Start of the time range (inclusive): RFC 3339 (2026-11-27T10:00:00Z), a date (2026-11-27), or ns since the epoch.")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "End of the time range (exclusive), same forms as --from.")
    String to;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "Maximum number of results (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Output output;

    /** Lower bound in ns, or null. */
    Long fromNs(Instant now) {
        if (since != null && from != null) {
            throw new IllegalArgumentException("--since and --from cannot be combined");
        }
        if (since != null) {
            return toNs(now.minus(parseDuration(since)));
        }
        return from == null ? null : parseTime("--from", from);
    }

    /** Upper bound in ns, or null. */
    Long toNs() {
        return to == null ? null : parseTime("--to", to);
    }

    static Duration parseDuration(String text) {
        return TimeBounds.parseDuration("--since", text);
    }

    static long parseTime(String option, String text) {
        return TimeBounds.parseTime(option, text);
    }

    static long toNs(Instant i) {
        return TimeBounds.toNs(i);
    }
}
