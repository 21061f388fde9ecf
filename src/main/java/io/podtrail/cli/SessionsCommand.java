package io.podtrail.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podtrail.correlate.SessionRecord;
import io.podtrail.server.SessionJson;
import io.podtrail.store.EventStore;
import io.podtrail.store.SessionQuery;
import io.podtrail.store.SessionSummary;
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
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code podtrail sessions}: who opened a shell (or ran a command, attached, port-forwarded) where, newest first. */
@Command(name = "sessions", description = {
        "Exec, attach, debug and port-forward sessions into pods, and shells started outside the Kubernetes API,",
        "newest first: when, who (user, groups, source IP), where, what, allowed, duration, counts, confidence.",
        "The filter selects sessions by their API request (or their root process outside the API):",
        "  podtrail sessions 'session.user.name = \"john.doe\"' --since 24h",
        "  podtrail sessions 'k8s.ns.name = billing and session.allowed = false'"})
final class SessionsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    DataDir dataDir;

    @Mixin
    RemoteOptions remote;

    @Mixin
    TimeRange range;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most N sessions (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Parameters(arity = "0..1", paramLabel = "FILTER", description = "Filter expression (default: every session).")
    String filter;

    @Override
    public Integer call() throws Exception {
        if (!output.equals("table") && !output.equals("json")) {
            throw new IllegalArgumentException("-o: '" + output + "' is not an output format (table or json)");
        }
        SessionQuery q = new SessionQuery(filter, range.fromNs(Instant.now()), range.toNs(), limit);
        List<SessionSummary> rows = new ArrayList<>();
        if (remote.remote()) {
            StringBuilder path = new StringBuilder("/api/v1/sessions?limit=").append(limit).append("&filter=")
                    .append(URLEncoder.encode(q.filter(), StandardCharsets.UTF_8));
            if (q.fromNs() != null) {
                path.append("&from=").append(q.fromNs());
            }
            if (q.toNs() != null) {
                path.append("&to=").append(q.toNs());
            }
            for (JsonNode s : remote.get(path.toString()).path("sessions")) {
                Map<String, Object> m = JSON.convertValue(s, new TypeReference<>() { });
                rows.add(new SessionSummary(SessionRecord.fromMap(m), s.path("processes").asLong(),
                        s.path("connections").asLong(), s.path("files").asLong(), s.path("events").asLong()));
            }
        } else {
            try (EventStore store = Stores.openExisting(dataDir.resolve())) {
                rows.addAll(store.sessions(q));
            }
        }
        PrintWriter out = new PrintWriter(System.out, false);
        if (output.equals("json")) {
            for (SessionSummary s : rows) {
                out.println(JSON.writeValueAsString(SessionJson.summary(s)));
            }
        } else {
            print(out, rows);
        }
        out.flush();
        return 0;
    }

    static void print(PrintWriter out, List<SessionSummary> rows) {
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("START", "WHO", "FROM", "WHERE", "WHAT", "ALLOWED", "DURATION", "PROCS", "CONNS", "CONFIDENCE", "SESSION"));
        for (SessionSummary s : rows) {
            SessionRecord r = s.session();
            table.add(List.of(r.start() == null ? "" : EventPrinter.formatTime(r.start()), who(r), nz(r.sourceIp()),
                    where(r), what(r), allowed(r), duration(r), Long.toString(s.processes()), Long.toString(s.connections()),
                    nz(r.confidence()), r.id()));
        }
        if (rows.isEmpty()) {
            out.println("(no sessions)");
            return;
        }
        TextTable.print(out, table);
    }

    static String who(SessionRecord r) {
        if (r.userName() == null) {
            return SessionRecord.OUTSIDE_API.equals(r.kind()) ? "(outside the API)" : "";
        }
        String groups = r.userGroups() == null ? "" : r.userGroups().stream()
                .filter(g -> !g.equals("system:authenticated")).reduce((a, b) -> a + "," + b).map(g -> " [" + g + "]").orElse("");
        return r.userName() + groups + (r.impUserName() == null ? "" : " as " + r.impUserName());
    }

    static String where(SessionRecord r) {
        StringBuilder b = new StringBuilder();
        if (r.cluster() != null) {
            b.append(r.cluster()).append(':');
        }
        b.append(nz(r.namespace())).append('/').append(nz(r.pod()));
        if (r.container() != null) {
            b.append(" (").append(r.container()).append(')');
        }
        return b.toString();
    }

    static String what(SessionRecord r) {
        String cmd = r.command() == null ? "" : String.join(" ", r.command());
        String how = SessionRecord.OUTSIDE_API.equals(r.kind()) ? "shell" : r.kind();
        return how + (cmd.isEmpty() ? "" : " " + cmd) + (Boolean.TRUE.equals(r.tty()) ? " (tty)" : "");
    }

    static String allowed(SessionRecord r) {
        if (r.allowed() == null) {
            return r.responseCode() == null ? "" : Long.toString(r.responseCode());
        }
        return (r.allowed() ? "yes" : "DENIED") + (r.responseCode() == null ? "" : " " + r.responseCode());
    }

    static String duration(SessionRecord r) {
        if (r.start() == null || r.end() == null) {
            return "";
        }
        long s = Math.max(0, (r.end() - r.start()) / 1_000_000_000L);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
