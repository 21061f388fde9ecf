package io.podtrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podtrail.store.EventStore;
import io.podtrail.store.FacetCount;
import io.podtrail.store.FacetQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code podtrail facets}: matching events counted per cluster, namespace, workload, pod, container (or node). */
@Command(name = "facets", description = {
        "Counts of matching events as a tree: cluster > namespace > workload > pod > container (--by workload),",
        "or cluster > node > pod (--by node). At most --max-pods pods per parent; the rest are summed as (others).",
        "  podtrail facets 'evt.type = connect' --since 1h",
        "  podtrail facets --by node 'proc.name = tcpdump'"})
final class FacetsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    DataDir dataDir;

    @Mixin
    RemoteOptions remote;

    @Mixin
    TimeRange range;

    @Option(names = "--by", paramLabel = "HIERARCHY", defaultValue = "workload", description = "workload or node (default: ${DEFAULT-VALUE}).")
    String by;

    @Option(names = "--max-pods", paramLabel = "N", defaultValue = "" + FacetQuery.DEFAULT_MAX_PODS,
            description = "Pods shown per parent, the largest first (default: ${DEFAULT-VALUE}).")
    int maxPods;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Parameters(arity = "0..1", paramLabel = "FILTER", description = "Filter expression (default: every event).")
    String filter;

    @Override
    public Integer call() throws Exception {
        if (!output.equals("table") && !output.equals("json")) {
            throw new IllegalArgumentException("-o: '" + output + "' is not an output format (table or json)");
        }
        FacetQuery q = new FacetQuery(filter, range.fromNs(Instant.now()), range.toNs(), FacetQuery.Hierarchy.parse(by), maxPods);
        List<FacetCount> rows;
        if (remote.remote()) {
            StringBuilder path = new StringBuilder("/api/v1/facets?by=").append(q.by().name().toLowerCase())
                    .append("&max_pods=").append(q.maxPods()).append("&filter=").append(enc(q.filter()));
            if (q.fromNs() != null) {
                path.append("&from=").append(q.fromNs());
            }
            if (q.toNs() != null) {
                path.append("&to=").append(q.toNs());
            }
            rows = fromJson(remote.get(path.toString()));
        } else {
            try (EventStore store = Stores.openExisting(dataDir.resolve())) {
                rows = store.facets(q);
            }
        }
        PrintWriter out = new PrintWriter(System.out, false);
        if (output.equals("json")) {
            out.println(JSON.writeValueAsString(toJson(q.by(), rows)));
        } else {
            print(out, q.by(), rows);
        }
        out.flush();
        return 0;
    }

    /** The API's answer: {"by": ..., "levels": [...], "rows": [{"path": [...], "count": n, "others": b, "hidden": n}]}. */
    static com.fasterxml.jackson.databind.node.ObjectNode toJson(FacetQuery.Hierarchy by, List<FacetCount> rows) {
        var o = JSON.createObjectNode();
        o.put("by", by.name().toLowerCase());
        var levels = o.putArray("levels");
        by.levels().forEach(levels::add);
        var arr = o.putArray("rows");
        for (FacetCount f : rows) {
            var r = arr.addObject();
            var p = r.putArray("path");
            f.path().forEach(p::add);
            r.put("count", f.count());
            if (f.others()) {
                r.put("others", true);
                r.put("hidden", f.hidden());
            }
        }
        return o;
    }

    static List<FacetCount> fromJson(JsonNode o) {
        List<FacetCount> rows = new ArrayList<>();
        for (JsonNode r : o.path("rows")) {
            List<String> path = new ArrayList<>();
            r.path("path").forEach(v -> path.add(v.isNull() ? null : v.asText()));
            rows.add(new FacetCount(path, r.path("count").asLong(), r.path("others").asBoolean(false), r.path("hidden").asLong(0)));
        }
        return rows;
    }

    /** An indented tree: one line per node, its level, value and count; the root is "all". */
    static void print(PrintWriter out, FacetQuery.Hierarchy by, List<FacetCount> rows) {
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("SCOPE", "EVENTS"));
        for (FacetCount f : rows) {
            String label;
            if (f.depth() == 0) {
                label = "all";
            } else if (f.others()) {
                label = "  ".repeat(f.depth() - 1) + "(" + f.hidden() + " more pods)";
            } else {
                String v = f.path().get(f.depth() - 1);
                label = "  ".repeat(f.depth() - 1) + by.levels().get(f.depth() - 1) + " " + (v == null ? "(none)" : v);
            }
            table.add(List.of(label, String.format("%,d", f.count())));
        }
        TextTable.print(out, table);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
