package io.podtrail.enrich;

import java.util.Arrays;

/**
 * The validity intervals of one key, sorted by start and never overlapping: one {@code long[]} of
 * {@code from, to} pairs and one array of values, replaced together (copy on write) on every change. Readers
 * binary-search a consistent snapshot without locking; writers synchronize on the timeline. A key changes
 * rarely (a few intervals in its life), so copying is cheap and a lookup touches two small arrays, or none for
 * a key with a single interval (kept inline).
 */
final class Timeline {

    private static final class Slots {
        final long[] span;
        final Object[] value;
        // most keys have one interval in their life: it is also kept inline, so a lookup reads this object only
        final boolean one;
        final long from0, to0;
        final Object value0;

        Slots(long[] span, Object[] value) {
            this.span = span;
            this.value = value;
            this.one = value.length == 1;
            this.from0 = one ? span[0] : 0;
            this.to0 = one ? span[1] : 0;
            this.value0 = one ? value[0] : null;
        }

        int size() {
            return value.length;
        }

        long from(int i) {
            return span[2 * i];
        }

        long to(int i) {
            return span[2 * i + 1];
        }
    }

    private static final Slots EMPTY = new Slots(new long[0], new Object[0]);

    private volatile Slots slots = EMPTY;

    /** The value valid at {@code t}, or null. */
    Object at(long t) {
        Slots s = slots;
        if (s.one) {
            return s.from0 <= t && t < s.to0 ? s.value0 : null;
        }
        int i = floor(s.span, t);
        return i >= 0 && t < s.span[2 * i + 1] ? s.value[i] : null;
    }

    /** The value of the interval nearest to {@code t} (the one containing it, else the closest end), or null. */
    Object nearest(long t) {
        Slots s = slots;
        if (s.one) {
            return s.value0;
        }
        int n = s.size();
        if (n == 0) {
            return null;
        }
        int i = floor(s.span, t);
        if (i < 0) {
            return s.value[0];
        }
        if (t < s.to(i) || i == n - 1) {
            return s.value[i];
        }
        long after = t - s.to(i);
        long before = s.from(i + 1) - t;
        return after <= before ? s.value[i] : s.value[i + 1];
    }

    /** The value of the last interval if it is still open, else null. */
    Object current() {
        Slots s = slots;
        int n = s.size();
        return n > 0 && s.to(n - 1) == HistoryRecord.OPEN ? s.value[n - 1] : null;
    }

    interface Visitor {
        void visit(long from, long to, Object value);
    }

    void forEach(Visitor v) {
        Slots s = slots;
        for (int i = 0; i < s.size(); i++) {
            v.visit(s.from(i), s.to(i), s.value[i]);
        }
    }

    int size() {
        return slots.size();
    }

    record Closed(long from, long to, Object value) {
    }

    record Opened(Closed closed, long from) {
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
        int n = s.size();
        Closed closed = null;
        long start = from;
        long[] span = Arrays.copyOf(s.span, 2 * n + 2);
        if (n > 0) {
            int last = n - 1;
            if (s.to(last) == HistoryRecord.OPEN) {
                if (s.value[last].equals(value)) {
                    return null;
                }
                long end = from > s.from(last) ? from : Math.max(changedAt, s.from(last));
                closed = new Closed(s.from(last), end, s.value[last]);
                span[2 * last + 1] = end;
                start = end;
            } else if (s.to(last) > start) {
                start = s.to(last);
            }
        }
        span[2 * n] = start;
        span[2 * n + 1] = HistoryRecord.OPEN;
        Object[] values = Arrays.copyOf(s.value, n + 1);
        values[n] = value;
        slots = new Slots(span, values);
        return new Opened(closed, start);
    }

    /** Closes the open interval at {@code to} (or at its own start if {@code to} is earlier); null when none is open. */
    synchronized Closed close(long to) {
        Slots s = slots;
        int n = s.size();
        if (n == 0 || s.to(n - 1) != HistoryRecord.OPEN) {
            return null;
        }
        long end = Math.max(to, s.from(n - 1));
        long[] span = s.span.clone();
        span[2 * n - 1] = end;
        slots = new Slots(span, s.value);
        return new Closed(s.from(n - 1), end, s.value[n - 1]);
    }

    /**
     * Replays a logged interval: an interval with the same start and value gets the later end (an open record
     * followed by its closing record), otherwise the interval is inserted in start order.
     */
    synchronized void put(long from, long to, Object value) {
        Slots s = slots;
        int n = s.size();
        for (int i = 0; i < n; i++) {
            if (s.from(i) == from && s.value[i].equals(value)) {
                long old = s.to(i);
                long end = old == HistoryRecord.OPEN ? to : (to == HistoryRecord.OPEN ? old : Math.max(to, old));
                if (end != old) {
                    long[] span = s.span.clone();
                    span[2 * i + 1] = end;
                    slots = new Slots(span, s.value);
                }
                return;
            }
        }
        int at = floor(s.span, from) + 1;
        long[] span = new long[2 * n + 2];
        Object[] v = new Object[n + 1];
        System.arraycopy(s.span, 0, span, 0, 2 * at);
        System.arraycopy(s.value, 0, v, 0, at);
        span[2 * at] = from;
        span[2 * at + 1] = to;
        v[at] = value;
        System.arraycopy(s.span, 2 * at, span, 2 * at + 2, 2 * (n - at));
        System.arraycopy(s.value, at, v, at + 1, n - at);
        slots = new Slots(span, v);
    }

    /** Index of the last interval starting at or before t, or -1. */
    private static int floor(long[] span, long t) {
        int lo = 0, hi = span.length / 2 - 1, r = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (span[2 * mid] <= t) {
                r = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return r;
    }
}
