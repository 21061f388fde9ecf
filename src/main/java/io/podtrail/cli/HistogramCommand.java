package io.podtrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podtrail.store.EventStore;
import io.podtrail.store.Histogram;
import io.podtrail.store.HistogramQuery;
import io.podtrail.query.TimeBounds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code podtrail histogram}: matching events per time bucket. */
@Command(name = "histogram", description = {
        "Counts of matching events per time bucket (about --buckets of them, nice widths from 1s to 1d).",
        "  podtrail histogram 'k8s.ns.name = billing' --since 6h",
        "  podtrail histogram --split kind --buckets 30"})
final class HistogramCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BAR = 40;

    @Mixin
    DataDir dataDir;

    @Mixin
    RemoteOptions remote;

    @Mixin
    TimeRange range;

    @Option(names = "--buckets", paramLabel = "N", defaultValue = "" + HistogramQuery.DEFAULT_BUCKETS,
            description = "About how many buckets (default: ${DEFAULT-VALUE}).")
    int buckets;

    @Option(names = "--split", paramLabel = "kind", description = "kind: count per podtrail.kind too.")
    String split;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Parameters(arity = "0..1", paramLabel = "FILTER", description = "Filter expression (default: every event).")
    String filter;

    @Override
    public Integer call() throws Exception {
        if (!output.equals("table") && !output.equals("json")) {
            throw new IllegalArgumentException("-o: '" + output + "' is not an output format (table or json)");
        }
        boolean byKind = parseSplit(split);
        Long fromNs = range.fromNs(Instant.now());
        Long toNs = range.toNs();
        if (range.since != null && toNs == null) {
            toNs = TimeBounds.toNs(Instant.now());
        }
        HistogramQuery q = new HistogramQuery(filter, fromNs, toNs, buckets, byKind);
        Histogram h;
        if (remote.remote()) {
            StringBuilder path = new StringBuilder("/api/v1/histogram?buckets=").append(q.buckets())
                    .append("&filter=").append(URLEncoder.encode(q.filter(), StandardCharsets.UTF_8));
            if (q.fromNs() != null) {
                path.append("&from=").append(q.fromNs());
            }
            if (q.toNs() != null) {
                path.append("&to=").append(q.toNs());
            }
            if (byKind) {
                path.append("&split=kind");
            }
            h = fromJson(remote.get(path.toString()));
        } else {
            try (EventStore store = Stores.openExisting(dataDir.resolve())) {
                h = store.histogram(q);
            }
        }
        PrintWriter out = new PrintWriter(System.out, false);
        if (output.equals("json")) {
            out.println(JSON.writeValueAsString(toJson(h)));
        } else {
            print(out, h, byKind);
        }
        out.flush();
        return 0;
    }

    static boolean parseSplit(String split) {
        if (split == null || split.isBlank()) {
            return false;
        }
        if (!split.trim().equals("kind")) {
            throw new IllegalArgumentException("split: '" + split + "' is not supported (only kind)");
        }
        return true;
    }

    /** The API's answer: {"from": ns, "to": ns, "bucket_ns": ns, "total": n, "buckets": [{"start": ns, "count": n, "by_kind": {...}}]}. */
    static ObjectNode toJson(Histogram h) {
        ObjectNode o = JSON.createObjectNode();
        o.put("from", h.fromNs());
        o.put("to", h.toNs());
        o.put("bucket_ns", h.bucketNs());
        o.put("total", h.total());
        var arr = o.putArray("buckets");
        for (Histogram.Bucket b : h.buckets()) {
            ObjectNode x = arr.addObject();
            x.put("start", b.startNs());
            x.put("count", b.count());
            if (!b.byKind().isEmpty()) {
                ObjectNode k = x.putObject("by_kind");
                b.byKind().forEach(k::put);
            }
        }
        return o;
    }

    static Histogram fromJson(JsonNode o) {
        List<Histogram.Bucket> bs = new ArrayList<>();
        for (JsonNode b : o.path("buckets")) {
            Map<String, Long> k = new LinkedHashMap<>();
            b.path("by_kind").fields().forEachRemaining(e -> k.put(e.getKey(), e.getValue().asLong()));
            bs.add(new Histogram.Bucket(b.path("start").asLong(), b.path("count").asLong(), k));
        }
        return new Histogram(o.path("from").asLong(), o.path("to").asLong(), o.path("bucket_ns").asLong(), bs);
    }

    static void print(PrintWriter out, Histogram h, boolean byKind) {
        long max = h.buckets().stream().mapToLong(Histogram.Bucket::count).max().orElse(0);
        List<List<String>> table = new ArrayList<>();
        table.add(byKind ? List.of("START", "EVENTS", "KINDS", "") : List.of("START", "EVENTS", ""));
        for (Histogram.Bucket b : h.buckets()) {
            String start = Instant.ofEpochSecond(Math.floorDiv(b.startNs(), 1_000_000_000L), Math.floorMod(b.startNs(), 1_000_000_000L)).toString();
            String bar = max == 0 ? "" : "#".repeat((int) Math.round((double) b.count() * BAR / max));
            String count = String.format("%,d", b.count());
            if (byKind) {
                StringBuilder k = new StringBuilder();
                b.byKind().forEach((kind, n) -> k.append(k.isEmpty() ? "" : " ").append(kind).append('=').append(n));
                table.add(List.of(start, count, k.isEmpty() ? "-" : k.toString(), bar));
            } else {
                table.add(List.of(start, count, bar));
            }
        }
        TextTable.print(out, table);
        out.println(String.format("%,d events in %d buckets of %s", h.total(), h.buckets().size(),
                java.time.Duration.ofNanos(h.bucketNs()).toString().substring(2).toLowerCase()));
    }
}
