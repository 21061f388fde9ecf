package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;
import io.podtrail.query.Condition;
import io.podtrail.query.Filter;
import io.podtrail.query.FilterEvaluator;
import io.podtrail.query.FilterException;
import io.podtrail.query.Op;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Semi-join hints for the sensor side of the events view: a top-level conjunct of the filter that reads only
 * one dimension's columns is also evaluated on that (small) dimension table, and facts are restricted to the
 * matching keys ({@code _ckey IN (SELECT _ckey FROM containers WHERE ...)}) before anything is joined. Without
 * it DuckDB joins every fact with its process, container and peer before filtering (measured: 0.8 s for the
 * newest 100 events of one pod at 5M events).
 *
 * <p>Exact: the containers, processes and peers joins are inner joins (every fact has its rows), so a conjunct
 * holds on the view row exactly when it holds on the dimension row. Sessions are a LEFT join: a session conjunct
 * is pushed only when it is false for a process without a session (checked by evaluating it on an empty event),
 * since only then are processes without a session rows it rejects anyway.
 */
final class Pushdown {

    private Pushdown() {
    }

    /**
     * How the keys of a page are found. {@code factFilter}, when not null, is the filter minus the conjuncts the
     * hints decide exactly, over facts' own columns: the sensor side is then found in facts alone, without joining
     * any dimension (measured at 10M events: 25-40 ms less per statement). {@code readsSessions}: the API side needs
     * the session join (else it reads wide_events directly). {@code keySets}: the conjuncts that select processes or
     * peers, as subqueries of their keys; {@code resolved}, once {@link #resolve} ran, what they came to.
     */
    record Plan(SqlFragment otherHints, SqlFragment apiHints, SqlFragment factFilter, boolean readsSessions, Long floor,
                List<KeySet> keySets, Resolved resolved) {
        static final Plan NONE = new Plan(SqlFragment.TRUE, SqlFragment.TRUE, null, true, null, List.of(), null);

        /** The sensor side's key hints, AND-ed: each key set as its keys when resolved, else as its subquery. */
        SqlFragment hints() {
            return withKeySets(true, true);
        }

        /**
         * The API side's hints on {@code column}: the api_events view's {@link Schema#RID}, or wide_events' rowid to
         * find the rows without the view.
         */
        SqlFragment apiHintsOn(String column) {
            return new SqlFragment(apiHints.sql().replace(API_ROWS, column), apiHints.params());
        }

        /** The hints without the key sets too large to resolve (the rest narrows the page; those are checked after). */
        SqlFragment narrowHints() {
            return withKeySets(false, true);
        }

        /**
         * Only the resolved key sets: enough to find candidates that are then checked whole against the filter
         * (a container hint's semi-join cost 1.5 of question 1's 5 ms statement at 10M events).
         */
        SqlFragment resolvedHints() {
            return withKeySets(false, false);
        }

        /** The key sets too large to resolve, in order. */
        List<KeySet> unresolved() {
            if (resolved == null) {
                return keySets;
            }
            List<KeySet> out = new ArrayList<>();
            for (int i = 0; i < keySets.size(); i++) {
                if (resolved.keys().get(i) == null) {
                    out.add(keySets.get(i));
                }
            }
            return out;
        }

        /** Whether at least one key set was resolved to its keys. */
        boolean anyResolved() {
            return resolved != null && resolved.keys().stream().anyMatch(java.util.Objects::nonNull);
        }

        /** The facts positions of the resolved key sets (on the placeholder {@code %rid}), or null. */
        String spans() {
            return resolved == null ? null : resolved.spans();
        }

        /**
         * With the key sets found (each set's keys, or null where there were too many to list) and the facts
         * positions the listed keys occupy ({@link FactSpans#condition}, on the placeholder {@code %rid}; null
         * when too scattered to help), and at most how many facts the listed sets select (their spans' counts).
         */
        Plan resolve(List<List<Long>> keys, String spans, long facts) {
            return new Plan(otherHints, apiHints, factFilter, readsSessions, floor, keySets, new Resolved(keys, spans, facts));
        }

        private SqlFragment withKeySets(boolean unresolvedToo, boolean others) {
            StringBuilder sql = new StringBuilder(otherHints == SqlFragment.TRUE || !others ? "" : otherHints.sql());
            List<Object> params = new ArrayList<>(others ? otherHints.params() : List.of());
            for (int i = 0; i < keySets.size(); i++) {
                List<Long> keys = resolved == null ? null : resolved.keys().get(i);
                if (keys == null && !unresolvedToo) {
                    continue;
                }
                SqlFragment set = keys == null ? keySets.get(i).sql() : new SqlFragment("SELECT unnest(?::BIGINT[])", List.<Object>of(keys));
                sql.append(sql.isEmpty() ? "" : " AND ").append(keySets.get(i).spans().key).append(" IN (").append(set.sql()).append(')');
                params.addAll(set.params());
            }
            return sql.isEmpty() ? SqlFragment.TRUE : new SqlFragment(sql.toString(), params);
        }
    }

