package io.podtrail.enrich;

import io.podtrail.query.IpNumbers;

/**
 * IP addresses as map keys without text: an IPv4 address (or IPv4-mapped IPv6) is a {@link Long} holding its
 * 32-bit value, any other IPv6 address a {@link V6} of its two halves. Parsing IPv4 allocates nothing.
 */
final class Ips {

    private Ips() {
    }

    /** An IPv6 address that is not IPv4-mapped. */
    record V6(long hi, long lo) {
    }

    /** The key of {@code ip}, or null when it is not an IP literal. */
    static Object key(String ip) {
        long v4 = v4(ip);
        if (v4 >= 0) {
            return v4;
        }
        long[] v = IpNumbers.parse(ip);
        if (v == null) {
            return null;
        }
        if (v[0] == 0 && (v[1] >>> 32) == 0xFFFFL) {
            return v[1] & 0xFFFF_FFFFL;
        }
        return new V6(v[0], v[1]);
    }

    /** The high and low halves of {@code ip} as IPv6 (IPv4 mapped), or null. */
    static long[] halves(String ip) {
        long v4 = v4(ip);
        if (v4 >= 0) {
            return new long[] {0L, (0xFFFFL << 32) | v4};
        }
        return IpNumbers.parse(ip);
    }

    /** A dotted-quad IPv4 address as an unsigned 32-bit value, or -1. */
    static long v4(String s) {
        if (s == null) {
            return -1;
        }
        int n = s.length();
        if (n < 7 || n > 15) {
            return -1;
        }
        long result = 0;
        int part = 0, digits = 0, parts = 0;
        for (int i = 0; i <= n; i++) {
            char c = i == n ? '.' : s.charAt(i);
            if (c == '.') {
                if (digits == 0 || part > 255 || parts == 4) {
                    return -1;
                }
                result = (result << 8) | part;
                parts++;
                part = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                part = part * 10 + (c - '0');
                if (++digits > 3) {
                    return -1;
                }
            } else {
                return -1;
            }
        }
        return parts == 4 ? result : -1;
    }

    /** True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. */
    static boolean loopback(Object key) {
        if (key instanceof Long v4) {
            return (v4 >>> 24) == 127;
        }
        return key instanceof V6 v && v.hi() == 0 && v.lo() == 1;
    }
}
