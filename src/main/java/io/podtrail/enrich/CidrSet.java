package io.podtrail.enrich;

import java.util.ArrayList;
import java.util.List;

/** A set of CIDR ranges (IPv4 and IPv6) to test addresses against. Immutable. */
public final class CidrSet {

    public static final CidrSet EMPTY = new CidrSet(List.of());

    private final List<String> cidrs;
    // per range: low hi, low lo, high hi, high lo (unsigned 128-bit, IPv4 mapped)
    private final long[] bounds;

    private CidrSet(List<String> cidrs) {
        this.cidrs = List.copyOf(cidrs);
        this.bounds = new long[cidrs.size() * 4];
        for (int i = 0; i < cidrs.size(); i++) {
            long[] b = bounds(cidrs.get(i));
            if (b == null) {
                throw new IllegalArgumentException("not a CIDR: '" + cidrs.get(i) + "'");
            }
            System.arraycopy(b, 0, bounds, i * 4, 4);
        }
    }

    /** @throws IllegalArgumentException naming the first entry that is not an address or CIDR */
    public static CidrSet of(List<String> cidrs) {
        return cidrs.isEmpty() ? EMPTY : new CidrSet(cidrs);
    }

    /** True when {@code text} is an IP address or a CIDR. */
    public static boolean valid(String text) {
        return bounds(text) != null;
    }

    public List<String> cidrs() {
        return cidrs;
    }

    public boolean isEmpty() {
        return cidrs.isEmpty();
    }

    public CidrSet plus(List<String> more) {
        List<String> all = new ArrayList<>(cidrs);
        for (String c : more) {
            if (!all.contains(c)) {
                all.add(c);
            }
        }
        return all.size() == cidrs.size() ? this : new CidrSet(all);
    }

    public boolean contains(String ip) {
        long[] h = Ips.halves(ip);
        if (h == null) {
            return false;
        }
        for (int i = 0; i < bounds.length; i += 4) {
            if (cmp(h[0], h[1], bounds[i], bounds[i + 1]) >= 0 && cmp(h[0], h[1], bounds[i + 2], bounds[i + 3]) <= 0) {
                return true;
            }
        }
        return false;
    }

    private static int cmp(long ah, long al, long bh, long bl) {
        int c = Long.compareUnsigned(ah, bh);
        return c != 0 ? c : Long.compareUnsigned(al, bl);
    }

    private static long[] bounds(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        long[] a = Ips.halves(addr);
        if (a == null) {
            return null;
        }
        boolean v4 = addr.indexOf(':') < 0;
        int len;
        if (slash < 0) {
            len = 128;
        } else {
            String l = t.substring(slash + 1);
            if (l.isEmpty() || l.length() > 3 || !l.chars().allMatch(Character::isDigit)) {
                return null;
            }
            len = Integer.parseInt(l);
            if (len > (v4 ? 32 : 128)) {
                return null;
            }
            if (v4) {
                len += 96;
            }
        }
        long hiMask = len >= 64 ? -1L : (len == 0 ? 0L : -1L << (64 - len));
        long loMask = len <= 64 ? 0L : (len == 128 ? -1L : -1L << (128 - len));
        return new long[] {a[0] & hiMask, a[1] & loMask, a[0] | ~hiMask, a[1] | ~loMask};
    }

    @Override
    public String toString() {
        return cidrs.toString();
    }
}
