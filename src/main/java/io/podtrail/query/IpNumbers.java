package io.podtrail.query;

import java.math.BigInteger;

/**
 * The one definition of how an IP address becomes a number, shared by the filter compiler, the in-memory
 * evaluator and the store's writer (the {@code <column>_num} HUGEINT column of every IP field).
 *
 * <p>Mapping: an address is first taken as a 128-bit unsigned IPv6 value; an IPv4 address a.b.c.d is
 * the IPv4-mapped IPv6 address {@code ::ffff:a.b.c.d}, i.e. {@code 0xFFFF << 32 | v4}. The number is that
 * unsigned value minus 2^127, so that every address fits DuckDB's signed HUGEINT and order is preserved
 * (a CIDR is then one contiguous {@code BETWEEN} range). So {@code 10.0.0.1} and {@code ::ffff:10.0.0.1}
 * have the same number.
 *
 * <p>Only literals are accepted (no host names, never a DNS lookup; no zone ids).
 */
public final class IpNumbers {

    /** 2^127: subtracted from the unsigned address value. */
    public static final BigInteger OFFSET = BigInteger.ONE.shiftLeft(127);
    private static final BigInteger V4_MAPPED = BigInteger.valueOf(0xFFFFL).shiftLeft(32);

    private IpNumbers() {
    }

    /** An inclusive range of address numbers; a single address has {@code low == high}. */
    public record Range(BigInteger low, BigInteger high) {
        public boolean contains(BigInteger n) {
            return n != null && low.compareTo(n) <= 0 && n.compareTo(high) <= 0;
        }
    }

    /** The number of {@code ip} as defined above, or null when {@code ip} is not an IPv4 or IPv6 literal. */
    public static BigInteger toNumber(String ip) {
        BigInteger u = unsigned(ip);
        return u == null ? null : u.subtract(OFFSET);
    }

    /** The 128-bit unsigned value (IPv4 mapped), or null. */
    static BigInteger unsigned(String ip) {
        if (ip == null || ip.isEmpty()) {
            return null;
        }
        if (ip.indexOf(':') < 0) {
            long v4 = parseV4(ip);
            return v4 < 0 ? null : V4_MAPPED.or(BigInteger.valueOf(v4));
        }
        return parseV6(ip);
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
        BigInteger hostMask = BigInteger.ONE.shiftLeft(128 - bits).subtract(BigInteger.ONE);
        BigInteger low = u.andNot(hostMask);
        BigInteger high = low.or(hostMask);
        return new Range(low.subtract(OFFSET), high.subtract(OFFSET));
    }

    private static long parseV4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return -1;
        }
        long v = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return -1;
            }
            int octet = Integer.parseInt(p);
            if (octet > 255) {
                return -1;
            }
            v = (v << 8) | octet;
        }
        return v;
    }

    private static BigInteger parseV6(String s) {
        if (s.indexOf('%') >= 0) {
            return null;
        }
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        int[] h = groups(head, dbl < 0 || tail.isEmpty());
        int[] t = dbl >= 0 ? groups(tail, true) : new int[0];
        if (h == null || t == null) {
            return null;
        }
        int total = h.length + t.length;
        if (dbl < 0 ? total != 8 : total > 7) {
            return null;
        }
        int[] all = new int[8];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(t, 0, all, 8 - t.length, t.length);
        BigInteger v = BigInteger.ZERO;
        for (int g : all) {
            v = v.shiftLeft(16).or(BigInteger.valueOf(g));
        }
        return v;
    }

    /** Colon-separated hex groups; the last may be a dotted IPv4 (two groups) when {@code lastMayBeV4}. */
    private static int[] groups(String s, boolean lastMayBeV4) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        int n = parts.length;
        boolean v4Tail = lastMayBeV4 && parts[n - 1].indexOf('.') >= 0;
        int[] out = new int[v4Tail ? n + 1 : n];
        for (int i = 0; i < n; i++) {
            String p = parts[i];
            if (i == n - 1 && v4Tail) {
                long v4 = parseV4(p);
                if (v4 < 0) {
                    return null;
                }
                out[i] = (int) (v4 >>> 16);
                out[i + 1] = (int) (v4 & 0xFFFF);
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                return null;
            }
            int g = 0;
            for (int k = 0; k < p.length(); k++) {
                int d = Character.digit(p.charAt(k), 16);
                if (d < 0) {
                    return null;
                }
                g = g * 16 + d;
            }
            out[i] = g;
        }
        return out;
    }
}