    /**
     * A conjunct that selects processes (facts' _pkey) or peers (_nkey): the subquery of the keys it selects.
     * {@code onlyGrows}: it reads only the dimensions, whose rows are never changed or removed, so the set can only
     * gain keys (a session's processes can change: sessions are replaced and removed).
     */
    record KeySet(FactSpans spans, SqlFragment sql, boolean onlyGrows) {
    }

    /**
     * What the key sets came to: per set its keys, or null when too many to list; the listed keys' facts positions;
     * at most how many facts the listed sets select (the least of their facts counts; Long.MAX_VALUE when unknown).
     */
    record Resolved(List<List<Long>> keys, String spans, long facts) {
    }

    /**
     * How far before its start a session's events can be: the root is matched within 30 s of the request and
     * node clocks drift; generous, since it only bounds what is scanned.
     */
    static final long SESSION_FLOOR_MARGIN_NS = 10 * 60_000_000_000L;

    /** The session span of a condition no session meets. */
    static final long[] NO_SESSION = {Long.MAX_VALUE, Long.MAX_VALUE};

    /**
     * The plan of a filter. {@code sessionSpan} answers the span of the sessions a condition (SQL over the sessions
     * table) selects: [earliest start, latest end or start], {@link #NO_SESSION} when none, null when unknown. A
     * filter that requires a session then reads only events from its start on ({@link Plan#floor}), so the time
     * zone maps skip the trail before it, in facts and wide_events; its processes come from session_process_keys;
     * and its API requests are looked for only around the sessions' span.
     */
    static Plan plan(String filterText, java.util.function.Function<SqlFragment, long[]> sessionSpan) {
        if (filterText == null || filterText.isBlank()) {
            return new Plan(SqlFragment.TRUE, SqlFragment.TRUE, SqlFragment.TRUE, false, null, List.of(), null);
        }
        Condition c;
        try {
            c = Filter.compile(filterText).condition();
        } catch (FilterException e) {
            return Plan.NONE; // the full filter reports it
        }
        List<Condition> conjuncts = c instanceof Condition.All all ? all.terms() : List.of(c);
        StringBuilder residual = new StringBuilder();
        List<Object> params = new ArrayList<>();
        boolean factsOnly = true;
        boolean sessions = false;
        for (Condition term : conjuncts) {
            Set<Field> fields = new HashSet<>();
            boolean stored = fields(term, fields);
            sessions |= !stored || fields.stream().anyMatch(Schema::isSession);
            if (stored && !fields.isEmpty() && hint(fields, term) != null) {
                continue; // decided exactly by its hint
            }
            if (stored && fields.stream().allMatch(f -> Schema.isFact(f) && f != Fields.FD_NAME)) {
                SqlFragment f = DuckDbFilterSql.compile(term);
                residual.append(residual.isEmpty() ? "" : " AND ").append('(').append(f.sql()).append(')');
                params.addAll(f.params());
            } else {
                factsOnly = false;
            }
        }
        SqlFragment factFilter = !factsOnly ? null : residual.isEmpty() ? SqlFragment.TRUE : new SqlFragment(residual.toString(), params);
        StringBuilder sessionSql = new StringBuilder();
        List<Object> sessionParams = new ArrayList<>();
        for (Condition term : conjuncts) {
            Set<Field> fields = new HashSet<>();
            if (fields(term, fields) && !fields.isEmpty() && sessionOnly(fields, term)) {
                SqlFragment f = DuckDbFilterSql.compile(term);
                sessionSql.append(sessionSql.isEmpty() ? "" : " AND ").append('(').append(f.sql()).append(')');
                sessionParams.addAll(f.params());
            }
        }
        long[] span = null;
        if (!sessionSql.isEmpty()) {
            span = sessionSpan.apply(new SqlFragment(sessionSql.toString(), sessionParams));
            if (span != null && span != NO_SESSION) {
                span = new long[] {satAdd(span[0], -SESSION_FLOOR_MARGIN_NS), satAdd(span[1], SESSION_FLOOR_MARGIN_NS)};
            }
        }
        List<KeySet> keySets = new ArrayList<>();
        SqlFragment hints = hints(conjuncts, false, span, keySets);
        return new Plan(hints, hints(conjuncts, true, span, new ArrayList<>()), factFilter, sessions, span == null ? null : span[0],
                keySets, null);
    }

