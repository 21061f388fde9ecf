package io.podtrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.podtrail.event.Event;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;
import io.podtrail.query.EventQuery;
import io.podtrail.store.EventStore;
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

/** {@code podtrail query}: events matching a filter in Falco's condition syntax, newest first. */
@Command(name = "query", description = {
        "Events matching a filter, newest first. The filter language is Falco's condition syntax:",
        "  podtrail query 'proc.name = tcpdump'",
        "  podtrail query 'k8s.ns.name = billing and evt.type = connect and not fd.snet in (10.0.0.0/8)'",
        "Fields: podtrail fields."})
final class QueryCommand implements Callable<Integer> {

    @Mixin
    DataDir dataDir;

    @Mixin
    ReadOptions read;

    @Mixin
    RemoteOptions remote;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue after the page that printed this cursor.")
    String cursor;

    @Option(names = "--columns", paramLabel = "FIELD,...", split = ",",
            description = "Fields to print as columns (table and csv); default: a summary per event kind.")
    List<String> columns;

    @Parameters(arity = "0..1", paramLabel = "FILTER", description = "Filter expression (default: every event).")
    String filter;

    @Override
    public Integer call() throws Exception {
        List<Field> cols = new ArrayList<>();
        if (columns != null) {
            for (String c : columns) {
                cols.add(Fields.byName(c.trim()).filter(Field::stored).orElseThrow(() ->
                        new IllegalArgumentException("--columns: '" + c + "' is not a stored field (see podtrail fields)")));
            }
        }
        EventQuery q = new EventQuery(filter, read.fromNs(Instant.now()), read.toNs(), read.limit, cursor);
        if (remote.remote()) {
            StringBuilder path = new StringBuilder("/api/v1/events?limit=").append(q.limit())
                    .append("&filter=").append(enc(q.filter()));
            if (q.fromNs() != null) {
                path.append("&from=").append(q.fromNs());
            }
            if (q.toNs() != null) {
                path.append("&to=").append(q.toNs());
            }
            if (q.cursor() != null) {
                path.append("&cursor=").append(enc(q.cursor()));
            }
            JsonNode page = remote.get(path.toString());
            List<Event> events = new ArrayList<>();
            page.path("events").forEach(e -> events.add(RemoteOptions.event(e)));
            PrintWriter out = new PrintWriter(System.out, false);
            new EventPrinter(out, read.output, cols).print(events);
            if (page.hasNonNull("next_cursor")) {
                System.err.println("more results: add --cursor " + page.get("next_cursor").asText());
            }
            return 0;
        }
        try (EventStore store = Stores.openExisting(dataDir.resolve())) {
            EventStore.EventPage page = store.query(q);
            PrintWriter out = new PrintWriter(System.out, false);
            new EventPrinter(out, read.output, cols).print(page.events());
            if (page.nextCursor() != null) {
                System.err.println("more results: add --cursor " + page.nextCursor());
            }
        }
        return 0;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
