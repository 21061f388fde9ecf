package io.podtrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podtrail.event.Event;
import io.podtrail.event.Fields;
import io.podtrail.query.EventQuery;
import io.podtrail.simulate.SimulationConfig;
import io.podtrail.store.EventStore;
import io.podtrail.store.FacetCount;
import io.podtrail.store.FacetQuery;
import io.podtrail.store.Histogram;
import io.podtrail.store.HistogramQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Facets and histogram answered by the store, checked against counts from plain queries; and the CLI commands. */
class FacetsHistogramTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path data;
    static EventStore store;
    /** Every stored event, read back through query paging. */
    static List<Event> all;

    @BeforeAll
    static void ingest() throws IOException {
        Path sim = tmp.resolve("sim");
        data = tmp.resolve("data");
        SimulationConfig config = SimulationConfig.defaults(5).withDuration(Duration.ofMinutes(10)).withEventsPerSecond(30);
        SimulatedData.ingest(config, sim, data, null);
        store = Stores.openExisting(data);
        all = new ArrayList<>();
        String cursor = null;
        do {
            EventStore.EventPage page = store.query(new EventQuery("", null, null, 5000, cursor));
            all.addAll(page.events());
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat((long) all.size()).isEqualTo(store.count()).isGreaterThan(1000);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static String s(Event e, io.podtrail.event.Field f) {
        Object v = e.get(f);
        return v == null ? null : v.toString();
    }

    private static List<String> workloadPath(Event e) {
        String w = e.get(Fields.K8S_WORKLOAD_NAME) == null ? null : s(e, Fields.K8S_WORKLOAD_KIND) + "/" + s(e, Fields.K8S_WORKLOAD_NAME);
        return java.util.Arrays.asList(s(e, Fields.K8S_CLUSTER_NAME), s(e, Fields.K8S_NS_NAME), w, s(e, Fields.K8S_POD_NAME),
                s(e, Fields.CONTAINER_NAME));
    }

    /** Independent counts of every path prefix, from the events themselves. */
    private static Map<List<String>, Long> prefixCounts(List<Event> events, int depth) {
        Map<List<String>, Long> m = new HashMap<>();
        for (Event e : events) {
            List<String> p = workloadPath(e);
            m.merge(new ArrayList<>(p.subList(0, depth)), 1L, Long::sum);
        }
        return m;
    }

    @Test
    void workloadFacetsEqualCountsFromTheEventsWhenNothingIsCapped() {
        List<FacetCount> rows = store.facets(new FacetQuery("", null, null, FacetQuery.Hierarchy.WORKLOAD, FacetQuery.MAX_PODS));
        assertThat(rows.get(0).path()).isEmpty();
        assertThat(rows.get(0).count()).isEqualTo(all.size());
        assertThat(rows).noneMatch(FacetCount::others);
        for (int depth = 1; depth <= 5; depth++) {
            int d = depth;
            Map<List<String>, Long> got = new HashMap<>();
            rows.stream().filter(f -> f.depth() == d).forEach(f -> got.put(new ArrayList<>(f.path()), f.count()));
            assertThat(got).as("depth " + d).isEqualTo(prefixCounts(all, d));
        }
        // pre-order: every row's parent comes before it
        for (int i = 1; i < rows.size(); i++) {
            List<String> parent = rows.get(i).path().subList(0, rows.get(i).depth() - 1);
            assertThat(rows.subList(0, i).stream().map(FacetCount::path).toList()).contains(parent);
        }
        assertThat(rows.stream().filter(f -> f.depth() == 2).map(f -> f.path().get(1))).contains("billing");
    }

    @Test
    void aNamespaceIsTheSumOfItsPodsAndMatchesAFilteredCount() {
        List<FacetCount> rows = store.facets(new FacetQuery("evt.type = connect", null, null, FacetQuery.Hierarchy.WORKLOAD, 1000));
        FacetCount billing = rows.stream().filter(f -> f.depth() == 2 && "billing".equals(f.path().get(1))).findFirst().orElseThrow();
        long pods = rows.stream().filter(f -> f.depth() == 4 && f.path().get(1).equals("billing")).mapToLong(FacetCount::count).sum();
        assertThat(pods).isEqualTo(billing.count());
        long direct = all.stream().filter(e -> "connect".equals(s(e, Fields.TYPE)) && "billing".equals(s(e, Fields.K8S_NS_NAME))).count();
        assertThat(billing.count()).isEqualTo(direct).isPositive();
    }

    @Test
    void podsBeyondTheCapAreSummedAsOthers() {
        List<FacetCount> capped = store.facets(new FacetQuery("", null, null, FacetQuery.Hierarchy.WORKLOAD, 1));
        List<FacetCount> full = store.facets(new FacetQuery("", null, null, FacetQuery.Hierarchy.WORKLOAD, 1000));
        for (FacetCount w : full.stream().filter(f -> f.depth() == 3).toList()) {
            List<FacetCount> kids = capped.stream().filter(f -> f.depth() == 4 && f.path().subList(0, 3).equals(w.path())).toList();
            long pods = full.stream().filter(f -> f.depth() == 4 && !f.others() && f.path().subList(0, 3).equals(w.path())).count();
            assertThat(kids.stream().filter(f -> !f.others())).hasSize(1);
            assertThat(kids.stream().mapToLong(FacetCount::count).sum()).isEqualTo(w.count());
            FacetCount biggest = full.stream().filter(f -> f.depth() == 4 && f.path().subList(0, 3).equals(w.path()))
                    .max(java.util.Comparator.comparingLong(FacetCount::count)).orElseThrow();
            assertThat(kids.stream().filter(f -> !f.others()).findFirst().orElseThrow().count()).isEqualTo(biggest.count());
            if (pods > 1) {
                FacetCount others = kids.stream().filter(FacetCount::others).findFirst().orElseThrow();
                assertThat(others.hidden()).isEqualTo(pods - 1);
                assertThat(others.path().get(3)).isNull();
            } else {
                assertThat(kids).noneMatch(FacetCount::others);
            }
        }
        // containers only under the pods shown
        assertThat(capped.stream().filter(f -> f.depth() == 5).count()).isLessThanOrEqualTo(full.stream().filter(f -> f.depth() == 5).count());
    }

    @Test
    void nodeFacetsCountPerNodeAndTimeRange() {
        long from = all.stream().mapToLong(e -> (Long) e.get(Fields.TIME)).min().orElseThrow() + Duration.ofMinutes(2).toNanos();
        long to = from + Duration.ofMinutes(3).toNanos();
        List<FacetCount> rows = store.facets(new FacetQuery("", from, to, FacetQuery.Hierarchy.NODE, 1000));
        List<Event> inRange = all.stream().filter(e -> (Long) e.get(Fields.TIME) >= from && (Long) e.get(Fields.TIME) < to).toList();
        assertThat(rows.get(0).count()).isEqualTo(inRange.size());
        Map<String, Long> perNode = new HashMap<>();
        for (Event e : inRange) {
            String node = e.get(Fields.K8S_NODE_NAME) != null ? s(e, Fields.K8S_NODE_NAME) : s(e, Fields.HOSTNAME);
            perNode.merge(Objects.toString(node), 1L, Long::sum);
        }
        Map<String, Long> got = new HashMap<>();
        rows.stream().filter(f -> f.depth() == 2).forEach(f -> got.merge(Objects.toString(f.path().get(1)), f.count(), Long::sum));
        assertThat(got).isEqualTo(perNode);
    }

    @Test
    void aFilterMatchingNothingHasAZeroRoot() {
        assertThat(store.facets(FacetQuery.of("proc.name = no-such-process", FacetQuery.Hierarchy.WORKLOAD)))
                .containsExactly(new FacetCount(List.of(), 0, false, 0));
    }

    @Test
    void histogramBucketsAreAlignedContiguousAndSumToTheTotal() {
        Histogram h = store.histogram(HistogramQuery.of(""));
        assertThat(h.total()).isEqualTo(all.size());
        assertThat(h.bucketNs()).isEqualTo(Histogram.widthFor(h.toNs() - h.fromNs(), 120)).isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(h.buckets().size()).isBetween(60, 121); // a little over 10 minutes: 10s buckets
        for (int i = 0; i < h.buckets().size(); i++) {
            Histogram.Bucket b = h.buckets().get(i);
            assertThat(b.startNs() % h.bucketNs()).isZero();
            if (i > 0) {
                assertThat(b.startNs()).isEqualTo(h.buckets().get(i - 1).startNs() + h.bucketNs());
            }
            long direct = all.stream().mapToLong(e -> (Long) e.get(Fields.TIME))
                    .filter(t -> t >= b.startNs() && t < b.startNs() + h.bucketNs()).count();
            assertThat(b.count()).as("bucket " + i).isEqualTo(direct);
        }
        assertThat(h.buckets().get(0).startNs()).isLessThanOrEqualTo(h.fromNs());
    }

    @Test
    void histogramOverAGivenRangeIncludesEmptyBucketsAndSplitsByKind() {
        long first = all.stream().mapToLong(e -> (Long) e.get(Fields.TIME)).min().orElseThrow();
        long from = first - Duration.ofHours(1).toNanos(); // an hour before anything happened
        long to = first + Duration.ofHours(1).toNanos();
        Histogram h = store.histogram(new HistogramQuery("k8s.ns.name = billing", from, to, 24, true));
        assertThat(h.bucketNs()).isEqualTo(Duration.ofMinutes(5).toNanos());
        assertThat(h.buckets()).hasSizeBetween(24, 25);
        assertThat(h.buckets().get(0).count()).isZero();
        assertThat(h.total()).isEqualTo(all.stream().filter(e -> "billing".equals(s(e, Fields.K8S_NS_NAME))).count());
        Map<String, Long> kinds = new HashMap<>();
        h.buckets().forEach(b -> {
            assertThat(b.byKind().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(b.count());
            b.byKind().forEach((k, n) -> kinds.merge(k, n, Long::sum));
        });
        Map<String, Long> expected = new HashMap<>();
        all.stream().filter(e -> "billing".equals(s(e, Fields.K8S_NS_NAME))).forEach(e -> expected.merge(s(e, Fields.KIND), 1L, Long::sum));
        assertThat(kinds).isEqualTo(expected).containsKeys("exec", "connect");
    }

    @Test
    void withoutAFilterTheNarrowPathCountsWhatTheViewCounts() {
        String viaView = "evt.time > 0"; // a filter: read through the events view
        assertThat(store.histogram(new HistogramQuery(viaView, null, null, 50, true)))
                .isEqualTo(store.histogram(new HistogramQuery("", null, null, 50, true)));
        for (FacetQuery.Hierarchy by : FacetQuery.Hierarchy.values()) {
            assertThat(store.facets(new FacetQuery(viaView, null, null, by, 3))).isEqualTo(store.facets(new FacetQuery("", null, null, by, 3)));
        }
    }

    @Test
    void niceWidths() {
        long s = 1_000_000_000L;
        assertThat(Histogram.widthFor(60 * s, 120)).isEqualTo(s);
        assertThat(Histogram.widthFor(3600 * s, 120)).isEqualTo(30 * s);
        assertThat(Histogram.widthFor(86400 * s, 120)).isEqualTo(900 * s);
        assertThat(Histogram.widthFor(400L * 86400 * s, 120)).isEqualTo(4L * 86400 * s);
        assertThatThrownBy(() -> new HistogramQuery("", null, null, 0, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cliFacetsPrintsAnIndentedTreeAndJson() throws IOException {
        CliRunner.Result t = CliRunner.run("facets", "--data", data.toString(), "k8s.ns.name = billing");
        assertThat(t.exitCode()).as(t.err()).isZero();
        List<String> lines = t.out().lines().toList();
        assertThat(lines.get(0)).startsWith("SCOPE").contains("EVENTS");
        assertThat(lines.get(1)).startsWith("all");
        assertThat(lines).anyMatch(l -> l.startsWith("  namespace billing "));
        assertThat(lines).anyMatch(l -> l.startsWith("      pod billing-api-"));
        assertThat(lines).anyMatch(l -> l.startsWith("        container "));
        CliRunner.Result j = CliRunner.run("facets", "--data", data.toString(), "--by", "node", "-o", "json", "");
        JsonNode o = JSON.readTree(j.out());
        assertThat(o.get("levels").toString()).isEqualTo("[\"cluster\",\"node\",\"pod\"]");
        assertThat(o.get("rows").get(0).get("count").asLong()).isEqualTo(all.size());
    }

    @Test
    void cliHistogramPrintsBucketsWithBars() throws IOException {
        CliRunner.Result t = CliRunner.run("histogram", "--data", data.toString(), "--buckets", "12", "--split", "kind", "");
        assertThat(t.exitCode()).as(t.err()).isZero();
        assertThat(t.out()).contains("START", "EVENTS", "KINDS", "exec=", "#").contains(String.format("%,d events in", all.size()))
                .contains("buckets of 1m");
        CliRunner.Result j = CliRunner.run("histogram", "--data", data.toString(), "-o", "json", "--buckets", "12", "");
        JsonNode o = JSON.readTree(j.out());
        assertThat(o.get("total").asLong()).isEqualTo(all.size());
        assertThat(o.get("bucket_ns").asLong()).isEqualTo(60_000_000_000L);
        CliRunner.Result bad = CliRunner.run("histogram", "--data", data.toString(), "--split", "pod", "");
        assertThat(bad.exitCode()).isEqualTo(2);
    }
}
