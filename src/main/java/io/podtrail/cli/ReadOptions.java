package io.podtrail.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;

/** The options every command that lists events shares, with kubectl's habits: --since, --from, --to, --limit, -o. */
final class ReadOptions {

    enum Output { table, json, csv }

    @Mixin
    TimeRange range;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "Maximum number of results (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Output output;

    /** Lower bound in ns, or null. */
    Long fromNs(Instant now) {
        return range.fromNs(now);
    }

    /** Upper bound in ns, or null. */
    Long toNs() {
        return range.toNs();
    }
}
