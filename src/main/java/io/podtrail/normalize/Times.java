package io.podtrail.normalize;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** RFC 3339 timestamps to nanoseconds since the epoch, without regexes on the hot path. */
public final class Times {

    private Times() {
    }

    /**
     * Parses {@code 2022-10-18T03:16:21.373327754Z}, {@code 2018-10-26T13:38:34Z},
     * {@code ...+02:00}, {@code ...+0000}, fractional seconds of 1 to 9 digits.
     *
     * @throws IllegalArgumentException when the text is not such a timestamp
     */
    public static long parseRfc3339Nanos(String s) {
        int n = s.length();
        if (n >= 20 && s.charAt(4) == '-' && s.charAt(7) == '-' && (s.charAt(10) == 'T' || s.charAt(10) == 't' || s.charAt(10) == ' ')
                && s.charAt(13) == ':' && s.charAt(16) == ':') {
            int year = digits(s, 0, 4);
            int month = digits(s, 5, 2);
            int day = digits(s, 8, 2);
            int hour = digits(s, 11, 2);
            int min = digits(s, 14, 2);
            int sec = digits(s, 17, 2);
            int p = 19;
            long nanos = 0;
            if (p < n && s.charAt(p) == '.') {
                p++;
                int start = p;
                while (p < n && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
                    if (p - start < 9) {
                        nanos = nanos * 10 + (s.charAt(p) - '0');
                    }
                    p++;
                }
                int nd = Math.min(p - start, 9);
                if (nd == 0) {
                    throw bad(s);
                }
                for (int i = nd; i < 9; i++) {
                    nanos *= 10;
                }
            }
            int offsetSec;
            if (p < n && (s.charAt(p) == 'Z' || s.charAt(p) == 'z') && p + 1 == n) {
                offsetSec = 0;
            } else if (p < n && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
                int sign = s.charAt(p) == '-' ? -1 : 1;
                int oh;
                int om;
                if (p + 6 == n && s.charAt(p + 3) == ':') {
                    oh = digits(s, p + 1, 2);
                    om = digits(s, p + 4, 2);
                } else if (p + 5 == n) {
                    oh = digits(s, p + 1, 2);
                    om = digits(s, p + 3, 2);
                } else {
                    throw bad(s);
                }
                if (oh > 23 || om > 59) {
                    throw bad(s);
                }
                offsetSec = sign * (oh * 3600 + om * 60);
            } else {
                throw bad(s);
            }
            if (hour > 23 || min > 59 || sec > 60) {
                throw bad(s);
            }
            long days;
            try {
                days = LocalDate.of(year, month, day).toEpochDay();
            } catch (DateTimeException e) {
                throw bad(s);
            }
            long secs = days * 86400L + hour * 3600L + min * 60L + Math.min(sec, 59) - offsetSec;
            return epochNanos(secs, nanos, s);
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(s);
            return epochNanos(t.toEpochSecond(), t.getNano(), s);
        } catch (DateTimeParseException e) {
            throw bad(s);
        }
    }

    /**
     * The same as {@link #parseRfc3339Nanos(String)} for {@code len} characters of {@code c} from
     * {@code off}, without allocating for the common shape {@code YYYY-MM-DDTHH:MM:SS[.fraction]Z}.
     */
    public static long parseRfc3339Nanos(char[] c, int off, int len) {
        if (len < 20 || len > 30 || c[off + 4] != '-' || c[off + 7] != '-' || c[off + 10] != 'T'
                || c[off + 13] != ':' || c[off + 16] != ':' || c[off + len - 1] != 'Z') {
            return parseRfc3339Nanos(new String(c, off, len));
        }
        int year = digits(c, off, 4);
        int month = digits(c, off + 5, 2);
        int day = digits(c, off + 8, 2);
        int hour = digits(c, off + 11, 2);
        int min = digits(c, off + 14, 2);
        int sec = digits(c, off + 17, 2);
        int p = off + 19;
        int end = off + len - 1;
        long nanos = 0;
        if (p < end) {
            if (c[p] != '.' || p + 1 == end) {
                return parseRfc3339Nanos(new String(c, off, len));
            }
            p++;
            int start = p;
            for (; p < end; p++) {
                char ch = c[p];
                if (ch < '0' || ch > '9') {
                    return parseRfc3339Nanos(new String(c, off, len));
                }
                if (p - start < 9) {
                    nanos = nanos * 10 + (ch - '0');
                }
            }
            for (int i = Math.min(p - start, 9); i < 9; i++) {
                nanos *= 10;
            }
        }
        if ((year | month | day | hour | min | sec) < 0 || hour > 23 || min > 59 || sec > 60
                || month < 1 || month > 12 || day < 1 || day > monthLength(year, month)) {
            return parseRfc3339Nanos(new String(c, off, len));
        }
        long secs = epochDay(year, month, day) * 86400L + hour * 3600L + min * 60L + Math.min(sec, 59);
        if (secs > MAX_EPOCH_SECONDS || secs < -MAX_EPOCH_SECONDS) {
            return parseRfc3339Nanos(new String(c, off, len)); // rejects with the same message
        }
        return secs * 1_000_000_000L + nanos;
    }

    /** Nanoseconds since the epoch fit a long from 1677 to 2262: outside that a time is rejected, not wrapped. */
    private static final long MAX_EPOCH_SECONDS = Long.MAX_VALUE / 1_000_000_000L - 1;

    private static long epochNanos(long secs, long nanos, String text) {
        if (secs > MAX_EPOCH_SECONDS || secs < -MAX_EPOCH_SECONDS) {
            throw new IllegalArgumentException("timestamp out of range (years 1678 to 2261 fit in ns since the epoch): '" + text + "'");
        }
        return secs * 1_000_000_000L + nanos;
    }

    private static int monthLength(int y, int m) {
        return switch (m) {
            case 2 -> (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (years 0..9999). */
    private static long epochDay(int y, int m, int d) {
        // Howard Hinnant's days_from_civil
        y -= m <= 2 ? 1 : 0;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yoe = y - era * 400;
        int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097L + doe - 719468L;
    }

    /** Decimal digits, or -1 when any is not a digit. */
    private static int digits(char[] c, int off, int len) {
        int v = 0;
        for (int i = off; i < off + len; i++) {
            char ch = c[i];
            if (ch < '0' || ch > '9') {
                return Integer.MIN_VALUE;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    private static int digits(String s, int off, int len) {
        int v = 0;
        for (int i = off; i < off + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw bad(s);
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static IllegalArgumentException bad(String s) {
        String shown = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return new IllegalArgumentException("not an RFC 3339 timestamp: '" + shown + "'");
    }
}
