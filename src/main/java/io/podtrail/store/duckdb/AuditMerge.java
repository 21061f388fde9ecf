package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;

import java.nio.charset.StandardCharsets;

/**
 * Merges the audit stages of one Kubernetes API request (same podtrail.id) in any arrival order:
 * evt.time = earliest, podtrail.end_time = latest, ka.stage = the latest by
 * RequestReceived < ResponseStarted < ResponseComplete < Panic, ka.response.code from the later stage
 * that has one, every other missing field filled from either (the later stage wins when both have one).
 * Payloads are kept side by side, newline-separated (NDJSON), in arrival order.
 */
final class AuditMerge {

    private AuditMerge() {
    }

    static int rank(String stage) {
        if (stage == null) {
            return 0;
        }
        return switch (stage) {
            case "RequestReceived" -> 1;
            case "ResponseStarted" -> 2;
            case "ResponseComplete" -> 3;
            case "Panic" -> 4;
            default -> 0;
        };
    }

    /** The bit of a stage in the {@code _stages} column. */
    static int bit(Event e) {
        return 1 << rank(e.getString(Fields.KA_STAGE));
    }

    /** The merge of a stored (possibly already merged) request and a newly arrived stage. */
    static Event merge(Event stored, Event arrived) {
        boolean arrivedLater = rank(arrived.getString(Fields.KA_STAGE)) >= rank(stored.getString(Fields.KA_STAGE));
        Event later = arrivedLater ? arrived : stored;
        Event earlier = arrivedLater ? stored : arrived;
        Event m = later.copy();
        for (Field f : Fields.stored()) {
            if (m.get(f) == null && earlier.get(f) != null) {
                m.set(f, earlier.get(f));
            }
        }
        Long t1 = stored.getLong(Fields.TIME);
        Long t2 = arrived.getLong(Fields.TIME);
        if (t1 != null && t2 != null) {
            m.set(Fields.TIME, Math.min(t1, t2));
        }
        long end = Math.max(endOf(stored), endOf(arrived));
        if (end != Long.MIN_VALUE) {
            m.set(Fields.END_TIME, end);
        }
        m.raw(concat(stored.raw(), arrived.raw()));
        m.set(Fields.ID, stored.id()); // the same unless stored by schema version 2 (see DuckDbEventStore.storedIds)
        return m;
    }

    private static long endOf(Event e) {
        Long end = e.getLong(Fields.END_TIME);
        Long t = e.getLong(Fields.TIME);
        long v = Long.MIN_VALUE;
        if (end != null) {
            v = end;
        }
        if (t != null) {
            v = Math.max(v, t);
        }
        return v;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        byte[] r = new byte[a.length + 1 + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        r[a.length] = (byte) '\n';
        System.arraycopy(b, 0, r, a.length + 1, b.length);
        return r;
    }

    static String text(byte[] raw) {
        return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
    }
}
