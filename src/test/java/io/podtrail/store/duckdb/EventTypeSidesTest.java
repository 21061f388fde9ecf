package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.query.EventQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A filter that requires event types (`evt.type = connect`) skips the API side when wide_events holds none of
 * them; a row of that type kept whole (a Falco alert) must still be found, whether it arrived after the store
 * opened or before.
 */
class EventTypeSidesTest {

    @Test
    void rowsKeptWholeOfTheRequiredTypeAreFound(@TempDir Path dir) throws Exception {
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            store.append(List.of(TestEvents.exec(1, TestEvents.T0, "sh"), TestEvents.exec(2, TestEvents.T0 + 1, "curl x"),
                    connect(3, TestEvents.T0 + 2), TestEvents.stage(4, "ResponseComplete", TestEvents.T0 + 3, TestEvents.T0 + 3)));
            assertThat(ids(store, "evt.type = connect")).containsExactly(3L);
            // a Falco alert about a connect: kept whole in wide_events, a type it did not hold yet
            store.append(List.of(alert(5, TestEvents.T0 + 4)));
            assertThat(ids(store, "evt.type = connect")).containsExactly(5L, 3L);
            assertThat(ids(store, "evt.type in (connect, execve)")).containsExactly(5L, 3L, 2L, 1L);
            assertThat(ids(store, "evt.type = connect and evt.type in (connect, openat)")).containsExactly(5L, 3L);
            assertThat(ids(store, "evt.type = openat")).isEmpty();
            assertThat(ids(store, "evt.type = execve")).containsExactly(2L, 1L);
        }
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            // the types wide_events holds are read again on open
            assertThat(ids(store, "evt.type = connect")).containsExactly(5L, 3L);
            assertThat(ids(store, "evt.type = connect and k8s.ns.name = ns2")).containsExactly(5L);
        }
    }

    @Test
    void theRequiredTypesOfAFilter() {
        assertThat(Pushdown.eventTypes("evt.type = connect and proc.name = curl")).containsExactly("connect");
        assertThat(Pushdown.eventTypes("evt.type in (connect, execve) and evt.type in (execve, openat)")).containsExactly("execve");
        assertThat(Pushdown.eventTypes("evt.type = connect or proc.name = curl")).as("not required by every row").isNull();
        assertThat(Pushdown.eventTypes("evt.type != connect")).isNull();
        assertThat(Pushdown.eventTypes("")).isNull();
    }

    private static Event connect(long id, long time) {
        return new Event().kind(EventKind.NETWORK_CONNECT).set(Fields.ID, id).set(Fields.TIME, time).set(Fields.FORMAT, "tetragon")
                .set(Fields.TYPE, "connect").set(Fields.K8S_NS_NAME, "ns1").set(Fields.PROC_NAME, "curl")
                .set(Fields.FD_SIP, "10.96.0.1").set(Fields.FD_SPORT, 443L).raw("{\"id\":" + id + "}");
    }

    private static Event alert(long id, long time) {
        return new Event().kind(EventKind.NETWORK_CONNECT).set(Fields.ID, id).set(Fields.TIME, time).set(Fields.FORMAT, "falco")
                .set(Fields.TYPE, "connect").set(Fields.K8S_NS_NAME, "ns2").set(Fields.FALCO_RULE, "Outbound to unknown")
                .set(Fields.PROC_NAME, "nc").raw("{\"rule\":\"Outbound to unknown\"}");
    }

    private static List<Long> ids(DuckDbEventStore store, String filter) {
        return store.query(new EventQuery(filter, null, null, 100, null)).events().stream().map(Event::id).toList();
    }
}