    /**
     * The event types a filter's rows must have (its top-level {@code evt.type = X} and {@code evt.type in (...)}
     * conjuncts, intersected), or null when it allows any.
     */
    static Set<String> eventTypes(String filterText) {
        if (filterText == null || filterText.isBlank()) {
            return null;
        }
        Condition c;
        try {
            c = Filter.compile(filterText).condition();
        } catch (FilterException e) {
            return null;
        }
        Set<String> out = null;
        for (Condition term : c instanceof Condition.All all ? all.terms() : List.of(c)) {
            if (term instanceof Condition.Test t && t.target().field() == Fields.TYPE && t.target().arg() == null
                    && t.target().transform() == Condition.Transform.NONE && (t.op() == Op.EQ || t.op() == Op.IN)) {
                Set<String> values = new HashSet<>();
                t.values().forEach(v -> values.add(String.valueOf(v)));
                if (out != null) {
                    values.retainAll(out);
                }
                out = values;
            }
        }
        return out;
    }

    private static long satAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    /**
     * The hints of a filter as SQL over the sensor view's key columns, or for the API side ({@code api_events}:
     * wide_events, whose own columns need no hint) where a session conjunct restricts the requests to those of
     * matching sessions, by auditID or by process. AND-ed; TRUE for none.
     */
    private static SqlFragment hints(List<Condition> conjuncts, boolean api, long[] span, List<KeySet> keySets) {
        StringBuilder sql = new StringBuilder();
        List<Object> params = new ArrayList<>();
        for (Condition term : conjuncts) {
            Set<Field> fields = new HashSet<>();
            if (!fields(term, fields) || fields.isEmpty()) {
                continue;
            }
            String hint = api ? apiHint(fields, term) : hint(fields, term);
            if (hint == null) {
                continue;
            }
            SqlFragment f = DuckDbFilterSql.compile(term);
            hint = hint.replace(REQUESTS, span == null ? "TRUE" : "evt_time BETWEEN " + span[0] + " AND " + span[1])
                    .replace(FLOOR_TIME, span == null ? "TRUE" : "evt_time >= " + span[0]);
            String filled = hint.replace("%s", f.sql());
            List<Object> hintParams = new ArrayList<>();
            for (int i = 0, n = count(hint, "%s"); i < n; i++) {
                hintParams.addAll(f.params());
            }
            if (!api) {
                for (FactSpans kind : List.of(FactSpans.PROCESSES, FactSpans.PEERS)) {
                    String prefix = kind.key + " IN (";
                    if (filled.startsWith(prefix) && filled.endsWith(")")) {
                        keySets.add(new KeySet(kind, new SqlFragment(filled.substring(prefix.length(), filled.length() - 1), hintParams),
                                !sessionOnly(fields, term)));
                        filled = null;
                        break;
                    }
                }
                if (filled == null) {
                    continue;
                }
            }
            sql.append(sql.isEmpty() ? "" : " AND ").append(filled);
            params.addAll(hintParams);
        }
        return sql.isEmpty() ? SqlFragment.TRUE : new SqlFragment(sql.toString(), params);
    }

