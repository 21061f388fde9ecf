package io.podtrail.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.podtrail.event.Event;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;
import io.podtrail.query.Diagnostic;
import io.podtrail.correlate.SessionRecord;
import io.podtrail.query.EventQuery;
import io.podtrail.store.SessionQuery;
import io.podtrail.store.SessionSummary;
import io.podtrail.query.TimeBounds;
import io.podtrail.query.Filter;
import io.podtrail.query.FilterException;
import io.podtrail.store.EventStore;
import io.podtrail.store.FacetCount;
import io.podtrail.store.FacetQuery;
import io.podtrail.store.Histogram;
import io.podtrail.store.HistogramQuery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The read API: {@code GET /api/v1/events}, {@code /api/v1/facets}, {@code /api/v1/histogram} and
 * {@code GET /api/v1/fields}. Every read is written to the access
 * log. A scoped analyst's filter is AND-ed with its scope before it reaches the store, so the store itself
 * never returns anything outside. Later read endpoints (facets, histogram, sessions, policy events) register
 * here the same way, through {@link #read}.
 */
final class QueryApi {
    /** The catalogue field that names the cluster, when this build has it. */
    static final String CLUSTER_FIELD = "k8s.cluster.name";

    private final TokenStore tokens;
    private final EventStore store;
    private final AccessLog access;
    private final int maxLimit;

    QueryApi(TokenStore tokens, EventStore store, AccessLog access, int maxLimit) {
        this.tokens = tokens;
        this.store = store;
        this.access = access;
        this.maxLimit = maxLimit;
    }

    /** A read endpoint: answers and returns the number of results for the access log. */
    private interface Read {
        int handle(ServerRequest req, ServerResponse res, TokenStore.Token who, ObjectNode log);
    }

    void routes(HttpRouting.Builder r) {
        r.get("/api/v1/events", read(this::events));
        r.get("/api/v1/policy-events", read(this::policyEvents));
        r.get("/api/v1/facets", read(this::facets));
        r.get("/api/v1/histogram", read(this::histogram));
        r.get("/api/v1/fields", read(this::fields));
        r.get("/api/v1/sessions", read(this::sessions));
        r.get("/api/v1/sessions/{id}", read(this::session));
    }

    /** Authenticates (analyst or admin), runs the endpoint and records the read in the access log. */
    private io.helidon.webserver.http.Handler read(Read endpoint) {
        return (req, res) -> {
            Http.Auth auth = Http.authenticate(tokens, req, res, false);
            ObjectNode log = access.entry(auth.token(), "GET", req.path().path(), Http.remote(req));
            if (!auth.ok()) {
                log.put("status", auth.status());
                access.write(log);
                return;
            }
            int results = -1;
            try {
                results = endpoint.handle(req, res, auth.token(), log);
            } finally {
                log.put("status", res.status().code());
                if (results >= 0) {
                    log.put("results", results);
                }
                access.write(log);
            }
        };
    }

    private int events(ServerRequest req, ServerResponse res, TokenStore.Token who, ObjectNode log) {
        return list(req, res, who, log, false);
    }

    private int policyEvents(ServerRequest req, ServerResponse res, TokenStore.Token who, ObjectNode log) {
        return list(req, res, who, log, true);
    }

    private int list(ServerRequest req, ServerResponse res, TokenStore.Token who, ObjectNode log, boolean policy) {
        String filter = req.query().first("filter").orElse("");
        String from = req.query().first("from").orElse(null);
        String to = req.query().first("to").orElse(null);
        String since = req.query().first("since").orElse(null);
        String cursor = req.query().first("cursor").orElse(null);
        String limitText = req.query().first("limit").orElse("100");
        log.put("filter", filter);
        if (from != null) {
            log.put("from", from);
        }
        if (to != null) {
            log.put("to", to);
        }
        if (since != null) {
            log.put("since", since);
        }
        Long fromNs;
        Long toNs;
        int limit;
        try {
            limit = Integer.parseInt(limitText.trim());
            if (limit <= 0 || limit > maxLimit) {
                throw new IllegalArgumentException("limit must be between 1 and " + maxLimit + ", got " + limit);
            }
            if (since != null && from != null) {
                throw new IllegalArgumentException("since and from cannot be combined");
            }
            fromNs = null;
            if (since != null) {
                fromNs = toNs(Instant.now().minus(parseDuration(since)));
            } else if (from != null) {
                fromNs = parseTime("from", from);
            }
            toNs = to == null ? null : Long.valueOf(parseTime("to", to));
        } catch (NumberFormatException e) {
            Http.error(res, 400, "limit: '" + limitText + "' is not a number");
            return -1;
        } catch (IllegalArgumentException e) {
            Http.error(res, 400, e.getMessage());
            return -1;
        }
        if (!validFilter(res, filter, policy)) {
            return -1;
        }
        String effective;
        try {
            effective = scoped(who, filter);
        } catch (IllegalStateException e) {
            Http.error(res, 403, e.getMessage());
            return -1;
        }
        if (policy) {
            EventStore.PolicyEventPage page;
            try {
                page = store.policyEvents(new EventQuery(effective, fromNs, toNs, limit, cursor));
            } catch (IllegalArgumentException e) {
                Http.error(res, 400, e.getMessage());
                return -1;
            } catch (UnsupportedOperationException e) {
                Http.error(res, 501, e.getMessage());
                return -1;
            }
            ObjectNode out = Http.JSON.createObjectNode();
            ArrayNode arr = out.putArray("policy_events");
            page.events().forEach(p -> arr.add(io.podtrail.detect.PolicyEventJson.toJson(p)));
            if (page.nextCursor() == null) {
                out.putNull("next_cursor");
            } else {
                out.put("next_cursor", page.nextCursor());
            }
            Http.json(res, 200, out);
            return page.events().size();
        }
        EventStore.EventPage page;
        try {
            page = store.query(new EventQuery(effective, fromNs, toNs, limit, cursor));
        } catch (IllegalArgumentException e) {
            Http.error(res, 400, e.getMessage());
            return -1;
        }
        ObjectNode out = Http.JSON.createObjectNode();
        ArrayNode arr = out.putArray("events");
        for (Event e : page.events()) {
            arr.addPOJO(e.toMap());
        }
        if (page.nextCursor() == null) {
            out.putNull("next_cursor");
        } else {
            out.put("next_cursor", page.nextCursor());
        }
        Http.json(res, 200, out);
        return page.events().size();
    }

    /** The filter (scoped) and time range of an aggregation request, or null when an error was answered. */
    private record Selection(String effective, Long fromNs, Long toNs) {
    }

    private Selection selection(ServerRequest req, ServerResponse res, TokenStore.Token who, ObjectNode log) {
        String filter = req.query().first("filter").orElse("");
        String from = req.query().first("from").orElse(null);
        String to = req.query().first("to").orElse(null);
        String since = req.query().first("since").orElse(null);
        log.put("filter", filter);
        if (from != null) {
            log.put("from", from);
        }
        if (to != null) {
            log.put("to", to);
        }
        if (since != null) {
            log.put("since", since);
        }
        Long fromNs = null;
        Long toNs;
        try {
            if (since != null && from != null) {
                throw new IllegalArgumentException("since and from cannot be combined");
            }
            if (since != null) {
                fromNs = toNs(Instant.now().minus(parseDuration(since)));
            } else if (from != null) {
                fromNs = parseTime("from", from);
            }
            toNs = to == null ? null : Long.valueOf(parseTime("to", to));
        } catch (IllegalArgumentException e) {
            Http.error(res, 400, e.getMessage());
            return null;
        }
        if (!validFilter(res, filter)) {
            return null;
        }
        try {
            return new Selection(scoped(who, filter), fromNs, toNs);
        } catch (IllegalStateException e) {
            Http.error(res, 403, e.getMessage());
            return null;
        }
    }

    /** Answers 400 with diagnostics when the filter does not compile. */
    private static boolean validFilter(ServerResponse res, String filter) {
        return validFilter(res, filter, false);
    }

    private static boolean validFilter(ServerResponse res, String filter, boolean policy) {
        try {
            if (policy) {
                Filter.compilePolicyFeed(filter);
            } else {
                Filter.compile(filter);
            }
            return true;
        } catch (FilterException e) {
            ObjectNode err = Http.error("invalid filter: " + e.getMessage());
            err.put("filter", filter);
            ArrayNode ds = err.putArray("diagnostics");
            for (Diagnostic d : e.diagnostics()) {
                ds.addObject().put("code", d.code()).put("message", d.message()).put("position", d.position())
                        .put("line", d.line()).put("column", d.column()).put("length", d.length());
            }
            err.put("rendered", e.render(filter));
            Http.json(res, 400, err);
            return false;
        }
    }

    private static int intParam(ServerRequest req, String name, int dflt, int min, int max) {
        String text = req.query().first(name).orElse(null);
        if (text == null || text.isBlank()) {
            return dflt;
        }
        int v;
        try {
            v = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + text + "' is not a number");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    /** Facet tree rows: {"by", "levels", "rows": [{"path": [...], "count", "others"?, "hidden"?}]}. */
    private int facets(ServerRequest req, ServerResponse res, TokenStore.Token who, ObjectNode log) {
        FacetQuery.Hierarchy by;
        int maxPods;
        try {
            by = FacetQuery.Hierarchy.parse(req.query().first("by").orElse("workload"));
            maxPods = intParam(req, "max_pods", FacetQuery.DEFAULT_MAX_PODS, 1, FacetQuery.MAX_PODS);
        } catch (IllegalArgumentException e) {
            Http.error(res, 400, e.getMessage());
            return -1;
        }
        log.put("by", by.name().toLowerCase());
        Selection sel = selection(req, res, who, log);
        if (sel == null) {
            return -1;
        }
        List<FacetCount> rows;
        try {
            rows = store.facets(new FacetQuery(sel.effective(), sel.fromNs(), sel.toNs(), by, maxPods));
        } catch (IllegalArgumentException e) {
            Http.error(res, 400, e.getMessage());
            return -1;
        } catch (UnsupportedOperationException e) {
            Http.error(res, 501, e.getMessage());
            return -1;
        }
        ObjectNode out = Http.JSON.createObjectNode();
        out.put("by", by.name().toLowerCase());
        ArrayNode levels = out.putArray("levels");
        by.levels().forEach(levels::add);
        out.put("max_pods", maxPods);
        ArrayNode arr = out.putArray("rows");
        for (FacetCount f : rows) {
            ObjectNode r = arr.addObject();
            ArrayNode p = r.putArray("path");
            f.path().forEach(p::add);
            r.put("count", f.count());
            if (f.others()) {
                r.put("others", true);
                r.put("hidden", f.hidden());
            }
        }
        Http.json(res, 200, out);
        return rows.size();
    }

    /** Buckets: {"from", "to", "bucket_ns", "total", "buckets": [{"start", "count", "by_kind"?}]}. */
    private int histogram(ServerRequest req, ServerResponse res, TokenStore.Token who, ObjectNode log) {
        int buckets;
        boolean split;
        try {
            buckets = intParam(req, "buckets", HistogramQuery.DEFAULT_BUCKETS, 1, HistogramQuery.MAX_BUCKETS);
            String s = req.query().first("split").orElse("");
            if (!s.isBlank() && !s.trim().equals("kind")) {
                throw new IllegalArgumentException("split: '" + s + "' is not supported (only kind)");
            }
            split = !s.isBlank();
        } catch (IllegalArgumentException e) {
            Http.error(res, 400, e.getMessage());
            return -1;
        }
        Selection sel = selection(req, res, who, log);
        if (sel == null) {
            return -1;
        }
        Histogram h;
        try {
            h = store.histogram(new HistogramQuery(sel.effective(), sel.fromNs(), sel.toNs(), buckets, split));
        } catch (IllegalArgumentException e) {
            Http.error(res, 400, e.getMessage());
            return -1;
        } catch (UnsupportedOperationException e) {
            Http.error(res, 501, e.getMessage());
            return -1;
        }
        ObjectNode out = Http.JSON.createObjectNode();
        out.put("from", h.fromNs());
        out.put("to", h.toNs());
        out.put("bucket_ns", h.bucketNs());
        out.put("total", h.total());
        ArrayNode arr = out.putArray("buckets");
        for (Histogram.Bucket b : h.buckets()) {
            ObjectNode x = arr.addObject();
            x.put("start", b.startNs());
            x.put("count", b.count());
            if (split) {
                ObjectNode k = x.putObject("by_kind");
                b.byKind().forEach(k::put);
            }
        }
        Http.json(res, 200, out);
        return h.buckets().size();
    }

    /** Sessions newest first: {"sessions": [{session.* fields, scope, "processes", "connections", "files", "events"}]}. */
    private int sessions(ServerRequest req, ServerResponse res, TokenStore.Token who, ObjectNode log) {
        int limit;
        try {
            limit = intParam(req, "limit", 100, 1, maxLimit);
        } catch (IllegalArgumentException e) {
            Http.error(res, 400, e.getMessage());
            return -1;
        }
        Selection sel = selection(req, res, who, log);
        if (sel == null) {
            return -1;
        }
        List<SessionSummary> rows;
        try {
            rows = store.sessions(new SessionQuery(sel.effective(), sel.fromNs(), sel.toNs(), limit));
        } catch (IllegalArgumentException e) {
            Http.error(res, 400, e.getMessage());
            return -1;
        } catch (UnsupportedOperationException e) {
            Http.error(res, 501, e.getMessage());
            return -1;
        }
        ObjectNode out = Http.JSON.createObjectNode();
        ArrayNode arr = out.putArray("sessions");
        for (SessionSummary s : rows) {
            arr.addPOJO(SessionJson.summary(s));
        }
        Http.json(res, 200, out);
        return rows.size();
    }

    /** One session: {"session": {...}, "tree": [process nodes in pre-order], "events": [every attributed event, oldest first]}. */
    private int session(ServerRequest req, ServerResponse res, TokenStore.Token who, ObjectNode log) {
        String id = req.path().pathParameters().get("id");
        log.put("session", id);
        SessionRecord record = store.session(id);
        String filter;
        try {
            filter = scoped(who, "session.id = " + SessionJson.quote(id));
        } catch (IllegalStateException e) {
            Http.error(res, 403, e.getMessage());
            return -1;
        }
        List<Event> events = new ArrayList<>(store.query(new EventQuery(filter, null, null, SESSION_EVENTS, null)).events());
        if (record == null || (who.scoped() && events.isEmpty())) {
            Http.error(res, 404, "no session " + id);
            return -1;
        }
        java.util.Collections.reverse(events);
        Http.json(res, 200, SessionJson.detail(record, events, events.size() >= SESSION_EVENTS));
        return events.size();
    }

    /** Events returned with one session (a session with more is cut, and says so). */
    static final int SESSION_EVENTS = 10_000;

    private int fields(ServerRequest req, ServerResponse res, TokenStore.Token who, ObjectNode log) {
        ObjectNode out = Http.JSON.createObjectNode();
        ArrayNode arr = out.putArray("fields");
        for (Field f : Fields.all()) {
            ObjectNode o = arr.addObject();
            o.put("name", f.name() + (f.argument() ? "[ARG]" : ""));
            o.put("type", f.type().name().toLowerCase());
            o.put("stored", f.stored());
            o.put("sources", f.sources());
            o.put("description", f.description());
        }
        ObjectNode aliases = out.putObject("aliases");
        for (Map.Entry<String, String> a : Fields.aliases().entrySet()) {
            aliases.put(a.getKey(), a.getValue());
        }
        Http.json(res, 200, out);
        return arr.size();
    }

    /**
     * The filter the store runs: the user's, AND-ed with the token's scope. A cluster scope needs the
     * {@value #CLUSTER_FIELD} field; without it the read is refused rather than shown unscoped.
     */
    static String scoped(TokenStore.Token who, String filter) {
        if (!who.scoped()) {
            return filter;
        }
        List<String> parts = new ArrayList<>();
        if (!who.namespaces().isEmpty()) {
            parts.add("k8s.ns.name in (" + quoted(who.namespaces()) + ")");
        }
        if (!who.clusters().isEmpty()) {
            if (Fields.byName(CLUSTER_FIELD).isEmpty()) {
                throw new IllegalStateException("this token is limited to clusters " + who.clusters()
                        + " but this server has no " + CLUSTER_FIELD + " field to enforce it");
            }
            parts.add(CLUSTER_FIELD + " in (" + quoted(who.clusters()) + ")");
        }
        String scope = String.join(" and ", parts);
        return filter == null || filter.isBlank() ? scope : "(" + scope + ") and (\n" + filter + "\n)";
    }

    private static String quoted(List<String> names) {
        List<String> q = new ArrayList<>();
        for (String n : names) {
            q.add('"' + n.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        }
        return String.join(", ", q);
    }

    static Duration parseDuration(String text) {
        return TimeBounds.parseDuration("since", text);
    }

    static long parseTime(String name, String text) {
        return TimeBounds.parseTime(name, text);
    }

    static long toNs(Instant i) {
        return TimeBounds.toNs(i);
    }
}
