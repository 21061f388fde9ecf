package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;
import io.podtrail.query.EventQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A wide_events row records which of its field columns hold a value ({@code _present}), and is read with only
 * those; a row without the record (written before it) is read with all of them. Rows of different shapes on one
 * page come back whole either way.
 */
class WidePresentColumnsTest {

    @Test
    void wideRowsAreReadWithTheColumnsTheyHold(@TempDir Path dir) throws Exception {
        List<Event> in = List.of(request(1, TestEvents.T0), request(2, TestEvents.T0 + 1).set(Fields.KA_USER_GROUPS, List.of()),
                alert(3, TestEvents.T0 + 2), TestEvents.exec(4, TestEvents.T0 + 3, "sh -c id"));
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            store.append(in);
            Map<Long, String> present = present(store);
            assertThat(present).containsOnlyKeys(1L, 2L, 3L);
            for (Event e : in.subList(0, 3)) {
                TreeSet<String> expected = new TreeSet<>();
                for (Field f : Fields.stored()) {
                    if (f != Fields.ID && e.get(f) != null) {
                        expected.add(f.column());
                    }
                }
                assertThat(new TreeSet<>(Arrays.asList(present.get(e.id()).split(",")))).as("event %d", e.id()).isEqualTo(expected);
            }
            assertThat(present.get(2L)).as("an empty list is a value").contains("ka_user_groups");
            assertRoundTrip(store, in);
            store.withConnection(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("UPDATE wide_events SET _present = NULL WHERE podtrail_kind = 'k8s_api'"); // as before the column
                }
                return null;
            });
        }
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            assertRoundTrip(store, in);
            assertThat(store.query(new EventQuery("ka.user.name = alice", null, null, 10, null)).events()).extracting(Event::id)
                    .containsExactly(2L, 1L);
        }
    }

    private static void assertRoundTrip(DuckDbEventStore store, List<Event> in) {
        Map<Long, Event> out = new HashMap<>();
        for (Event e : store.query(new EventQuery("", null, null, 10, null)).events()) {
            out.put(e.id(), e);
        }
        assertThat(out).hasSize(in.size());
        for (Event e : in) {
            Map<String, Object> back = new HashMap<>(out.get(e.id()).toMap());
            back.keySet().removeIf(k -> k.startsWith("session."));
            assertThat(back).as("event %d", e.id()).isEqualTo(e.toMap());
        }
    }

    private static Map<Long, String> present(DuckDbEventStore store) {
        return store.withConnection(c -> {
            Map<Long, String> out = new HashMap<>();
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT podtrail_id, _present FROM wide_events")) {
                while (r.next()) {
                    out.put(r.getLong(1), r.getString(2));
                }
            }
            return out;
        });
    }

    private static Event request(long id, long time) {
        List<String> groups = new ArrayList<>(List.of("system:authenticated", "sre"));
        return TestEvents.stage(id, "ResponseComplete", time, time + 5).set(Fields.KA_VERB, "create")
                .set(Fields.KA_USER_NAME, "alice").set(Fields.KA_USER_GROUPS, groups).set(Fields.K8S_NS_NAME, "billing")
                .set(Fields.KA_URI, "/api/v1/namespaces/billing/pods/api-0/exec?command=sh").set(Fields.KA_RESPONSE_CODE, 101L);
    }

    private static Event alert(long id, long time) {
        return new Event().kind(EventKind.NETWORK_CONNECT).set(Fields.ID, id).set(Fields.TIME, time).set(Fields.FORMAT, "falco")
                .set(Fields.TYPE, "connect").set(Fields.K8S_NS_NAME, "ns2").set(Fields.FALCO_RULE, "Outbound to unknown")
                .set(Fields.FD_SIP, "192.0.2.7").set(Fields.FD_SPORT, 4444L).raw("{\"id\":" + id + "}");
    }
}
