package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.query.Filter;
import io.podtrail.query.FilterEvaluator;
import io.podtrail.store.FacetQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Facts carry their container's key ({@code _ckey}), so a pod or namespace selects facts without going through
 * processes, and facets count facts per container. Trails of schema version 3 get the key on open, filled from the
 * processes chunk by chunk, and a fill that was interrupted resumes.
 */
class ContainerKeysTest {

    private static final List<String> BY_CONTAINER = List.of(
            "k8s.pod.name = ns1-pod-0",
            "k8s.ns.name = ns2",
            "k8s.ns.name in (ns0, ns2) and evt.type = connect",
            "container.name = sidecar and proc.name = curl",
            "not k8s.pod.name = ns0-pod-1 and fd.sport = 5432",
            "k8s.ns.name = ns1 and podtrail.kind = k8s_api");

    @Test
    void podsAndNamespacesAreFoundByTheFactsContainerKey(@TempDir Path dir) throws Exception {
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            appendInBatches(store);
            assertThat(count(store, "SELECT count(*) FROM facts")).isGreaterThan(1000);
            assertThat(count(store, "SELECT count(*) FROM facts f JOIN processes p USING (_pkey) WHERE f._ckey IS DISTINCT FROM p._ckey"))
                    .isZero();
            assertAnswersAreTheEvaluators(store);
        }
    }

    @Test
    void facetsWithoutAFilterCountWhatTheViewCounts(@TempDir Path dir) throws Exception {
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            appendInBatches(store);
            long from = TestEvents.T0 + 100 * 1_000_000_000L;
            long to = TestEvents.T0 + 1500 * 1_000_000_000L;
            for (FacetQuery.Hierarchy by : FacetQuery.Hierarchy.values()) {
                // "" counts facts per container key; a filter goes through the events view row by row
                var direct = store.facets(new FacetQuery("", from, to, by, 20));
                var viaView = store.facets(new FacetQuery("evt.time > 0", from, to, by, 20));
                assertThat(direct).as(by.name()).isEqualTo(viaView).hasSizeGreaterThan(6);
                assertThat(direct.get(0).count()).isEqualTo(1400);
            }
        }
    }

    @Test
    void aVersion3TrailGetsTheKeysOnOpenKeepingPositionsAndAnInterruptedFillResumes(@TempDir Path dir) throws Exception {
        List<String> positions;
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
            appendInBatches(store);
            positions = positions(store);
        }
        long chunk = Schema.containerKeysChunk;
        Schema.containerKeysChunk = 97; // many chunks, one not a multiple of a batch
        try {
            downgradeToVersion3(dir, -1);
            try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
                assertFilled(store, positions);
                assertAnswersAreTheEvaluators(store);
            }
            // killed after the first 300 rows were filled: the next open fills the rest
            downgradeToVersion3(dir, 300);
            try (DuckDbEventStore store = DuckDbEventStore.open(dir, DuckDbFilterSql.TEXT_COMPILER)) {
                assertFilled(store, positions);
                assertAnswersAreTheEvaluators(store);
                // and the trail goes on: new facts carry the key when appended
                store.append(List.of(event(5000, 1), event(5001, 2)));
                assertThat(count(store, "SELECT count(*) FROM facts WHERE _ckey IS NULL")).isZero();
            }
        } finally {
            Schema.containerKeysChunk = chunk;
        }
    }

    private static void assertFilled(DuckDbEventStore store, List<String> positions) throws Exception {
        assertThat(count(store, "SELECT max(version) FROM podtrail_schema")).isEqualTo(Schema.VERSION);
        assertThat(count(store, "SELECT count(*) FROM facts f JOIN processes p USING (_pkey) WHERE f._ckey IS DISTINCT FROM p._ckey"))
                .isZero();
        assertThat(positions(store)).as("every fact where it was (the spans point at positions)").isEqualTo(positions);
    }

    /** Rewrites the trail's facts as version 3 had them (no _ckey); {@code filled} >= 0: the column kept for rows before it. */
    private static void downgradeToVersion3(Path dir, long filled) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(DuckDbEventStore.FILE_NAME));
             Statement s = c.createStatement()) {
            for (String view : List.of("events", "sensor_events", "api_events")) {
                s.execute("DROP VIEW " + view);
            }
            s.execute("ALTER TABLE facts DROP COLUMN _ckey");
            if (filled >= 0) {
                s.execute("ALTER TABLE facts ADD COLUMN _ckey INTEGER");
                s.execute("UPDATE facts SET _ckey = p._ckey FROM processes p WHERE facts._pkey = p._pkey AND facts.rowid < " + filled);
            }
            s.execute("DELETE FROM podtrail_schema");
            s.execute("INSERT INTO podtrail_schema (version) VALUES (3)");
        }
    }

    private static void assertAnswersAreTheEvaluators(DuckDbEventStore store) throws Exception {
        List<Event> stored = TestEvents.allPages(store, "", 500);
        assertThat(stored).hasSize(1500);
        for (String filter : BY_CONTAINER) {
            List<Long> expected = stored.stream().filter(FilterEvaluator.of(Filter.compile(filter))).map(Event::id).toList();
            assertThat(expected).as(filter).isNotEmpty().hasSizeLessThan(stored.size() / 2);
            for (int limit : List.of(7, 1000)) {
                assertThat(TestEvents.allPages(store, filter, limit).stream().map(Event::id).toList()).as("%s, pages of %d", filter, limit)
                        .isEqualTo(expected);
            }
        }
    }

    /** 1500 events in 5 batches: 3 namespaces of 2 pods, each pod with an app and a sidecar container; a few API requests. */
    private static void appendInBatches(DuckDbEventStore store) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            events.add(event(i, i));
        }
        // a batch's events arrive out of time order and across containers
        java.util.Collections.shuffle(events, new java.util.Random(5));
        for (int b = 0; b < 5; b++) {
            store.append(events.subList(b * 300, (b + 1) * 300));
        }
    }

    private static Event event(int i, int t) {
        String ns = "ns" + (i % 3);
        String pod = ns + "-pod-" + (i / 3 % 2);
        long time = TestEvents.T0 + t * 1_000_000_000L;
        if (i % 50 == 7) {
            return new Event().kind(EventKind.K8S_API).set(Fields.ID, (long) i + 1).set(Fields.TIME, time)
                    .set(Fields.FORMAT, "k8s_audit").set(Fields.TYPE, "get")
                    .set(Fields.K8S_NS_NAME, ns).set(Fields.K8S_POD_NAME, pod).set(Fields.KA_AUDITID, "audit-" + i)
                    .raw("{\"auditID\":\"audit-" + i + "\"}");
        }
        boolean sidecar = i % 7 == 0;
        boolean connect = i % 2 == 0;
        String proc = sidecar ? "curl" : "app";
        Event e = new Event().kind(connect ? EventKind.NETWORK_CONNECT : EventKind.PROCESS_EXEC)
                .set(Fields.ID, (long) i + 1)
                .set(Fields.TIME, time)
                .set(Fields.FORMAT, "tetragon")
                .set(Fields.TYPE, connect ? "connect" : "execve")
                .set(Fields.K8S_NS_NAME, ns)
                .set(Fields.K8S_POD_NAME, pod)
                .set(Fields.CONTAINER_NAME, sidecar ? "sidecar" : "app")
                .set(Fields.CONTAINER_ID, "containerd://" + pod + (sidecar ? "-s" : "-a"))
                .set(Fields.PROC_NAME, proc)
                .set(Fields.PROC_CMDLINE, proc + " " + (i / 11))
                .set(Fields.PROC_EXEC_ID, pod + "-" + proc + "-" + (i / 11))
                .raw("{\"i\":" + i + "}");
        if (connect) {
            long port = i % 4 == 0 ? 5432 : 443;
            e.set(Fields.FD_SIP, "10.96.0." + (i % 5)).set(Fields.FD_SPORT, port).set(Fields.FD_CIP, "10.0.0." + (i % 3))
                    .set(Fields.FD_CPORT, 40_000L + i).set(Fields.FD_L4PROTO, "tcp");
        }
        return e;
    }

    /** Every fact's position and id, in position order. */
    private static List<String> positions(DuckDbEventStore store) throws Exception {
        List<String> out = new ArrayList<>();
        store.withConnection(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT rowid, podtrail_id FROM facts ORDER BY rowid")) {
                while (r.next()) {
                    out.add(r.getLong(1) + ":" + r.getLong(2));
                }
            }
            return null;
        });
        return out;
    }

    private static long count(DuckDbEventStore store, String sql) throws Exception {
        return store.withConnection(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
                r.next();
                return r.getLong(1);
            }
        });
    }
}
