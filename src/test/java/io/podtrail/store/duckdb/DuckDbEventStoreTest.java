package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;
import io.podtrail.query.EventQuery;
import io.podtrail.query.IpNumbers;
import io.podtrail.store.EventStore.AppendResult;
import io.podtrail.store.EventStore.EventPage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.podtrail.store.duckdb.TestEvents.T0;
import static io.podtrail.store.duckdb.TestEvents.exec;
import static io.podtrail.store.duckdb.TestEvents.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DuckDbEventStoreTest {

    static final List<String> AWKWARD = List.of("", " ", "a,b", "\"quoted\"", "\"", "\"\"", "line1\nline2", "cr\r\nlf",
            "\r", "back\\slash\\", "\\N", "NULL", "null", "tab\there", "unicode é 日本 🚀", "'single'", "{\"json\":[1]}",
            "[a, b]", "k=v,x=y", "trailing\n", "ctl\u0001\u001f", "nul\u0000byte", ",", "\n");

    @TempDir
    Path dir;
    DuckDbEventStore store;

    @BeforeEach
    void open() {
        store = DuckDbEventStore.open(dir, new TestFilters(), small());
    }

    @AfterEach
    void close() {
        store.close();
    }

    static DuckDbEventStore.Options small() {
        return new DuckDbEventStore.Options("256MB", 2, 3, 100, java.time.Duration.ofHours(24));
    }

    private void reopen() {
        store.close();
        store = DuckDbEventStore.open(dir, new TestFilters(), small());
    }

    private List<Event> all() {
        List<Event> out = new ArrayList<>();
        String cursor = null;
        do {
            EventPage p = store.query(new EventQuery("", null, null, 1000, cursor));
            out.addAll(p.events());
            cursor = p.nextCursor();
        } while (cursor != null);
        return out;
    }

    /** An event with every stored field set. */
    static Event full(long id, String text) {
        Event e = new Event();
        for (Field f : Fields.stored()) {
            if (Schema.isSession(f)) {
                continue; // joined from the session tables, never stored with the event
            }
            Object v = switch (f.type()) {
                case STRING -> text + "|" + f.name();
                case LONG -> -1_000_000_007L * (f.index() + 1);
                case TIME -> T0 + f.index();
                case BOOL -> f.index() % 2 == 0;
                case IP -> f.index() % 2 == 0 ? "10.1.2." + (id % 250) : "2001:db8::" + Long.toHexString(id);
                case STRING_LIST -> List.of(text, "", "second," + text);
                case STRING_MAP -> {
                    Map<String, String> m = new LinkedHashMap<>();
                    m.put("app.kubernetes.io/name", text);
                    m.put(text + "key", "v");
                    m.put("empty", "");
                    yield m;
                }
            };
            e.set(f, v);
        }
        e.set(Fields.ID, id).set(Fields.TIME, T0 + id).set(Fields.KIND, "exec");
        return e.raw(("{\"text\":\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"}"));
    }

    @Test
    void everyFieldTypeRoundTripsWithAwkwardStrings() {
        List<Event> in = new ArrayList<>();
        for (int i = 0; i < AWKWARD.size(); i++) {
            in.add(full(i + 1, AWKWARD.get(i)));
            // and without the rare fields, so it is stored in facts and the dimensions rather than wide_events
            Event sensor = full(1000 + i, AWKWARD.get(i));
            for (Field f : Fields.stored()) {
                if (Schema.isRare(f)) {
                    sensor.set(f, null);
                }
            }
            in.add(sensor);
        }
        assertThat(store.append(in)).isEqualTo(new AppendResult(in.size(), 0, 0));
        reopen();
        List<Event> out = all();
        assertThat(out).hasSize(in.size());
        Map<Long, Event> byId = new LinkedHashMap<>();
        out.forEach(e -> byId.put(e.id(), e));
        for (Event e : in) {
            assertThat(byId.get(e.id()).toMap()).as("event %d", e.id()).isEqualTo(e.toMap());
            assertThat(store.raw(e.id())).isEqualTo(e.raw());
        }
    }

    @Test
    void nullsStayNullAndEmptyStaysEmpty() {
        Event e = new Event().set(Fields.ID, 1L).set(Fields.TIME, T0).set(Fields.KIND, "exec")
                .set(Fields.PROC_NAME, "").set(Fields.KA_USER_GROUPS, List.of()).set(Fields.K8S_POD_LABELS, Map.of());
        store.append(List.of(e));
        Event back = all().get(0);
        assertThat(back.toMap()).isEqualTo(e.toMap());
        assertThat(back.get(Fields.PROC_CMDLINE)).isNull();
        assertThat(store.raw(1L)).isNull();
    }

    @Test
    void manyRandomStringsAcrossCsvBuffersRoundTrip() {
        Random rnd = new Random(42);
        List<Event> in = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(60);
            for (int k = 0; k < n; k++) {
                sb.append(rnd.nextInt(4) == 0 ? AWKWARD.get(rnd.nextInt(AWKWARD.size())) : Character.toString('a' + rnd.nextInt(26)));
            }
            in.add(exec(i + 1, T0 + i * 1000L, sb.toString()));
        }
        assertThat(store.append(in).stored()).isEqualTo(in.size());
        Map<Long, Event> byId = new LinkedHashMap<>();
        all().forEach(e -> byId.put(e.id(), e));
        assertThat(byId).hasSize(in.size());
        for (Event e : in) {
            assertThat(byId.get(e.id()).getString(Fields.PROC_CMDLINE)).isEqualTo(e.getString(Fields.PROC_CMDLINE));
        }
        for (int i : new int[] {0, 99, 100, 16_383, 16_384, 19_999}) { // across raw blocks and staging chunks
            assertThat(store.raw(in.get(i).id())).isEqualTo(in.get(i).raw());
        }
    }

    @Test
    void reopeningAddsColumnsForNewCatalogueFields() {
        store.append(List.of(exec(1, T0, "a").set(Fields.FALCO_OUTPUT, "x")));
        store.withConnection(c -> c.createStatement().execute("ALTER TABLE wide_events DROP COLUMN falco_output"));
        reopen();
        store.append(List.of(exec(2, T0 + 1, "b").set(Fields.FALCO_OUTPUT, "y")));
        assertThat(all()).extracting(e -> e.getString(Fields.FALCO_OUTPUT)).containsExactly("y", null);
    }

    @Test
    void ipColumnsHoldTextAndNumber() {
        Event e = exec(1, T0, "curl").set(Fields.FD_SIP, "10.0.0.1").set(Fields.FD_CIP, "fe80::1");
        Event bad = exec(2, T0 + 1, "curl").set(Fields.FD_SIP, "not-an-ip");
        store.append(List.of(e, bad));
        Map<Long, Object[]> nums = store.withConnection(c -> {
            Map<Long, Object[]> m = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT podtrail_id, fd_sip_num, fd_cip_num, fd_sip FROM events ORDER BY podtrail_id");
                 ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    m.put(r.getLong(1), new Object[] {r.getObject(2), r.getObject(3), r.getString(4)});
                }
            }
            return m;
        });
        assertThat(nums.get(1L)).containsExactly(IpNumbers.toNumber("10.0.0.1"), IpNumbers.toNumber("fe80::1"), "10.0.0.1");
        assertThat(nums.get(2L)).containsExactly(null, null, "not-an-ip");
        // a HUGEINT parameter binds
        long n = store.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM events WHERE fd_sip_num BETWEEN ? AND ?")) {
                ps.setObject(1, IpNumbers.toNumber("10.0.0.0"));
                ps.setObject(2, IpNumbers.toNumber("10.255.255.255"));
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
        });
        assertThat(n).isEqualTo(1);
    }

    @Test
    void duplicatesWithinAcrossBatchesAndAcrossReopen() {
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(exec(i, T0 + i, "cmd " + i));
        }
        List<Event> withDup = new ArrayList<>(batch);
        withDup.add(exec(5, T0 + 5, "cmd 5"));
        assertThat(store.append(withDup)).isEqualTo(new AppendResult(100, 1, 0));
        assertThat(store.append(batch)).isEqualTo(new AppendResult(0, 100, 0));
        // overlapping batch: half old, half new
        List<Event> overlap = new ArrayList<>();
        for (int i = 50; i < 150; i++) {
            overlap.add(exec(i, T0 + i, "cmd " + i));
        }
        assertThat(store.append(overlap)).isEqualTo(new AppendResult(50, 50, 0));
        reopen();
        assertThat(store.append(overlap)).isEqualTo(new AppendResult(0, 100, 0));
        assertThat(store.count()).isEqualTo(150);
        assertThat(store.stats().rows()).isEqualTo(150);
        assertThat(store.raw(149)).isEqualTo(exec(149, T0 + 149, "cmd 149").raw());
    }

    @Test
    void auditStagesMergeInEveryArrivalOrder() {
        String[] names = {"RequestReceived", "ResponseStarted", "ResponseComplete"};
        int[][] orders = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        for (int o = 0; o < orders.length; o++) {
            long id = 1000 + o;
            long base = T0 + o * 1_000_000L;
            for (int k = 0; k < 3; k++) {
                int s = orders[o][k];
                Event e = stage(id, names[s], base + s * 10, base + s * 100);
                if (s == 0) {
                    e.set(Fields.KA_VERB, "create").set(Fields.KA_USER_NAME, "alice");
                }
                if (s == 1) {
                    e.set(Fields.KA_RESPONSE_CODE, 101L);
                }
                if (s == 2) {
                    e.set(Fields.KA_RESPONSE_CODE, 200L).set(Fields.KA_USERAGENT, "kubectl");
                }
                AppendResult r = store.append(List.of(e));
                assertThat(r).isEqualTo(k == 0 ? new AppendResult(1, 0, 0) : new AppendResult(0, 0, 1));
            }
            // re-ingesting any stage is a duplicate
            assertThat(store.append(List.of(stage(id, names[1], base + 10, base + 100)))).isEqualTo(new AppendResult(0, 1, 0));
            List<Event> got = store.query(new EventQuery("ka_auditid = 'audit-" + id + "'", null, null, 10, null)).events();
            assertThat(got).as("order %d", o).hasSize(1);
            Event m = got.get(0);
            assertThat(m.time()).isEqualTo(base);
            assertThat(m.getLong(Fields.END_TIME)).isEqualTo(base + 200);
            assertThat(m.getString(Fields.KA_STAGE)).isEqualTo("ResponseComplete");
            assertThat(m.getLong(Fields.KA_RESPONSE_CODE)).isEqualTo(200L);
            assertThat(m.getString(Fields.KA_VERB)).isEqualTo("create");
            assertThat(m.getString(Fields.KA_USER_NAME)).isEqualTo("alice");
            assertThat(m.getString(Fields.KA_USERAGENT)).isEqualTo("kubectl");
            String raw = new String(store.raw(id), StandardCharsets.UTF_8);
            assertThat(raw.lines().toList()).hasSize(3).allMatch(l -> l.startsWith("{\"stage\""));
        }
        assertThat(store.count()).isEqualTo(6);
    }

    @Test
    void auditStagesMergeWithinOneBatchAndPanicWins() {
        AppendResult r = store.append(List.of(
                stage(7, "ResponseComplete", T0, T0 + 50).set(Fields.KA_RESPONSE_CODE, 200L),
                stage(7, "Panic", T0, T0 + 30).set(Fields.KA_RESPONSE_CODE, 500L),
                stage(7, "RequestReceived", T0, T0),
                stage(7, "RequestReceived", T0, T0)));
        assertThat(r).isEqualTo(new AppendResult(1, 1, 2));
        Event m = all().get(0);
        assertThat(m.getString(Fields.KA_STAGE)).isEqualTo("Panic");
        assertThat(m.getLong(Fields.KA_RESPONSE_CODE)).isEqualTo(500L);
        assertThat(m.getLong(Fields.END_TIME)).isEqualTo(T0 + 50);
    }

    @Test
    void newestFirstPagingCoversEveryRowOnce() {
        List<Event> in = new ArrayList<>();
        Random rnd = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            in.add(exec(rnd.nextLong(), T0 + rnd.nextInt(300), "c")); // many equal times
        }
        Collections.shuffle(in, rnd);
        store.append(in.subList(0, 1000));
        store.append(in.subList(1000, 2000));
        List<Event> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            EventPage p = store.query(new EventQuery("", null, null, 37, cursor));
            assertThat(p.events().size()).isLessThanOrEqualTo(37);
            seen.addAll(p.events());
            cursor = p.nextCursor();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo((2000 + 36) / 37);
        Set<Long> ids = new HashSet<>();
        seen.forEach(e -> ids.add(e.id()));
        assertThat(ids).hasSize(2000);
        for (int i = 1; i < seen.size(); i++) {
            Event a = seen.get(i - 1);
            Event b = seen.get(i);
            assertThat(a.time() > b.time() || (a.time() == b.time() && a.id() > b.id())).isTrue();
        }
    }

    @Test
    void timeBoundsAndFilter() {
        List<Event> in = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            in.add(exec(i, T0 + i, "cmd " + i));
        }
        store.append(in);
        List<Event> got = store.query(new EventQuery("", T0 + 10, T0 + 20, 1000, null)).events();
        assertThat(got).extracting(Event::time).containsExactlyElementsOf(
                java.util.stream.LongStream.range(10, 20).map(i -> T0 + 19 - (i - 10)).boxed().toList());
        assertThat(store.query(new EventQuery("k8s_ns_name = 'ns1'", T0 + 10, T0 + 20, 1000, null)).events())
                .extracting(Event::id).containsExactly(19L, 16L, 13L, 10L);
        assertThat(store.query(new EventQuery("proc_cmdline = 'cmd 42'", null, null, 5, null)).events())
                .extracting(Event::id).containsExactly(42L);
        assertThatThrownBy(() -> store.query(new EventQuery("", null, null, 5, "garbage!"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dataSurvivesCloseAndReopenAndStatsReportBytes() {
        store.append(List.of(exec(1, T0, "a"), exec(2, T0 + 1, "b")));
        reopen();
        store.append(List.of(exec(3, T0 + 2, "c")));
        reopen();
        assertThat(store.count()).isEqualTo(3);
        assertThat(new String(store.raw(2), StandardCharsets.UTF_8)).isEqualTo("{\"id\":2,\"cmd\":\"b\"}");
        assertThat(store.raw(99)).isNull();
        DuckDbEventStore.Stats s = store.stats();
        assertThat(s.rows()).isEqualTo(3);
        assertThat(s.fileBytes()).isPositive();
        assertThat(s.rawBytes()).isEqualTo(3L * "{\"id\":1,\"cmd\":\"a\"}".length());
        assertThat(s.bytesPerEvent()).isPositive();
    }

    @Test
    void schemaVersionIsRecorded() {
        int v = store.withConnection(c -> {
            try (ResultSet r = c.createStatement().executeQuery("SELECT max(version) FROM podtrail_schema")) {
                r.next();
                return r.getInt(1);
            }
        });
        assertThat(v).isEqualTo(Schema.VERSION);
        reopen();
        long rows = store.withConnection(c -> {
            try (ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM podtrail_schema")) {
                r.next();
                return r.getLong(1);
            }
        });
        assertThat(rows).isEqualTo(1);
    }

    @Test
    void refusesATrailOfTheFirstLayout() throws Exception {
        store.close();
        Path old = dir.resolve("old");
        java.nio.file.Files.createDirectories(old);
        try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + old.resolve(DuckDbEventStore.FILE_NAME));
             var s = c.createStatement()) {
            s.execute("CREATE TABLE podtrail_schema (version INTEGER NOT NULL, applied_at TIMESTAMP)");
            s.execute("INSERT INTO podtrail_schema VALUES (1, current_timestamp)");
            s.execute("CREATE TABLE events (podtrail_id BIGINT)");
        }
        assertThatThrownBy(() -> DuckDbEventStore.open(old, new TestFilters(), small()))
                .hasMessageContaining("created by an older Podtrail (schema version 1").hasMessageContaining("re-ingest");
        store = DuckDbEventStore.open(dir, new TestFilters(), small()); // version 2 is migrated: DerivedIdsTest
    }

    @Test
    void processesAndContainersAreStoredOncePerDistinctValues() {
        List<Event> in = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            in.add(exec(i, T0 + i, "cmd " + (i % 10)).set(Fields.PROC_NAME, "p" + (i % 10)).set(Fields.CONTAINER_ID, "c" + (i % 2)));
        }
        store.append(in.subList(0, 150));
        store.append(in.subList(150, 300));
        long[] counts = store.withConnection(c -> {
            try (ResultSet r = c.createStatement().executeQuery(
                    "SELECT (SELECT count(*) FROM processes), (SELECT count(*) FROM containers), (SELECT count(*) FROM facts)")) {
                r.next();
                return new long[] {r.getLong(1), r.getLong(2), r.getLong(3)};
            }
        });
        // ns = id % 3 and cmd = id % 10 are in different dimensions: 6 containers (c x ns), 30 processes
        assertThat(counts).containsExactly(30, 6, 300);
        for (Event e : in.subList(0, 5)) {
            assertThat(store.query(new EventQuery("podtrail_id = '" + e.id() + "'", null, null, 5, null)).events())
                    .extracting(Event::toMap).containsExactly(e.toMap());
        }
    }

    @Test
    void connectionNamesAreComputedByTheViewOnlyWhenExactlyDerivable() {
        List<Event> in = List.of(
                conn(1, "10.0.0.1", 40000L, "10.96.0.1", 443L, "10.0.0.1:40000->10.96.0.1:443"),
                conn(2, "10.0.0.1", null, "10.96.0.1", 443L, "10.0.0.1:->10.96.0.1:443"),
                conn(3, "fe80::1", 5L, "::1", null, "fe80::1:5->::1:"),
                conn(4, "10.0.0.1", 40000L, "10.96.0.1", 443L, "10.0.0.1:40000->10.96.0.1:444"), // not derivable: kept
                conn(5, "10.0.0.1", 40000L, null, 443L, "10.0.0.1:40000->null:443"),
                conn(6, "10.0.0.1", -7L, "10.96.0.1", 443L, "10.0.0.1:-7->10.96.0.1:443"),
                conn(7, "10.0.0.1", 40000L, "10.96.0.1", 443L, null));
        assertThat(DuckDbEventStore.isConnectionName(in.get(0))).isTrue();
        assertThat(DuckDbEventStore.isConnectionName(in.get(3))).isFalse();
        store.append(in);
        reopen();
        Map<Long, Event> byId = new LinkedHashMap<>();
        all().forEach(e -> byId.put(e.id(), e));
        for (Event e : in) {
            assertThat(byId.get(e.id()).toMap()).as("event %d", e.id()).isEqualTo(e.toMap());
        }
        assertThat(store.query(new EventQuery("fd_name = '10.0.0.1:40000->10.96.0.1:443'", null, null, 10, null)).events())
                .extracting(Event::id).containsExactly(1L);
        long peers = store.withConnection(c -> {
            try (ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM peers")) {
                r.next();
                return r.getLong(1);
            }
        });
        assertThat(peers).isEqualTo(3); // the client port is per event: 1, 2, 4, 6 and 7 share their peer
    }

    private static Event conn(long id, String cip, Long cport, String sip, Long sport, String name) {
        Event e = exec(id, T0 + id, "curl").kind(io.podtrail.event.EventKind.NETWORK_CONNECT).set(Fields.FD_CIP, cip)
                .set(Fields.FD_CPORT, cport).set(Fields.FD_SIP, sip).set(Fields.FD_SPORT, sport).set(Fields.FD_L4PROTO, "tcp")
                .set(Fields.FD_NAME, name);
        return e;
    }

    @Test
    void rejectsEventsWithoutIdOrTime() {
        assertThatThrownBy(() -> store.append(List.of(new Event().set(Fields.TIME, T0))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.count()).isZero();
    }

    @Test
    void bigIntegerAndListParamsBind() {
        store.append(List.of(exec(1, T0, "a").set(Fields.FD_SIP, "10.0.0.1"), exec(2, T0 + 1, "b")));
        FilterCompiler custom = text -> new SqlFragment("fd_sip_num = ? AND list_contains(?, proc_cmdline)",
                List.of(IpNumbers.toNumber("10.0.0.1"), List.of("a", "z")));
        store.close();
        store = DuckDbEventStore.open(dir, custom, small());
        assertThat(store.query(EventQuery.of("x")).events()).extracting(Event::id).containsExactly(1L);
        assertThat(BigInteger.ONE).isNotNull();
    }
}