    private static String hint(Set<Field> fields, Condition term) {
        if (Schema.CONTAINER_FIELDS.containsAll(fields)) {
            // on facts' own container key: through the containers' processes the build side was a scan of processes
            // (measured at 100M events: the newest 100 of a pod 63-96 ms, 6 ms this way)
            return Schema.CKEY + " IN (SELECT " + Schema.CKEY + " FROM " + Schema.CONTAINERS + " WHERE %s)";
        }
        if (Schema.PROCESS_FIELDS.containsAll(fields)) {
            return "_pkey IN (SELECT " + Schema.PKEY + " FROM " + Schema.PROCESSES + " WHERE %s)";
        }
        if (Schema.PEER_FIELDS.containsAll(fields)) {
            return "_nkey IN (SELECT " + Schema.NKEY + " FROM " + Schema.PEERS + " WHERE %s)";
        }
        if (sessionOnly(fields, term)) {
            // the sessions' processes by key from the precomputed mapping (small tables only)
            return "_pkey IN (SELECT k." + Schema.PKEY + " FROM " + Schema.SESSION_PROCESS_KEYS + " k JOIN " + Schema.SESSION_PROCESSES
                    + " sp ON sp.exec_id = k.exec_id JOIN " + Schema.SESSIONS + " USING (session_id) WHERE %s)";
        }
        return null;
    }

    /**
     * A session's rows on the API side: its request (by auditID, near the session's span) and the rare sensor events
     * of its processes kept whole (by exec id), found as two selective scans of wide_events, then read by position.
     */
    private static String apiHint(Set<Field> fields, Condition term) {
        if (sessionOnly(fields, term)) {
            return API_ROWS + " IN (SELECT rowid FROM " + Schema.WIDE + " WHERE ka_auditid IN (SELECT session_id FROM " + Schema.SESSIONS
                    + " WHERE %s) AND " + REQUESTS + " UNION ALL SELECT rowid FROM " + Schema.WIDE + " WHERE proc_exec_id IN (SELECT sp.exec_id FROM "
                    + Schema.SESSION_PROCESSES + " sp JOIN " + Schema.SESSIONS + " USING (session_id) WHERE %s) AND " + FLOOR_TIME + ")";
        }
        return null;
    }

    /** The column the API hints restrict: the api_events view's _rid, or wide_events' own rowid ({@link Plan#apiHintsOn}). */
    private static final String API_ROWS = "%apirows";
    /** Where a session's API requests are looked for: around the sessions' span. */
    private static final String REQUESTS = "%requests";
    /** Where a session's other rows are looked for: from the floor on. */
    private static final String FLOOR_TIME = "%since";

    private static boolean sessionOnly(Set<Field> fields, Condition term) {
        return fields.stream().allMatch(f -> Schema.isSession(f) && f != Fields.SESSION_ROOT)
                && !FilterEvaluator.of(term).test(new Event());
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** Collects the stored fields a condition reads; false when it reads a derived field (not pushed). */
    private static boolean fields(Condition c, Set<Field> out) {
        return switch (c) {
            case Condition.All a -> a.terms().stream().allMatch(t -> fields(t, out));
            case Condition.Any a -> a.terms().stream().allMatch(t -> fields(t, out));
            case Condition.Negate n -> fields(n.term(), out);
            case Condition.Test t -> {
                out.add(t.target().field());
                yield t.target().field().stored();
            }
        };
    }
}
