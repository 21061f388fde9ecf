package io.podtrail.simulate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Low-level helpers: fast RFC3339 timestamps, JSON string escaping and a line writer over a reused buffer. */
final class Lines {
    private Lines() {}

    /** RFC3339 UTC timestamps with a cached per-second prefix. */
    static final class Clock {
        private long sec = Long.MIN_VALUE;
        private String prefix;

        /** Appends e.g. 2026-03-02T09:00:00.123456789Z with {@code digits} fraction digits (9 or 6). */
        void append(StringBuilder sb, long epochNs, int digits) {
            long s = Math.floorDiv(epochNs, 1_000_000_000L);
            int nanos = (int) Math.floorMod(epochNs, 1_000_000_000L);
            if (s != sec) {
                sec = s;
                LocalDateTime t = LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC);
                prefix = String.format("%04d-%02d-%02dT%02d:%02d:%02d.", t.getYear(), t.getMonthValue(),
                        t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
            }
            sb.append(prefix);
            int v = digits == 9 ? nanos : nanos / 1000;
            for (int div = digits == 9 ? 100_000_000 : 100_000; div > 0; div /= 10) {
                sb.append((char) ('0' + (v / div) % 10));
            }
            sb.append('Z');
        }

        String format(long epochNs) {
            StringBuilder sb = new StringBuilder(32);
            append(sb, epochNs, 9);
            return sb.toString();
        }

        /** Whole seconds, as Tetragon writes container start times. */
        static String seconds(long epochNs) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochNs, 1_000_000_000L), 0, ZoneOffset.UTC);
            return String.format("%04d-%02d-%02dT%02d:%02d:%02dZ", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                    t.getHour(), t.getMinute(), t.getSecond());
        }
    }

    /** Appends s as a JSON string literal. */
    static StringBuilder str(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"');
    }

    static String quote(String s) {
        return str(new StringBuilder(s.length() + 8), s).toString();
    }

    /** Writes StringBuilder contents as one line through a reused char buffer, counting lines. */
    static final class LineOut {
        private final Writer out;
        private char[] buf = new char[8192];
        long lines;

        LineOut(Writer out) {
            this.out = out;
        }

        void write(StringBuilder sb) {
            sb.append('\n');
            int n = sb.length();
            if (n > buf.length) buf = new char[Math.max(n, buf.length * 2)];
            sb.getChars(0, n, buf, 0);
            try {
                out.write(buf, 0, n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            lines++;
        }

        void flush() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
