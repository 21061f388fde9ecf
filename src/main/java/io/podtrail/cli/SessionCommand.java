package io.podtrail.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podtrail.correlate.SessionRecord;
import io.podtrail.correlate.SessionTree;
import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.query.EventQuery;
import io.podtrail.server.SessionJson;
import io.podtrail.store.EventStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code podtrail session ID}: one session's header, then everything it caused as a process tree. */
@Command(name = "session", description = {
        "One session: who, from where, into which pod and container, with which command, when, allowed or not;",
        "then its process tree in time order with every command line, connection (peer resolved) and file action.",
        "  podtrail session 1fd40352-857f-48a6-942e-4fc8dda5c970",
        "  podtrail session ID -o json"})
final class SessionCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_EVENTS = 10_000;

    @Mixin
    DataDir dataDir;

    @Mixin
    RemoteOptions remote;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "tree", description = "tree or json (default: ${DEFAULT-VALUE}).")
    String output;

    @Parameters(index = "0", paramLabel = "ID", description = "The session id (session.id: the request's auditID, or outside-...).")
    String id;

    @Override
    public Integer call() throws Exception {
        if (!output.equals("tree") && !output.equals("json")) {
            throw new IllegalArgumentException("-o: '" + output + "' is not an output format (tree or json)");
        }
        SessionRecord record;
        List<Event> events = new ArrayList<>();
        boolean truncated;
        if (remote.remote()) {
            JsonNode o = remote.get("/api/v1/sessions/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
            record = SessionRecord.fromMap(JSON.convertValue(o.path("session"), new TypeReference<Map<String, Object>>() { }));
            for (JsonNode e : o.path("events")) {
                events.add(RemoteOptions.event(e));
            }
            truncated = o.path("truncated").asBoolean();
        } else {
            try (EventStore store = Stores.openExisting(dataDir.resolve())) {
                record = store.session(id);
                if (record == null) {
                    throw new IllegalArgumentException("no session " + id + " in " + dataDir.resolve()
                            + " (podtrail sessions lists them)");
                }
                events.addAll(store.query(new EventQuery("session.id = " + SessionJson.quote(id), null, null, MAX_EVENTS, null)).events());
                Collections.reverse(events);
                truncated = events.size() >= MAX_EVENTS;
            }
        }
        PrintWriter out = new PrintWriter(System.out, false);
        if (output.equals("json")) {
            out.println(JSON.writeValueAsString(SessionJson.detail(record, events, truncated)));
        } else {
            print(out, record, events, truncated);
        }
        out.flush();
        return 0;
    }

    static void print(PrintWriter out, SessionRecord r, List<Event> events, boolean truncated) {
        out.println("session    " + r.id() + "  (" + r.kind() + (r.confidence() == null ? "" : ", " + r.confidence()) + ")");
        out.println("user       " + (r.userName() == null ? "(none: outside the Kubernetes API)" : SessionsCommand.who(r))
                + (r.sourceIp() == null ? "" : "  from " + r.sourceIp()));
        if (r.userAgent() != null) {
            out.println("agent      " + r.userAgent());
        }
        out.println("where      " + SessionsCommand.where(r) + (r.node() == null ? "" : "  on " + r.node())
                + (r.containerId() == null ? "" : "  container " + r.containerId()));
        if (r.command() != null) {
            out.println("command    " + String.join(" ", r.command()) + flags(r));
        }
        out.println("when       " + (r.start() == null ? "?" : EventPrinter.formatTime(r.start())) + " .. "
                + (r.end() == null ? "(open)" : EventPrinter.formatTime(r.end()))
                + (SessionsCommand.duration(r).isEmpty() ? "" : "  (" + SessionsCommand.duration(r) + ")"));
        if (!SessionsCommand.allowed(r).isEmpty()) {
            out.println("allowed    " + SessionsCommand.allowed(r));
        }
        if (SessionRecord.AMBIGUOUS.equals(r.confidence())) {
            out.println("AMBIGUOUS  several processes fit this request equally; candidates: " + String.join(", ", r.candidates()));
        } else if (SessionRecord.UNMATCHED.equals(r.confidence())) {
            out.println("processes  none found" + (Boolean.FALSE.equals(r.allowed()) ? " (the request was denied)"
                    : " (no sensor event matched the request in its window)"));
        } else if (SessionRecord.PENDING.equals(r.confidence())) {
            out.println("processes  still waiting for the root process (sensor events not arrived yet)");
        }
        out.println();
        List<SessionTree.Node> nodes = SessionTree.of(events).preOrder();
        for (SessionTree.Node n : nodes) {
            String indent = "  ".repeat(n.depth);
            out.println((n.start == null ? "" : EventPrinter.formatTime(n.start)) + "  " + indent + (n.cmdline == null ? n.execId : n.cmdline)
                    + (n.exit == null ? "" : "  [exit" + (n.exitCode == null ? "" : " " + n.exitCode) + "]"));
            for (Event e : n.activity) {
                out.println(EventPrinter.formatTime(e.time()) + "  " + indent + "    " + activity(e));
            }
        }
        if (nodes.isEmpty()) {
            out.println("(no process activity)");
        }
        if (truncated) {
            out.println("(cut at " + MAX_EVENTS + " events: use podtrail query 'session.id = \"" + r.id() + "\"' for all)");
        }
    }

    private static String flags(SessionRecord r) {
        List<String> f = new ArrayList<>();
        if (Boolean.TRUE.equals(r.tty())) {
            f.add("tty");
        }
        if (Boolean.TRUE.equals(r.stdin())) {
            f.add("stdin");
        }
        return f.isEmpty() ? "" : "  (" + String.join(", ", f) + ")";
    }

    /** A connection with its peer as resolved at that time, or a file action. */
    static String activity(Event e) {
        EventKind k = e.kind();
        if (k == EventKind.NETWORK_CONNECT || k == EventKind.NETWORK_ACCEPT || k == EventKind.NETWORK_CLOSE) {
            String peer = peer(e);
            return k.label() + " " + (k == EventKind.NETWORK_ACCEPT ? "from " + nz(e.getString(Fields.FD_CIP))
                    : "to " + nz(e.getString(Fields.FD_SIP)) + ":" + (e.getLong(Fields.FD_SPORT) == null ? "?" : e.getLong(Fields.FD_SPORT)))
                    + (peer.isEmpty() ? "" : "  " + peer);
        }
        return nz(e.getString(Fields.TYPE)) + " " + nz(e.getString(Fields.FD_NAME));
    }

    private static String peer(Event e) {
        String kind = e.getString(Fields.PEER_KIND);
        if (kind == null) {
            return "";
        }
        String name = e.getString(Fields.PEER_SERVICE) != null ? "service " + e.getString(Fields.PEER_NS) + "/" + e.getString(Fields.PEER_SERVICE)
                : e.getString(Fields.PEER_POD) != null ? "pod " + e.getString(Fields.PEER_NS) + "/" + e.getString(Fields.PEER_POD)
                : e.getString(Fields.PEER_NODE) != null ? "node " + e.getString(Fields.PEER_NODE) : kind;
        boolean unknown = Boolean.FALSE.equals(e.get(Fields.PEER_KNOWN));
        return "(" + name + (unknown ? ", UNKNOWN destination" : "") + ")";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
