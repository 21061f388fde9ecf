package io.podtrail.query;

import java.math.BigInteger;

/**
 * The one definition of how an IP address becomes a number, shared by the filter compiler, the in-memory
 * evaluator and the store's writer (the {@code <column>_num} HUGEINT column of every IP field).
 *
 * <p>Mapping: an address is taken as a 128-bit unsigned IPv6 value; an IPv4 address a.b.c.d is the
 * IPv4-mapped IPv6 address {@code ::ffff:a.b.c.d}, i.e. {@code 0xFFFF << 32 | v4}, so {@code 10.0.0.1} and
 * {@code ::ffff:10.0.0.1} have the same number. The number stored is that value in two's complement
 * (values at or above 2^127, e.g. fe80::/10 and fc00::/7, become value - 2^128) so every address fits
 * DuckDB's signed HUGEINT while IPv4 addresses stay small positive numbers that fit a long (cheap to write
 * and to compress). Every CIDR except ::/0 lies on one side of 2^127, so it stays one contiguous
 * {@code BETWEEN} range; ::/0 becomes the whole HUGEINT range.
 *
 * <p>Only literals are accepted (no host names, never a DNS lookup; no zone ids).
 */
public final class IpNumbers {

    private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);
    private static final BigInteger TWO_127 = BigInteger.ONE.shiftLeft(127);
    private static final BigInteger HUGEINT_MIN = TWO_127.negate();
    private static final BigInteger HUGEINT_MAX = TWO_127.subtract(BigInteger.ONE);

    private IpNumbers() {
    }

    /** An inclusive range of address numbers; a single address has {@code low == high}. */
    public record Range(BigInteger low, BigInteger high) {
        public boolean contains(BigInteger n) {
            return n != null && low.compareTo(n) <= 0 && n.compareTo(high) <= 0;
        }
    }

    /** The stored number of {@code ip} as defined above, or null when {@code ip} is not an IPv4 or IPv6 literal. */
    public static BigInteger toNumber(String ip) {
        BigInteger u = unsigned(ip);
        return u == null ? null : toHugeint(u);
    }

    /** An unsigned 128-bit value as stored in a HUGEINT column. */
    public static BigInteger toHugeint(BigInteger unsigned) {
        return unsigned.compareTo(TWO_127) >= 0 ? unsigned.subtract(TWO_128) : unsigned;
    }

    /** The 128-bit unsigned value (IPv4 mapped), or null. */
    static BigInteger unsigned(String ip) {
        long[] v = parse(ip);
        if (v == null) {
            return null;
        }
        byte[] b = new byte[17];
        for (int i = 0; i < 8; i++) {
            b[1 + i] = (byte) (v[0] >>> (56 - 8 * i));
            b[9 + i] = (byte) (v[1] >>> (56 - 8 * i));
        }
        return new BigInteger(b);
    }

    /** The range of {@code text}: an address (one-element range) or a CIDR {@code addr/len}; null when neither. */
    public static Range range(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            BigInteger n = toNumber(text);
            return n == null ? null : new Range(n, n);
        }
        String addr = text.substring(0, slash);
        String lenText = text.substring(slash + 1);
        if (lenText.isEmpty() || lenText.length() > 3 || !lenText.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int len = Integer.parseInt(lenText);
        BigInteger u = unsigned(addr);
        if (u == null) {
            return null;
        }
        boolean v4 = addr.indexOf(':') < 0;
        int bits = v4 ? len + 96 : len;
        if (len > (v4 ? 32 : 128)) {
            return null;
        }
        if (bits == 0) {
            return new Range(HUGEINT_MIN, HUGEINT_MAX);
        }
        BigInteger hostMask = BigInteger.ONE.shiftLeft(128 - bits).subtract(BigInteger.ONE);
        BigInteger low = u.andNot(hostMask);
        BigInteger high = low.or(hostMask);
        return new Range(toHugeint(low), toHugeint(high));
    }

    /** High and low 64 bits of the address, or null when it is not an IP address. */
    public static long[] parse(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            long v4 = parseV4(s, 0, s.length());
            return v4 < 0 ? null : new long[] {0L, (0xFFFFL << 32) | v4};
        }
        return parseV6(s);
    }

    /** An IPv4 dotted quad in s[from, to) as an unsigned 32-bit value, or -1. */
    private static long parseV4(String s, int from, int to) {
        long result = 0;
        int parts = 0;
        int i = from;
        while (i <= to) {
            int start = i;
            int val = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                val = val * 10 + (s.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    return -1;
                }
            }
            if (i == start || val > 255 || (i - start > 1 && s.charAt(start) == '0')) {
                return -1;
            }
            result = (result << 8) | val;
            parts++;
            if (i == to) {
                break;
            }
            if (s.charAt(i) != '.' || parts == 4) {
                return -1;
            }
            i++;
        }
        return parts == 4 ? result : -1;
    }

    private static long[] parseV6(String s) {
        int[] groups = new int[8];
        int n = 0;
        int gap = -1;
        int i = 0;
        int len = s.length();
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (len == 2) {
                return new long[] {0L, 0L};
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < len) {
            int start = i;
            int val = 0;
            while (i < len && Character.digit(s.charAt(i), 16) >= 0 && i - start < 5) {
                val = (val << 4) | Character.digit(s.charAt(i), 16);
                i++;
            }
            if (i < len && s.charAt(i) == '.') {
                // embedded IPv4 in the last 32 bits
                long v4 = parseV4(s, start, len);
                if (v4 < 0 || n > 6) {
                    return null;
                }
                groups[n++] = (int) (v4 >>> 16);
                groups[n++] = (int) (v4 & 0xFFFF);
                i = len;
                break;
            }
            if (i == start || i - start > 4 || n == 8) {
                return null;
            }
            groups[n++] = val;
            if (i == len) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < len && s.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = n;
                i++;
                if (i == len) {
                    break;
                }
            } else if (i == len) {
                return null;
            }
        }
        int[] full = new int[8];
        if (gap >= 0) {
            if (n > 7) {
                return null;
            }
            System.arraycopy(groups, 0, full, 0, gap);
            System.arraycopy(groups, gap, full, 8 - (n - gap), n - gap);
        } else {
            if (n != 8) {
                return null;
            }
            full = groups;
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | full[g];
            lo = (lo << 16) | full[g + 4];
        }
        return new long[] {hi, lo};
    }
}
