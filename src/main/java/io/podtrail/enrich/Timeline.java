package io.podtrail.enrich;

import java.util.Arrays;

/**
 * The validity intervals of one key, sorted by start and never overlapping, as three parallel arrays that are
 * replaced (copy on write) on every change: readers binary-search a consistent snapshot without locking,
 * writers synchronize on the timeline. A key changes rarely (a few intervals in its life), so copying is cheap.
 */
final class Timeline {

    private record Slots(long[] from, long[] to, Object[] value) {
    }

    private static final Slots EMPTY = new Slots(new long[0], new long[0], new Object[0]);

    private volatile Slots slots = EMPTY;

    /** The value valid at {@code t}, or null. */
    Object at(long t) {
        Slots s = slots;
        int i = floor(s.from, t);
        return i >= 0 && t < s.to[i] ? s.value[i] : null;
    }

    /** The value of the interval nearest to {@code t} (the one containing it, else the closest end), or null. */
    Object nearest(long t) {
        Slots s = slots;
        int n = s.from.length;
        if (n == 0) {
            return null;
        }
        int i = floor(s.from, t);
        if (i < 0) {
            return s.value[0];
        }
        if (t < s.to[i] || i == n - 1) {
            return s.value[i];
        }
        long after = t - s.to[i];
        long before = s.from[i + 1] - t;
        return after <= before ? s.value[i] : s.value[i + 1];
    }

    /** The value of the last interval if it is still open, else null. */
    Object current() {
        Slots s = slots;
        int n = s.from.length;
        return n > 0 && s.to[n - 1] == HistoryRecord.OPEN ? s.value[n - 1] : null;
    }

    interface Visitor {
        void visit(long from, long to, Object value);
    }

    void forEach(Visitor v) {
        Slots s = slots;
        for (int i = 0; i < s.from.length; i++) {
            v.visit(s.from[i], s.to[i], s.value[i]);
        }
    }

    int size() {
        return slots.from.length;
    }

    /**
     * Opens {@code value} from {@code from}. Re-opening the value that is already open changes nothing (returns
     * null). A different open value is closed where the new one starts; a start inside the previous, closed,
     * interval is moved to that interval's end so intervals never overlap.
     *
     * @return the interval this closed (if any) and the new interval's actual start; null when nothing changed
     */
    synchronized Opened open(long from, Object value) {
        return open(from, value, from);
    }

    /**
     * As {@link #open(long, Object)}, for a value whose change was observed at {@code changedAt}: when the new
     * value does not start after the open one (e.g. a pod's labels changed, the pod's start stays the same),
     * the switch happens at {@code changedAt} instead of rewriting the past.
     */
    synchronized Opened open(long from, Object value, long changedAt) {
        Slots s = slots;
        int n = s.from.length;
        Closed closed = null;
        long start = from;
        if (n > 0) {
            int last = n - 1;
            if (s.to[last] == HistoryRecord.OPEN) {
                if (s.value[last].equals(value)) {
                    return null;
                }
                long end = from > s.from[last] ? from : Math.max(changedAt, s.from[last]);
                closed = new Closed(s.from[last], end, s.value[last]);
                long[] to = s.to.clone();
                to[last] = end;
                s = new Slots(s.from, to, s.value);
                start = end;
            } else if (s.to[last] > start) {
                start = s.to[last];
            }
        }
        slots = append(s, start, HistoryRecord.OPEN, value);
        return new Opened(closed, start);
    }

    record Closed(long from, long to, Object value) {
    }

    record Opened(Closed closed, long from) {
    }

    /** Closes the open interval at {@code to} (or at its own start if {@code to} is earlier); null when none is open. */
    synchronized Closed close(long to) {
        Slots s = slots;
        int n = s.from.length;
        if (n == 0 || s.to[n - 1] != HistoryRecord.OPEN) {
            return null;
        }
        long end = Math.max(to, s.from[n - 1]);
        long[] tos = s.to.clone();
        tos[n - 1] = end;
        slots = new Slots(s.from, tos, s.value);
        return new Closed(s.from[n - 1], end, s.value[n - 1]);
    }

    /**
     * Replays a logged interval: an interval with the same start and value gets the later end (an open record
     * followed by its closing record), otherwise the interval is inserted in start order.
     */
    synchronized void put(long from, long to, Object value) {
        Slots s = slots;
        int n = s.from.length;
        for (int i = 0; i < n; i++) {
            if (s.from[i] == from && s.value[i].equals(value)) {
                if (to != s.to[i]) {
                    long[] tos = s.to.clone();
                    tos[i] = s.to[i] == HistoryRecord.OPEN ? to : (to == HistoryRecord.OPEN ? s.to[i] : Math.max(to, s.to[i]));
                    slots = new Slots(s.from, tos, s.value);
                }
                return;
            }
        }
        int at = floor(s.from, from) + 1;
        long[] f = new long[n + 1];
        long[] t = new long[n + 1];
        Object[] v = new Object[n + 1];
        System.arraycopy(s.from, 0, f, 0, at);
        System.arraycopy(s.to, 0, t, 0, at);
        System.arraycopy(s.value, 0, v, 0, at);
        f[at] = from;
        t[at] = to;
        v[at] = value;
        System.arraycopy(s.from, at, f, at + 1, n - at);
        System.arraycopy(s.to, at, t, at + 1, n - at);
        System.arraycopy(s.value, at, v, at + 1, n - at);
        slots = new Slots(f, t, v);
    }

    private static Slots append(Slots s, long from, long to, Object value) {
        int n = s.from.length;
        long[] f = Arrays.copyOf(s.from, n + 1);
        long[] t = Arrays.copyOf(s.to, n + 1);
        Object[] v = Arrays.copyOf(s.value, n + 1);
        f[n] = from;
        t[n] = to;
        v[n] = value;
        return new Slots(f, t, v);
    }

    /** Index of the last start at or before t, or -1. */
    private static int floor(long[] from, long t) {
        int lo = 0, hi = from.length - 1, r = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (from[mid] <= t) {
                r = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return r;
    }
}
