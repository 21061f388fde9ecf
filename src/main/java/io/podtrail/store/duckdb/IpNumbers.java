package io.podtrail.store.duckdb;

import java.math.BigInteger;

/**
 * IP text to the number stored in {@code <col>_num} (HUGEINT): the address as a 128-bit number, with
 * IPv4 mapped into IPv6 ({@code a.b.c.d -> ::ffff:a.b.c.d = (0xFFFF << 32) | v4}).
 *
 * <p>HUGEINT is signed; addresses at or above 2^127 (fe80::/10, fc00::/7, ff00::/8, ...) do not fit.
 * {@link #toHugeint} stores them in two's complement (value - 2^128): every CIDR range other than ::/0
 * stays one contiguous range, so a compiler must turn range bounds with {@link #toHugeint} too.
 * Pure text parsing: no DNS lookups ever.
 */
public final class IpNumbers {

    private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);
    private static final BigInteger TWO_127 = BigInteger.ONE.shiftLeft(127);

    private IpNumbers() {
    }

    /** The address as an unsigned 128-bit number, or null when the text is not an IP address. */
    public static BigInteger toNumber(String ip) {
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

    /** {@link #toNumber} as stored in a HUGEINT column (two's complement above 2^127), or null. */
    public static BigInteger toHugeint(String ip) {
        BigInteger n = toNumber(ip);
        return n == null ? null : toHugeint(n);
    }

    /** An unsigned 128-bit number as stored in a HUGEINT column. */
    public static BigInteger toHugeint(BigInteger unsigned) {
        return unsigned.compareTo(TWO_127) >= 0 ? unsigned.subtract(TWO_128) : unsigned;
    }

    /** High and low 64 bits of the address, or null when it is not an IP address. */
    static long[] parse(String s) {
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
