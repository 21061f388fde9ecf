package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;

/** Small event factories for the store tests. */
final class TestEvents {

    static final long T0 = 1_700_000_000_000_000_000L;

    private TestEvents() {
    }

    static Event exec(long id, long time, String cmdline) {
        return new Event().kind(EventKind.PROCESS_EXEC)
                .set(Fields.ID, id)
                .set(Fields.TIME, time)
                .set(Fields.FORMAT, "tetragon")
                .set(Fields.TYPE, "execve")
                .set(Fields.PROC_CMDLINE, cmdline)
                .set(Fields.K8S_NS_NAME, "ns" + (id % 3))
                .raw("{\"id\":" + id + ",\"cmd\":\"" + cmdline.replace("\"", "\\\"") + "\"}");
    }

    static Event stage(long id, String stage, long time, long stageTime) {
        return new Event().kind(EventKind.K8S_API)
                .set(Fields.ID, id)
                .set(Fields.TIME, time)
                .set(Fields.END_TIME, stageTime)
                .set(Fields.FORMAT, "k8s-audit")
                .set(Fields.KA_AUDITID, "audit-" + id)
                .set(Fields.KA_STAGE, stage)
                .raw("{\"stage\":\"" + stage + "\"}");
    }

    /** Every event of a filter, newest first, page by page as the API and the CLI read them. */
    static java.util.List<Event> allPages(io.podtrail.store.EventStore store, String filter, int limit) {
        java.util.List<Event> out = new java.util.ArrayList<>();
        String cursor = null;
        do {
            io.podtrail.store.EventStore.EventPage p = store.query(new io.podtrail.query.EventQuery(filter, null, null, limit, cursor));
            out.addAll(p.events());
            cursor = p.nextCursor();
        } while (cursor != null);
        return out;
    }
}
