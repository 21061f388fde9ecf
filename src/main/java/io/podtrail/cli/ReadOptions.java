package io.podtrail.cli;

import picocli.CommandLine.Option;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

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
        Matcher m = DURATION.matcher(text.trim());
        Duration d = Duration.ZERO;
        int pos = 0;
        while (m.find() && m.start() == pos) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            });
            pos = m.end();
        }
        if (pos == 0 || pos != text.trim().length()) {
            throw new IllegalArgumentException("--since: '" + text + "' is not a duration (examples: 90s, 15m, 1h, 7d, 1h30m)");
        }
        return d;
    }

    static long parseTime(String option, String text) {
        String t = text.trim();
        try {
            if (t.matches("\\d{10,}")) {
                return Long.parseLong(t);
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return toNs(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            return toNs(OffsetDateTime.parse(t).toInstant());
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + text
                    + "' is not a time (use RFC 3339 like 2026-11-27T10:00:00Z, a date like 2026-11-27, or ns since the epoch)");
        }
    }

    static long toNs(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
