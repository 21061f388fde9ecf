package io.podtrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.podtrail.detect.PolicyEvent;
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

/** {@code podtrail policy-events}: the rule matches, newest first. */
@Command(name = "policy-events", description = {
        "Policy events (rule matches) newest first, with rule, priority, output, scope and session. The filter is",
        "the query language; it may name policy.rule, policy.priority, policy.tags, policy.output (aliases rule,",
        "priority, tags, output) and any field of the triggering event:",
        "  podtrail policy-events --since 1h",
        "  podtrail policy-events 'priority in (Critical, Error) and k8s.ns.name = billing'",
        "  podtrail policy-events 'tags contains mitre_execution and session.user.name = john.doe'"})
final class PolicyEventsCommand implements Callable<Integer> {

    @Mixin
    DataDir dataDir;

    @Mixin
    ReadOptions read;

    @Mixin
    RemoteOptions remote;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "Continue after the page that printed this cursor.")
    String cursor;

    @Parameters(arity = "0..1", paramLabel = "FILTER", description = "Filter expression (default: every policy event).")
    String filter;

    @Override
    public Integer call() throws Exception {
        EventQuery q = new EventQuery(filter, read.fromNs(Instant.now()), read.toNs(), read.limit, cursor);
        PrintWriter out = new PrintWriter(System.out, false);
        String next;
        if (remote.remote()) {
            StringBuilder path = new StringBuilder("/api/v1/policy-events?limit=").append(q.limit())
                    .append("&filter=").append(URLEncoder.encode(q.filter(), StandardCharsets.UTF_8));
            if (q.fromNs() != null) {
                path.append("&from=").append(q.fromNs());
            }
            if (q.toNs() != null) {
                path.append("&to=").append(q.toNs());
            }
            if (q.cursor() != null) {
                path.append("&cursor=").append(URLEncoder.encode(q.cursor(), StandardCharsets.UTF_8));
            }
            JsonNode page = remote.get(path.toString());
            List<JsonNode> items = new ArrayList<>();
            page.path("policy_events").forEach(items::add);
            print(out, items);
            next = page.hasNonNull("next_cursor") ? page.get("next_cursor").asText() : null;
        } else {
            try (EventStore store = Stores.openExisting(dataDir.resolve())) {
                EventStore.PolicyEventPage page = store.policyEvents(q);
                List<JsonNode> items = new ArrayList<>();
                for (PolicyEvent p : page.events()) {
                    items.add(io.podtrail.detect.PolicyEventJson.toJson(p));
                }
                print(out, items);
                next = page.nextCursor();
            }
        }
        out.flush();
        if (next != null) {
            System.err.println("more results: add --cursor " + next);
        }
        return 0;
    }

    private void print(PrintWriter out, List<JsonNode> items) {
        if (read.output == ReadOptions.Output.json) {
            for (JsonNode n : items) {
                out.println(n.toString());
            }
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("TIME", "PRIORITY", "RULE", "SCOPE", "SESSION", "OUTPUT"));
        for (JsonNode n : items) {
            rows.add(List.of(Instant.ofEpochSecond(0, n.path("evt.time").asLong()).toString(), n.path("priority").asText(),
                    n.path("rule").asText(), scope(n), n.path("session.id").isNull() ? "-" : n.path("session.id").asText(),
                    n.path("output").asText()));
        }
        TextTable.print(out, rows);
    }

    private static String scope(JsonNode n) {
        String ns = text(n, Fields.K8S_NS_NAME.name());
        String pod = text(n, Fields.K8S_POD_NAME.name());
        if (pod != null) {
            String c = text(n, Fields.CONTAINER_NAME.name());
            return (ns == null ? "" : ns + "/") + pod + (c == null ? "" : " (" + c + ")");
        }
        String host = text(n, Fields.HOSTNAME.name());
        if (host != null) {
            return "node " + host;
        }
        JsonNode ev = n.path("event");
        if (ev.hasNonNull("ka.target.resource")) {
            String tns = ev.path("ka.target.namespace").asText("");
            return "api " + ev.path("ka.target.resource").asText() + (tns.isEmpty() ? "" : " in " + tns);
        }
        return "-";
    }

    private static String text(JsonNode n, String f) {
        return n.hasNonNull(f) ? n.get(f).asText() : null;
    }

}
