package io.podtrail.store.duckdb;

import io.podtrail.event.EventKind;
import io.podtrail.event.Field;
import io.podtrail.event.FieldType;
import io.podtrail.event.Fields;
import io.podtrail.query.Condition;
import io.podtrail.query.Condition.Target;
import io.podtrail.query.Condition.Test;
import io.podtrail.query.Filter;
import io.podtrail.query.FilterEvaluator;
import io.podtrail.query.FilterResolver;
import io.podtrail.query.IpNumbers;
import io.podtrail.query.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles a resolved filter ({@link Condition}) into a DuckDB WHERE-clause fragment.
 *
 * <h2>Column conventions (the store's schema follows them)</h2>
 * Every stored field has a column {@link Field#column()}: STRING → VARCHAR, LONG and TIME → BIGINT,
 * BOOL → BOOLEAN, STRING_LIST → VARCHAR[], STRING_MAP → MAP(VARCHAR, VARCHAR). An IP field has its text in
 * {@code <column>} (VARCHAR) and {@link IpNumbers#toNumber(String)} in {@code <column>_num} (HUGEINT).
 * Derived fields are computed from stored columns (see {@link Fields}).
 *
 * <h2>NULL handling</h2>
 * Every fragment this class produces is NULL only where the filter is false (a missing value makes a test
 * false, as in Falco). NULL ≡ false survives AND and OR, so only {@code not} needs care: it compiles to
 * {@code NOT COALESCE(x, FALSE)}. So SQL three-valued logic never leaks: {@code not proc.name = bash} is true
 * for an event without proc.name, and the common positive case keeps plain, index-friendly predicates.
 * {@link FilterEvaluator} implements the same semantics in memory.
 *
 * <p>Values are always bound as parameters ({@code ?}); only column names and SQL keywords, both from
 * this class, appear in the text. Stateless and thread-safe.
 */
public final class DuckDbFilterSql {

    private static final String KIND = Fields.KIND.column();

    private DuckDbFilterSql() {
    }

    /**
     * Filter text to SQL for the store; an invalid filter is an IllegalArgumentException whose message shows the
     * filter with a caret under each problem (what the CLI and the HTTP API print).
     */
    public static final FilterCompiler TEXT_COMPILER = new FilterCompiler() {
        @Override
        public SqlFragment compile(String text) {
            return explained(text, Filter::compile);
        }

        @Override
        public SqlFragment compilePolicyFeed(String text) {
            return explained(text, Filter::compilePolicyFeed);
        }
    };

    private interface Compile {
        Filter apply(String text) throws io.podtrail.query.FilterException;
    }

    private static SqlFragment explained(String text, Compile compile) {
        try {
            return compile(compile.apply(text));
        } catch (io.podtrail.query.FilterException e) {
            throw new IllegalArgumentException("invalid filter\n" + e.render(text));
        }
    }

    public static SqlFragment compile(Filter filter) {
        return compile(filter.condition());
    }

    public static SqlFragment compile(Condition condition) {
        List<Object> params = new ArrayList<>();
        String sql = new DuckDbFilterSqlBuilder(params).condition(condition);
        return new SqlFragment(sql, params);
    }

    /** One compilation: appends parameters in the order their placeholders appear. */
    private record DuckDbFilterSqlBuilder(List<Object> params) {

        String condition(Condition c) {
            return switch (c) {
                case Condition.All a -> a.terms().isEmpty() ? "TRUE" : join(a.terms(), " AND ");
                case Condition.Any a -> a.terms().isEmpty() ? "FALSE" : join(a.terms(), " OR ");
                case Condition.Negate n -> "NOT COALESCE(" + condition(n.term()) + ", FALSE)";
                case Test t -> test(t);
            };
        }

        private String join(List<Condition> terms, String op) {
            if (terms.size() == 1) {
                return condition(terms.get(0));
            }
            List<String> parts = new ArrayList<>();
            for (Condition t : terms) {
                parts.add(condition(t));
            }
            return "(" + String.join(op, parts) + ")";
        }

        private String test(Test t) {
            Field f = t.target().field();
            return switch (f.type()) {
                case IP -> ipTest(t);
                case STRING_LIST -> listTest(t, f.column());
                case STRING_MAP -> f.column() + " IS NOT NULL"; // only exists is allowed on maps
                default -> f == Fields.PROC_ANAME && t.target().arg() == null ? anyAncestor(t)
                        : f == Fields.FD_PORT ? eitherPort(t)
                        : scalarTest(t, () -> value(t.target()));
            };
        }

        /** fd.port: either end's port passes (see FilterEvaluator). */
        private String eitherPort(Test t) {
            boolean text = t.target().transform() == Condition.Transform.TEXT;
            String c = text ? "CAST(" + Fields.FD_CPORT.column() + " AS VARCHAR)" : Fields.FD_CPORT.column();
            String s = text ? "CAST(" + Fields.FD_SPORT.column() + " AS VARCHAR)" : Fields.FD_SPORT.column();
            String present = "(" + Fields.FD_CPORT.column() + " IS NOT NULL OR " + Fields.FD_SPORT.column() + " IS NOT NULL)";
            if (t.op() == Op.EXISTS) {
                return present;
            }
            Test each = t.op() == Op.NE ? new Test(t.target(), Op.EQ, t.values()) : t;
            String either = "(" + scalarTest(each, () -> c) + " OR " + scalarTest(each, () -> s) + ")";
            return t.op() == Op.NE ? "(" + present + " AND NOT COALESCE(" + either + ", FALSE))" : either;
        }

        /** proc.aname without an index: some ancestor passes (see FilterEvaluator). */
        private String anyAncestor(Test t) {
            String list = "(CASE WHEN len(" + Fields.ANCESTORS.column() + ") > 0 THEN " + Fields.ANCESTORS.column()
                    + " WHEN " + Fields.PROC_PNAME.column() + " IS NOT NULL THEN [" + Fields.PROC_PNAME.column() + "] END)";
            if (t.op() == Op.EXISTS) {
                return list + " IS NOT NULL";
            }
            boolean ne = t.op() == Op.NE;
            Test each = ne ? new Test(t.target(), Op.EQ, t.values()) : t;
            String x = switch (t.target().transform()) {
                case NONE, TEXT -> "x";
                case LOWER -> "lower(x)";
                case UPPER -> "upper(x)";
            };
            String any = "(len(list_filter(" + list + ", lambda x: " + scalarTest(each, () -> x) + ")) > 0)";
            return ne ? "(" + list + " IS NOT NULL AND NOT " + any + ")" : any;
        }

        // --- scalar values: STRING, LONG, TIME, BOOL ---

        /** SQL for the target's value: NULL when the event does not have it. Adds its own parameters. */
        private String value(Target t) {
            String v = rawValue(t);
            return switch (t.transform()) {
                case NONE -> v;
                case LOWER -> "lower(" + v + ")";
                case UPPER -> "upper(" + v + ")";
                case TEXT -> "CAST(" + v + " AS VARCHAR)";
            };
        }

        private String rawValue(Target t) {
            Field f = t.field();
            if (f.stored()) {
                return f.column();
            }
            if (f == Fields.KA_URI_PARAM) {
                String uri = Fields.KA_URI.column();
                String pattern = FilterEvaluator.uriParamPattern(t.arg());
                String test = bind("regexp_matches(" + uri + ", ?)", pattern);
                return "(CASE WHEN " + test + " THEN url_decode(" + bind("regexp_extract(" + uri + ", ?, 1)", pattern)
                        + ") END)";
            }
            if (f == Fields.K8S_POD_LABEL) {
                return bind("map_extract_value(" + Fields.K8S_POD_LABELS.column() + ", ?)", t.arg());
            }
            if (f == Fields.PROC_ANAME) {
                return Fields.ANCESTORS.column() + "[" + Integer.parseInt(t.arg()) + "]";
            }
            if (f == Fields.EVT_ARG) {
                return bind("map_extract_value(" + Fields.ARGS.column() + ", ?)", t.arg());
            }
            if (FilterResolver.isPolicyField(f)) {
                return f.column(); // a column of the policy-events feed's query
            }
            String syscall = syscallField(f);
            if (syscall != null) {
                return syscall;
            }
            String fdName = Fields.FD_NAME.column();
            String isFile = KIND + " = '" + EventKind.FILE.label() + "'";
            if (f == Fields.FD_DIRECTORY) {
                return "(CASE WHEN " + isFile + " AND contains(" + fdName + ", '/') THEN "
                        + "CASE WHEN regexp_extract(" + fdName + ", '(?s)^(.*)/', 1) = '' THEN '/' "
                        + "ELSE regexp_extract(" + fdName + ", '(?s)^(.*)/', 1) END END)";
            }
            if (f == Fields.FD_FILENAME) {
                return "(CASE WHEN " + isFile + " THEN regexp_extract(" + fdName + ", '[^/]*$') END)";
            }
            if (f == Fields.FD_RPORT) {
                return side(Fields.FD_SPORT.column(), Fields.FD_CPORT.column(), true);
            }
            if (f == Fields.FD_LPORT) {
                return side(Fields.FD_SPORT.column(), Fields.FD_CPORT.column(), false);
            }
            throw new IllegalArgumentException("no SQL for field " + f.name());
        }

        /** The Falco syscall fields derived from kind, type and arguments (as FilterEvaluator computes them). */
        private static String syscallField(Field f) {
            String args = Fields.ARGS.column();
            String conn = KIND + " IN ('" + EventKind.NETWORK_CONNECT.label() + "', '" + EventKind.NETWORK_ACCEPT.label()
                    + "', '" + EventKind.NETWORK_CLOSE.label() + "')";
            String file = KIND + " = '" + EventKind.FILE.label() + "'";
            String rawres = "coalesce(TRY_CAST(map_extract_value(" + args + ", 'res') AS BIGINT), CASE WHEN " + KIND + " IN ("
                    + quoted(FilterEvaluator.RESULT_KINDS.stream().sorted().toList()) + ") THEN CAST(0 AS BIGINT) END)";
            String ip = "coalesce(" + Fields.FD_SIP.column() + ", " + Fields.FD_CIP.column() + ")";
            String type = Fields.TYPE.column();
            String flags = "coalesce(map_extract_value(" + args + ", 'flags'), '')";
            if (f == Fields.EVT_NUM) {
                return "CAST(1 AS BIGINT)";
            }
            if (f == Fields.PROC_DURATION) {
                return "TRY_CAST(CAST(" + Fields.TIME.column() + " AS HUGEINT) - " + Fields.PROC_PID_TS.column() + " AS BIGINT)";
            }
            if (f == Fields.EVT_DIR) {
                return "(CASE WHEN " + KIND + " <> '" + EventKind.K8S_API.label() + "' THEN '<' END)";
            }
            if (f == Fields.EVT_RAWRES) {
                return rawres;
            }
            if (f == Fields.EVT_RES) {
                return "(CASE WHEN " + rawres + " >= 0 THEN 'SUCCESS' ELSE CAST(" + rawres + " AS VARCHAR) END)";
            }
            if (f == Fields.EVT_IS_OPEN_WRITE || f == Fields.EVT_IS_OPEN_READ) {
                boolean write = f == Fields.EVT_IS_OPEN_WRITE;
                List<String> has = new ArrayList<>();
                for (String flag : write ? FilterEvaluator.WRITE_FLAGS : FilterEvaluator.READ_FLAGS) {
                    has.add("contains(" + flags + ", '" + flag + "')");
                }
                return "(CASE WHEN NOT COALESCE(" + file + ", FALSE) THEN NULL WHEN " + type + " IS NULL THEN FALSE WHEN "
                        + type + " = '" + (write ? "write" : "read") + "' THEN TRUE WHEN " + type + " NOT IN ("
                        + quoted(FilterEvaluator.OPEN_TYPES.stream().sorted().toList()) + ") THEN FALSE ELSE ("
                        + String.join(" OR ", has) + ") END)";
            }
            if (f == Fields.FD_TYPECHAR || f == Fields.FD_TYPE) {
                boolean chr = f == Fields.FD_TYPECHAR;
                return "(CASE WHEN " + file + " THEN '" + (chr ? "f" : "file") + "' WHEN " + conn + " AND " + ip + " IS NOT NULL THEN CASE WHEN contains("
                        + ip + ", ':') THEN '" + (chr ? "6" : "ipv6") + "' ELSE '" + (chr ? "4" : "ipv4") + "' END END)";
            }
            if (f == Fields.FD_SOCKFAMILY) {
                return "(CASE WHEN " + conn + " THEN 'ip' END)";
            }
            if (f == Fields.FD_NUM) {
                return "(CASE WHEN " + file + " OR " + conn + " THEN coalesce(TRY_CAST(map_extract_value(" + args
                        + ", 'fd') AS BIGINT), CAST(0 AS BIGINT)) END)";
            }
            if (f == Fields.FD_CONNECTED) {
                return "(CASE WHEN " + conn + " THEN " + KIND + " IN ('" + EventKind.NETWORK_CONNECT.label() + "', '"
                        + EventKind.NETWORK_ACCEPT.label() + "') END)";
            }
            if (f == Fields.FD_NAME_CHANGED) {
                return "(CASE WHEN " + conn + " THEN FALSE END)";
            }
            return null;
        }

        private static String quoted(List<String> values) {
            return String.join(", ", values.stream().map(v -> "'" + v + "'").toList());
        }

        /** connect and every other kind: remote = server; accept: remote = client. */
        private static String side(String server, String client, boolean remote) {
            String accept = KIND + " = '" + EventKind.NETWORK_ACCEPT.label() + "'";
            return "(CASE WHEN " + accept + " THEN " + (remote ? client : server) + " ELSE "
                    + (remote ? server : client) + " END)";
        }

        /**
         * {@code value} yields the target's SQL and adds its parameters, so it is called exactly where the
         * value appears (pmatch uses it more than once).
         */
        private String scalarTest(Test t, java.util.function.Supplier<String> value) {
            List<Object> vs = t.values();
            if ((t.op() == Op.PMATCH || t.op() == Op.IN) && vs.isEmpty()) {
                return "FALSE"; // before value.get(): the value's parameters must not be added
            }
            if (t.op() == Op.PMATCH) {
                List<String> parts = new ArrayList<>();
                for (Object p : vs) {
                    String eq = bind(value.get() + " = ?", p);
                    parts.add(eq + " OR " + bind("starts_with(" + value.get() + ", ?)", FilterEvaluator.pmatchPrefix((String) p)));
                }
                return "(" + String.join(" OR ", parts) + ")";
            }
            String v = value.get();
            if ((t.op() == Op.STARTSWITH || t.op() == Op.ENDSWITH || t.op() == Op.CONTAINS || t.op() == Op.ICONTAINS)
                    && "".equals(vs.get(0))) {
                // DuckDB folds starts_with(x, '') to TRUE even for a NULL x (seen on derived fields such as evt.dir)
                return v + " IS NOT NULL";
            }
            return switch (t.op()) {
                case EXISTS -> v + " IS NOT NULL";
                case EQ -> bind(v + " = ?", vs.get(0));
                case NE -> bind(v + " <> ?", vs.get(0));
                case LT -> bind(v + " < ?", vs.get(0));
                case LE -> bind(v + " <= ?", vs.get(0));
                case GT -> bind(v + " > ?", vs.get(0));
                case GE -> bind(v + " >= ?", vs.get(0));
                case CONTAINS -> bind("contains(" + v + ", ?)", vs.get(0));
                case ICONTAINS -> bind("contains(lower(" + v + "), ?)", vs.get(0));
                case STARTSWITH -> bind("starts_with(" + v + ", ?)", vs.get(0));
                case ENDSWITH -> bind("ends_with(" + v + ", ?)", vs.get(0));
                case GLOB -> bind("(" + v + " GLOB ?)", vs.get(0));
                case IGLOB -> bind("(lower(" + v + ") GLOB ?)", vs.get(0));
                case REGEX -> bind("regexp_full_match(" + v + ", ?)", vs.get(0));
                case IN -> {
                    if (vs.isEmpty()) {
                        yield "FALSE";
                    }
                    yield v + " IN (" + placeholders(vs) + ")";
                }
                default -> throw new IllegalArgumentException(t.op() + " on " + t.target().field().name());
            };
        }

        // --- lists ---

        private String listTest(Test t, String col) {
            List<Object> vs = t.values();
            String nonEmpty = "len(" + col + ") > 0";
            return switch (t.op()) {
                case EXISTS -> nonEmpty;
                case CONTAINS -> bind("list_contains(" + col + ", ?)", vs.get(0));
                case NE -> bind("(" + nonEmpty + " AND NOT list_contains(" + col + ", ?))", vs.get(0));
                case IN -> {
                    if (vs.isEmpty()) {
                        yield "FALSE";
                    }
                    yield "(" + nonEmpty + " AND list_has_all([" + placeholders(vs) + "], " + col + "))";
                }
                case INTERSECTS -> {
                    if (vs.isEmpty()) {
                        yield "FALSE";
                    }
                    yield "list_has_any(" + col + ", [" + placeholders(vs) + "])";
                }
                default -> throw new IllegalArgumentException(t.op() + " on a list");
            };
        }

        // --- IP addresses and networks ---

        private String ipTest(Test t) {
            Field f = t.target().field();
            if (f == Fields.FD_NET) {
                String cip = Fields.FD_CIP.column();
                String sip = Fields.FD_SIP.column();
                String present = "(" + cip + " IS NOT NULL OR " + sip + " IS NOT NULL)";
                return switch (t.op()) {
                    case EXISTS -> present;
                    case NE -> "(" + present + " AND NOT COALESCE(" + ranges(cip + "_num", t.values()) + " OR "
                            + ranges(sip + "_num", t.values()) + ", FALSE))";
                    default -> "(" + ranges(cip + "_num", t.values()) + " OR " + ranges(sip + "_num", t.values()) + ")";
                };
            }
            String text;
            String num;
            if (f == Fields.FD_RIP || f == Fields.FD_RNET || f == Fields.FD_LIP || f == Fields.FD_LNET) {
                boolean remote = f == Fields.FD_RIP || f == Fields.FD_RNET;
                String s = Fields.FD_SIP.column();
                String c = Fields.FD_CIP.column();
                text = side(s, c, remote);
                num = side(s + "_num", c + "_num", remote);
            } else {
                Field col = f == Fields.FD_SNET ? Fields.FD_SIP : f == Fields.FD_CNET ? Fields.FD_CIP : f;
                text = col.column();
                num = col.column() + "_num";
            }
            return switch (t.op()) {
                case EXISTS -> text + " IS NOT NULL";
                case NE -> "(" + text + " IS NOT NULL AND NOT COALESCE(" + ranges(num, t.values()) + ", FALSE))";
                case EQ, IN -> ranges(num, t.values());
                default -> throw new IllegalArgumentException(t.op() + " on an IP field");
            };
        }

        /** {@code num} in any of the ranges: NULL or false when not. */
        private String ranges(String num, List<Object> values) {
            if (values.isEmpty()) {
                return "FALSE";
            }
            List<String> parts = new ArrayList<>();
            for (Object o : values) {
                IpNumbers.Range r = (IpNumbers.Range) o;
                if (r.low().equals(r.high())) {
                    params.add(r.low().toString());
                    parts.add(num + " = CAST(? AS HUGEINT)");
                } else {
                    params.add(r.low().toString());
                    params.add(r.high().toString());
                    parts.add(num + " BETWEEN CAST(? AS HUGEINT) AND CAST(? AS HUGEINT)");
                }
            }
            return parts.size() == 1 ? parts.get(0) : "(" + String.join(" OR ", parts) + ")";
        }

        /** Adds {@code value} and returns {@code sql} with its one {@code ?} replaced by a typed placeholder. */
        private String bind(String sql, Object value) {
            params.add(value);
            int at = sql.lastIndexOf('?');
            return sql.substring(0, at) + typed(value) + sql.substring(at + 1);
        }

        /** Adds the values and returns their typed placeholders, comma-separated. */
        private String placeholders(List<Object> values) {
            List<String> out = new ArrayList<>();
            for (Object v : values) {
                params.add(v);
                out.add(typed(v));
            }
            return String.join(", ", out);
        }

        /**
         * A placeholder with its type spelled out: DuckDB infers the type of a bare {@code ?} from its context
         * and can get it wrong when the same function appears twice with different argument types.
         */
        private static String typed(Object v) {
            return switch (v) {
                case Long l -> "CAST(? AS BIGINT)";
                case Boolean b -> "CAST(? AS BOOLEAN)";
                default -> "CAST(? AS VARCHAR)";
            };
        }
    }
}
