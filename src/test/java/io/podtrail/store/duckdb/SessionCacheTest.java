package io.podtrail.store.duckdb;

import io.podtrail.correlate.Attributions;
import io.podtrail.correlate.SessionRecord;
import io.podtrail.event.Event;
import io.podtrail.event.Fields;
import io.podtrail.query.EventQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A page's session fields come through a cache of session lookups (PageRows); a late attribution, a replaced
 * session and a removed one must show on the very next page, for sensor events and for API requests alike. A
 * session filter finds its processes through session_process_keys, which must hold every process row of an
 * attributed exec id, whether the row was stored before the attribution or after it, and after a backfill.
 */
class SessionCacheTest {

    @Test
    void attributionsShowOnTheNextPage(@TempDir Path dir) {
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            Event exec = TestEvents.exec(1, TestEvents.T0, "bash -i").set(Fields.PROC_EXEC_ID, "exec-bash");
            Event request = TestEvents.stage(2, "ResponseComplete", TestEvents.T0 - 1_000_000_000L, TestEvents.T0);
            store.append(List.of(exec, request));
            // read (and cache) the answer "no session" for both
            assertThat(session(store, "proc.exec_id = exec-bash")).isNull();
            assertThat(session(store, "ka.auditid = audit-2")).isNull();

            store.attribute(new Attributions(List.of(session("audit-2", "john.doe")), Map.of("exec-bash", "audit-2"), List.of()));
            Event e = one(store, "proc.exec_id = exec-bash");
            assertThat(e.get(Fields.SESSION_ID)).isEqualTo("audit-2");
            assertThat(e.get(Fields.SESSION_USER_NAME)).isEqualTo("john.doe");
            assertThat(e.get(Fields.SESSION_ROOT)).isEqualTo(true);
            assertThat(session(store, "ka.auditid = audit-2")).as("the request is its own session").isEqualTo("audit-2");
            // and the filter agrees with what the page shows
            assertThat(store.query(new EventQuery("session.user.name = john.doe", null, null, 10, null)).events()).hasSize(2);

            store.attribute(new Attributions(List.of(session("audit-2", "jane.roe")), Map.of(), List.of()));
            assertThat(one(store, "proc.exec_id = exec-bash").get(Fields.SESSION_USER_NAME)).isEqualTo("jane.roe");

            store.attribute(new Attributions(List.of(), Map.of(), List.of("audit-2")));
            assertThat(session(store, "proc.exec_id = exec-bash")).isNull();
            assertThat(session(store, "ka.auditid = audit-2")).isNull();
        }
    }

    @Test
    void sessionFiltersFindProcessRowsStoredBeforeAndAfterTheAttribution(@TempDir Path dir) throws Exception {
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            Event root = TestEvents.exec(1, TestEvents.T0, "bash -i").set(Fields.PROC_EXEC_ID, "exec-bash");
            Event other = TestEvents.exec(2, TestEvents.T0 + 1, "nginx").set(Fields.PROC_EXEC_ID, "exec-nginx");
            store.append(List.of(root, other));
            store.attribute(new Attributions(List.of(session("audit-2", "john.doe")), Map.of("exec-bash", "audit-2"), List.of()));
            // after the attribution: the same process seen with another command line (a new process row), and a child
            // attributed before its first event arrives
            store.attribute(new Attributions(List.of(), Map.of("exec-curl", "audit-2"), List.of()));
            store.append(List.of(
                    TestEvents.exec(3, TestEvents.T0 + 2, "bash -i -l").set(Fields.PROC_EXEC_ID, "exec-bash"),
                    TestEvents.exec(4, TestEvents.T0 + 3, "curl evil").set(Fields.PROC_EXEC_ID, "exec-curl"),
                    TestEvents.exec(5, TestEvents.T0 + 4, "nginx -s reload").set(Fields.PROC_EXEC_ID, "exec-nginx")));
            assertThat(ids(store, "session.id = audit-2")).containsExactly(4L, 3L, 1L);
            assertThat(ids(store, "session.user.name = john.doe and proc.cmdline contains bash")).containsExactly(3L, 1L);
            store.withConnection(c -> {
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute("DROP TABLE " + Schema.SESSION_PROCESS_KEYS);
                }
                return null;
            });
        }
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            assertThat(ids(store, "session.id = audit-2")).as("rebuilt on open").containsExactly(4L, 3L, 1L);
        }
    }

    /**
     * A session's page on the API side: its request (by auditID) and its processes' rows kept whole (a Falco alert,
     * by exec id) are found by position and checked in Java against the whole filter; another session's request and
     * rows, and rows the rest of the filter rejects, must not come with them, page after page.
     */
    @Test
    void aSessionsRequestAndItsProcessesRowsKeptWholeAreOnItsPages(@TempDir Path dir) {
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            long s = 1_000_000_000L;
            store.append(List.of(
                    TestEvents.stage(2, "ResponseComplete", TestEvents.T0 - s, TestEvents.T0 - s),
                    TestEvents.exec(1, TestEvents.T0, "bash -i").set(Fields.PROC_EXEC_ID, "exec-bash"),
                    TestEvents.exec(3, TestEvents.T0 + s, "cat /etc/shadow").set(Fields.PROC_EXEC_ID, "exec-bash")
                            .set(Fields.FALCO_RULE, "Read sensitive file").set(Fields.FORMAT, "falco"),
                    TestEvents.stage(9, "ResponseComplete", TestEvents.T0 + 2 * s, TestEvents.T0 + 2 * s),
                    TestEvents.exec(4, TestEvents.T0 + 3 * s, "curl evil").set(Fields.PROC_EXEC_ID, "exec-other")
                            .set(Fields.FALCO_RULE, "Outbound to unknown").set(Fields.FORMAT, "falco"),
                    TestEvents.exec(5, TestEvents.T0 + 4 * s, "ls").set(Fields.PROC_EXEC_ID, "exec-bash")));
            store.attribute(new Attributions(List.of(session("audit-2", "john.doe"), session("audit-9", "jane.roe")),
                    Map.of("exec-bash", "audit-2", "exec-other", "audit-9"), List.of()));

            assertThat(ids(store, "session.id = audit-2")).containsExactly(5L, 3L, 1L, 2L);
            assertThat(pages(store, "session.id = audit-2", 1)).containsExactly(5L, 3L, 1L, 2L);
            assertThat(ids(store, "session.user.name = jane.roe")).containsExactly(4L, 9L);
            assertThat(ids(store, "session.id = audit-2 and falco.rule exists")).containsExactly(3L);
            assertThat(ids(store, "session.id = audit-2 and ka.auditid = audit-2")).containsExactly(2L);
            assertThat(ids(store, "session.id = audit-2 and proc.cmdline contains shadow")).containsExactly(3L);
            assertThat(ids(store, "session.id = audit-2 and session.root = true")).containsExactly(5L, 3L, 1L);
            Event alert = one(store, "session.id = audit-2 and falco.rule exists");
            assertThat(alert.get(Fields.SESSION_USER_NAME)).as("the row's session fields, as the view gives them").isEqualTo("john.doe");
        }
    }

    private static List<Long> pages(DuckDbEventStore store, String filter, int limit) {
        List<Long> out = new java.util.ArrayList<>();
        String cursor = null;
        do {
            io.podtrail.store.EventStore.EventPage p = store.query(new EventQuery(filter, null, null, limit, cursor));
            p.events().forEach(e -> out.add(e.id()));
            cursor = p.nextCursor();
        } while (cursor != null);
        return out;
    }

    private static List<Long> ids(DuckDbEventStore store, String filter) {
        return store.query(new EventQuery(filter, null, null, 100, null)).events().stream().map(Event::id).toList();
    }

    private static Object session(DuckDbEventStore store, String filter) {
        return one(store, filter).get(Fields.SESSION_ID);
    }

    private static Event one(DuckDbEventStore store, String filter) {
        List<Event> events = store.query(new EventQuery(filter, null, null, 10, null)).events();
        assertThat(events).as(filter).hasSize(1);
        return events.get(0);
    }

    private static SessionRecord session(String id, String user) {
        return new SessionRecord(id, "exec", user, List.of("sre"), null, "203.0.113.45", "kubectl/v1.30.1", List.of("bash"),
                "billing-api", true, true, TestEvents.T0 - 1_000_000_000L, null, true, 101L, SessionRecord.EXACT, "exec-bash", List.of(),
                "prod", "billing", "billing-api-1", "node-1", "19a02291e106");
    }
}
