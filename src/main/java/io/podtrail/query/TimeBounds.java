package io.podtrail.query;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How users write time bounds, the same on the command line ({@code --since 1h}, {@code --from 2026-11-27})
 * and in the HTTP API ({@code since=1h}, {@code from=...}): durations like 90s, 15m, 1h30m, 7d, 2w; times as
 * RFC 3339, a date (midnight UTC) or ns since the epoch.
 */
public final class TimeBounds {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

    private TimeBounds() {
    }

    /** @param name what to call the value in an error (e.g. "--since" or "since") */
    public static Duration parseDuration(String name, String text) {
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
            throw new IllegalArgumentException(name + ": '" + text + "' is not a duration (examples: 90s, 15m, 1h, 7d, 1h30m)");
        }
        return d;
    }

    /** A point in time in ns since the epoch. */
    public static long parseTime(String name, String text) {
        String t = text.trim();
        try {
            if (t.matches("-?\\d+")) {
                return Long.parseLong(t);
            }
            if (t.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return toNs(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            return toNs(OffsetDateTime.parse(t).toInstant());
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + text
                    + "' is not a time (use RFC 3339 like 2026-11-27T10:00:00Z, a date like 2026-11-27, or ns since the epoch)");
        }
    }

    public static long toNs(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
