package io.podtrail.normalize;

import io.podtrail.event.Event;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;

/** Merging of the audit stages of one Kubernetes API request (same auditID, same podtrail.id). */
public final class AuditStages {

    private AuditStages() {
    }

    /** Stage order: RequestReceived 0 < ResponseStarted 1 < ResponseComplete 2 < Panic 3; unknown or null -1. */
    public static int order(String stage) {
        if (stage == null) {
            return -1;
        }
        return switch (stage) {
            case "RequestReceived" -> 0;
            case "ResponseStarted" -> 1;
            case "ResponseComplete" -> 2;
            case "Panic" -> 3;
            default -> -1;
        };
    }

    /**
     * Merges two stages of the same request, whatever order they arrive in (commutative up to the
     * raw payload, which is the later stage's): evt.time is the earliest, podtrail.end_time the latest,
     * ka.stage the latest by stage order, the response code and reason from the later stage that has
     * one, and every other field from the later stage when it has a value, else from the earlier.
     */
    public static Event mergeStages(Event a, Event b) {
        if (a == null) {
            return b == null ? null : b.copy();
        }
        if (b == null) {
            return a.copy();
        }
        Event later;
        Event earlier;
        int oa = order(a.getString(Fields.KA_STAGE));
        int ob = order(b.getString(Fields.KA_STAGE));
        if (oa != ob) {
            later = oa > ob ? a : b;
        } else {
            long ea = endOf(a);
            long eb = endOf(b);
            later = ea >= eb ? a : b;
        }
        earlier = later == a ? b : a;
        Event m = earlier.copy();
        for (Field f : Fields.stored()) {
            Object v = later.get(f);
            if (v != null) {
                m.set(f, v);
            }
        }
        m.raw(later.raw() != null ? later.raw() : earlier.raw());
        Long t = minTime(a.getLong(Fields.TIME), b.getLong(Fields.TIME));
        m.set(Fields.TIME, t);
        Long e = maxTime(maxTime(a.getLong(Fields.END_TIME), b.getLong(Fields.END_TIME)),
                maxTime(a.getLong(Fields.TIME), b.getLong(Fields.TIME)));
        m.set(Fields.END_TIME, e);
        if (later.get(Fields.KA_RESPONSE_CODE) == null && earlier.get(Fields.KA_RESPONSE_CODE) != null) {
            m.set(Fields.KA_RESPONSE_CODE, earlier.get(Fields.KA_RESPONSE_CODE));
        }
        return m;
    }

    private static long endOf(Event e) {
        Long t = e.getLong(Fields.END_TIME);
        if (t == null) {
            t = e.getLong(Fields.TIME);
        }
        return t == null ? Long.MIN_VALUE : t;
    }

    private static Long minTime(Long x, Long y) {
        if (x == null) {
            return y;
        }
        if (y == null) {
            return x;
        }
        return Math.min(x, y);
    }

    private static Long maxTime(Long x, Long y) {
        if (x == null) {
            return y;
        }
        if (y == null) {
            return x;
        }
        return Math.max(x, y);
    }
}
