package io.podtrail.query;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Field;
import io.podtrail.event.FieldType;
import io.podtrail.event.Fields;
import io.podtrail.query.Condition.Target;
import io.podtrail.query.Condition.Test;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates a {@link Condition} on in-memory {@link Event}s with exactly the semantics of the SQL that
 * {@code DuckDbFilterSql} generates (a differential test holds them together). The condition is compiled
 * once into a tree of predicates: per event there is no parsing and no regex compilation.
 * The returned predicates are immutable and thread-safe.
 */
public final class FilterEvaluator {

    private FilterEvaluator() {
    }

    public static Predicate<Event> of(Filter filter) {
        return of(filter.condition());
    }

    public static Predicate<Event> of(Condition c) {
        return switch (c) {
            case Condition.All a -> {
                @SuppressWarnings("unchecked")
                Predicate<Event>[] ps = a.terms().stream().map(FilterEvaluator::of).toArray(Predicate[]::new);
                yield ps.length == 0 ? e -> true : e -> {
                    for (Predicate<Event> p : ps) {
                        if (!p.test(e)) {
                            return false;
                        }
                    }
                    return true;
                };
            }
            case Condition.Any a -> {
                @SuppressWarnings("unchecked")
                Predicate<Event>[] ps = a.terms().stream().map(FilterEvaluator::of).toArray(Predicate[]::new);
                yield e -> {
                    for (Predicate<Event> p : ps) {
                        if (p.test(e)) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            case Condition.Negate n -> of(n.term()).negate();
            case Test t -> test(t);
        };
    }

    private static Predicate<Event> test(Test t) {
        Field f = t.target().field();
        if (f == Fields.FD_NET) {
            Predicate<Object> m = t.op() == Op.EXISTS ? null : matcher(FieldType.IP, t.op() == Op.NE ? Op.EQ : t.op(), t.values());
            return either(stored(Fields.FD_CIP), stored(Fields.FD_SIP), t.op(), m);
        }
        if (f == Fields.PROC_ANAME && t.target().arg() == null) {
            return anyAncestor(t);
        }
        if (f == Fields.FD_PORT) {
            return eitherPort(t);
        }
        Function<Event, Object> value = accessor(t.target());
        FieldType type = t.target().transform() == Condition.Transform.TEXT ? FieldType.STRING : f.type();
        if (t.op() == Op.EXISTS) {
            return e -> value.apply(e) != null;
        }
        if (t.op() == Op.NE) {
            Predicate<Object> eq = matcher(type, type == FieldType.STRING_LIST ? Op.CONTAINS : Op.EQ, t.values());
            return e -> {
                Object v = value.apply(e);
                return v != null && !eq.test(v);
            };
        }
        Predicate<Object> m = matcher(type, t.op(), t.values());
        return e -> {
            Object v = value.apply(e);
            return v != null && m.test(v);
        };
    }

    /**
     * {@code proc.aname} without an index: true when some ancestor passes (for != : when there are ancestors and
     * none is equal). The ancestors are podtrail.ancestors, or the parent alone when the list is empty.
     */
    private static Predicate<Event> anyAncestor(Test t) {
        Function<Event, List<?>> list = FilterEvaluator::ancestors;
        if (t.op() == Op.EXISTS) {
            return e -> list.apply(e) != null;
        }
        boolean ne = t.op() == Op.NE;
        Predicate<Object> m = matcher(FieldType.STRING, ne ? Op.EQ : t.op(), t.values());
        Condition.Transform tr = t.target().transform();
        return e -> {
            List<?> l = list.apply(e);
            if (l == null) {
                return false;
            }
            for (Object o : l) {
                if (o != null && m.test(transform(tr, (String) o))) {
                    return !ne;
                }
            }
            return ne;
        };
    }

    /** fd.port: either end's port passes (for != : some port is present and neither is equal), as fd.net for IPs. */
    private static Predicate<Event> eitherPort(Test t) {
        boolean text = t.target().transform() == Condition.Transform.TEXT;
        FieldType type = text ? FieldType.STRING : FieldType.LONG;
        Function<Event, Object> c = e -> text && e.get(Fields.FD_CPORT) != null ? e.get(Fields.FD_CPORT).toString() : e.get(Fields.FD_CPORT);
        Function<Event, Object> s = e -> text && e.get(Fields.FD_SPORT) != null ? e.get(Fields.FD_SPORT).toString() : e.get(Fields.FD_SPORT);
        if ((t.op() == Op.IN || t.op() == Op.PMATCH) && t.values().isEmpty()) {
            return e -> false;
        }
        return either(c, s, t.op(), t.op() == Op.EXISTS ? null : matcher(type, t.op() == Op.NE ? Op.EQ : t.op(), t.values()));
    }

    /**
     * A test on either of two values (fd.net, fd.port): true when one passes; for != when one is present and
     * neither is equal; exists when one is present. {@code m} tests a present value (null for exists).
     */
    private static Predicate<Event> either(Function<Event, Object> a, Function<Event, Object> b, Op op, Predicate<Object> m) {
        return switch (op) {
            case EXISTS -> e -> a.apply(e) != null || b.apply(e) != null;
            case NE -> e -> {
                Object x = a.apply(e);
                Object y = b.apply(e);
                return (x != null || y != null) && !(x != null && m.test(x)) && !(y != null && m.test(y));
            };
            default -> e -> {
                Object x = a.apply(e);
                Object y = b.apply(e);
                return x != null && m.test(x) || y != null && m.test(y);
            };
        };
    }

    private static String transform(Condition.Transform tr, String s) {
        return switch (tr) {
            case NONE, TEXT -> s;
            case LOWER -> s.toLowerCase(Locale.ROOT);
            case UPPER -> s.toUpperCase(Locale.ROOT);
        };
    }

    /** podtrail.ancestors when not empty, else [proc.pname] when known, else null. */
    static List<?> ancestors(Event e) {
        if (e.get(Fields.ANCESTORS) instanceof List<?> l && !l.isEmpty()) {
            return l;
        }
        String p = e.getString(Fields.PROC_PNAME);
        return p == null ? null : List.of(p);
    }

    /**
     * What a target reads on an event, after its transformer: String, Long, Boolean, List or Map, or null
     * when the event does not have it (rule outputs print these values). Not for {@code proc.aname} without an
     * index, which is a list of ancestors.
     */
    public static Function<Event, Object> valueOf(Target t) {
        if (t.field() == Fields.PROC_ANAME && t.arg() == null) {
            return FilterEvaluator::ancestors;
        }
        if (t.field() == Fields.FD_NET) {
            return e -> e.get(Fields.FD_SIP) != null ? e.get(Fields.FD_SIP) : e.get(Fields.FD_CIP);
        }
        return accessor(t);
    }

    /** A test on a present value. */
    private static Predicate<Object> matcher(FieldType type, Op op, List<Object> values) {
        switch (type) {
            case IP -> {
                List<IpNumbers.Range> ranges = values.stream().map(IpNumbers.Range.class::cast).toList();
                return v -> {
                    BigInteger n = IpNumbers.toNumber((String) v);
                    if (n == null) {
                        return false;
                    }
                    for (IpNumbers.Range r : ranges) {
                        if (r.contains(n)) {
                            return true;
                        }
                    }
                    return false;
                };
            }
            case STRING_LIST -> {
                Set<Object> set = new HashSet<>(values);
                return switch (op) {
                    case CONTAINS -> v -> ((List<?>) v).contains(values.get(0));
                    case IN -> v -> set.containsAll((List<?>) v);
                    case INTERSECTS -> v -> {
                        for (Object o : (List<?>) v) {
                            if (set.contains(o)) {
                                return true;
                            }
                        }
                        return false;
                    };
                    default -> throw new IllegalArgumentException(op + " on a list");
                };
            }
            case LONG, TIME -> {
                if (op == Op.IN) {
                    Set<Object> set = new HashSet<>(values);
                    return set::contains;
                }
                long x = (Long) values.get(0);
                return switch (op) {
                    case EQ -> v -> (Long) v == x;
                    case LT -> v -> (Long) v < x;
                    case LE -> v -> (Long) v <= x;
                    case GT -> v -> (Long) v > x;
                    case GE -> v -> (Long) v >= x;
                    default -> throw new IllegalArgumentException(op + " on a number");
                };
            }
            case BOOL -> {
                Set<Object> set = new HashSet<>(values);
                return set::contains;
            }
            case STRING -> {
                return stringMatcher(op, values);
            }
            default -> throw new IllegalArgumentException(op + " on " + type);
        }
    }

    private static Predicate<Object> stringMatcher(Op op, List<Object> values) {
        if (op == Op.IN) {
            Set<Object> set = new HashSet<>(values);
            return set::contains;
        }
        if (op == Op.PMATCH) {
            String[] exact = values.stream().map(String.class::cast).toArray(String[]::new);
            String[] prefixes = values.stream().map(p -> pmatchPrefix((String) p)).toArray(String[]::new);
            return v -> {
                String s = (String) v;
                for (int i = 0; i < exact.length; i++) {
                    if (s.equals(exact[i]) || s.startsWith(prefixes[i])) {
                        return true;
                    }
                }
                return false;
            };
        }
        String x = (String) values.get(0);
        return switch (op) {
            case EQ -> x::equals;
            case CONTAINS -> v -> ((String) v).contains(x);
            case ICONTAINS -> v -> ((String) v).toLowerCase(Locale.ROOT).contains(x);
            case STARTSWITH -> v -> ((String) v).startsWith(x);
            case ENDSWITH -> v -> ((String) v).endsWith(x);
            case GLOB -> {
                Pattern p = globPattern(x);
                yield v -> p.matcher((String) v).matches();
            }
            case IGLOB -> {
                Pattern p = globPattern(x);
                yield v -> p.matcher(((String) v).toLowerCase(Locale.ROOT)).matches();
            }
            case REGEX -> {
                Pattern p = Pattern.compile(x);
                yield v -> p.matcher((String) v).matches();
            }
            default -> throw new IllegalArgumentException(op + " on text");
        };
    }

    /** The prefix a pmatch entry matches below: {@code /etc} matches {@code /etc} and {@code /etc/...}. */
    public static String pmatchPrefix(String p) {
        return p.equals("/") ? "/" : p + "/";
    }

    /**
     * A glob as DuckDB's GLOB reads it: {@code *} any run, {@code ?} one character, {@code [..]} a class
     * ({@code [!..]} negated); everything else literal. {@code *} also matches {@code /}.
     */
    static Pattern globPattern(String glob) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (c == '[' && glob.indexOf(']', i + 2) > 0) {
                int close = glob.indexOf(']', i + 2);
                String body = glob.substring(i + 1, close);
                re.append('[');
                if (body.startsWith("!")) {
                    re.append('^');
                    body = body.substring(1);
                }
                for (char b : body.toCharArray()) {
                    if (b == '-' || b < 128 && Character.isLetterOrDigit(b)) {
                        re.append(b);
                    } else {
                        re.append('\\').append(b);
                    }
                }
                re.append(']');
                i = close;
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
            i++;
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    // --- reading a target's value (null = absent) ---

    private static Function<Event, Object> stored(Field f) {
        if (f.type() == FieldType.STRING_LIST) {
            return e -> {
                Object v = e.get(f);
                return v instanceof List<?> l && !l.isEmpty() ? v : null;
            };
        }
        return e -> e.get(f);
    }

    private static Function<Event, Object> accessor(Target t) {
        Function<Event, Object> raw = rawAccessor(t);
        return switch (t.transform()) {
            case NONE -> raw;
            case LOWER -> e -> {
                Object v = raw.apply(e);
                return v == null ? null : ((String) v).toLowerCase(Locale.ROOT);
            };
            case UPPER -> e -> {
                Object v = raw.apply(e);
                return v == null ? null : ((String) v).toUpperCase(Locale.ROOT);
            };
            case TEXT -> e -> {
                Object v = raw.apply(e);
                return v == null ? null : v.toString();
            };
        };
    }

    private static Function<Event, Object> rawAccessor(Target t) {
        Field f = t.field();
        if (f.stored()) {
            return stored(f);
        }
        if (f == Fields.KA_URI_PARAM) {
            Pattern p = Pattern.compile(uriParamPattern(t.arg()));
            return e -> {
                String uri = e.getString(Fields.KA_URI);
                if (uri == null) {
                    return null;
                }
                Matcher m = p.matcher(uri);
                return m.find() ? urlDecode(m.group(1)) : null;
            };
        }
        if (f == Fields.PROC_ANAME) {
            int n = Integer.parseInt(t.arg()); // 2 or more: 0 and 1 resolve to proc.name and proc.pname
            return e -> e.get(Fields.ANCESTORS) instanceof List<?> l && l.size() >= n ? l.get(n - 1) : null;
        }
        if (f == Fields.EVT_ARG) {
            String key = t.arg();
            return e -> e.get(Fields.ARGS) instanceof Map<?, ?> m ? m.get(key) : null;
        }
        if (FilterResolver.isPolicyField(f)) {
            return e -> null; // events have none; the store's feed reads them from its own columns
        }
        Function<Event, Object> syscall = syscallField(f);
        if (syscall != null) {
            return syscall;
        }
        if (f == Fields.K8S_POD_LABEL) {
            String key = t.arg();
            return e -> e.get(Fields.K8S_POD_LABELS) instanceof Map<?, ?> m ? m.get(key) : null;
        }
        if (f == Fields.FD_DIRECTORY || f == Fields.FD_FILENAME) {
            boolean dir = f == Fields.FD_DIRECTORY;
            return e -> {
                String name = e.getString(Fields.FD_NAME);
                if (name == null || !EventKind.FILE.label().equals(e.getString(Fields.KIND))) {
                    return null;
                }
                int slash = name.lastIndexOf('/');
                if (dir) {
                    return slash < 0 ? null : slash == 0 ? "/" : name.substring(0, slash);
                }
                return name.substring(slash + 1);
            };
        }
        Field remote = null;
        Field local = null;
        if (f == Fields.FD_RIP || f == Fields.FD_RNET || f == Fields.FD_LIP || f == Fields.FD_LNET) {
            remote = Fields.FD_SIP;
            local = Fields.FD_CIP;
        } else if (f == Fields.FD_RPORT || f == Fields.FD_LPORT) {
            remote = Fields.FD_SPORT;
            local = Fields.FD_CPORT;
        }
        if (remote != null) {
            boolean wantRemote = f == Fields.FD_RIP || f == Fields.FD_RNET || f == Fields.FD_RPORT;
            Field server = remote;
            Field client = local;
            return e -> {
                boolean accept = EventKind.NETWORK_ACCEPT.label().equals(e.getString(Fields.KIND));
                // connect and everything else: remote = server; accept: remote = client
                return e.get(wantRemote != accept ? server : client);
            };
        }
        if (f == Fields.FD_SNET) {
            return stored(Fields.FD_SIP);
        }
        if (f == Fields.FD_CNET) {
            return stored(Fields.FD_CIP);
        }
        throw new IllegalArgumentException("no evaluator for field " + f.name());
    }

    /** The Falco syscall fields derived from the kind, type and arguments (see {@link Fields#EVT_DIR} ...). */
    private static Function<Event, Object> syscallField(Field f) {
        if (f == Fields.EVT_DIR) {
            return e -> isSyscall(e) ? "<" : null;
        }
        if (f == Fields.EVT_NUM) {
            return e -> 1L;
        }
        if (f == Fields.PROC_DURATION) {
            return e -> {
                Long t = e.getLong(Fields.TIME);
                Long start = e.getLong(Fields.PROC_PID_TS);
                if (t == null || start == null) {
                    return null;
                }
                try {
                    return Math.subtractExact(t, start);
                } catch (ArithmeticException overflow) {
                    return null; // as the SQL's TRY_CAST
                }
            };
        }
        if (f == Fields.EVT_RAWRES) {
            return FilterEvaluator::rawres;
        }
        if (f == Fields.EVT_RES) {
            return e -> {
                Long r = rawres(e);
                return r == null ? null : r >= 0 ? "SUCCESS" : Long.toString(r);
            };
        }
        if (f == Fields.EVT_IS_OPEN_WRITE || f == Fields.EVT_IS_OPEN_READ) {
            boolean write = f == Fields.EVT_IS_OPEN_WRITE;
            return e -> {
                if (!EventKind.FILE.label().equals(e.getString(Fields.KIND))) {
                    return null;
                }
                String type = e.getString(Fields.TYPE);
                if (type == null) {
                    return false;
                }
                if (type.equals(write ? "write" : "read")) {
                    return true;
                }
                if (!OPEN_TYPES.contains(type)) {
                    return false;
                }
                String flags = e.get(Fields.ARGS) instanceof Map<?, ?> m && m.get("flags") instanceof String fl ? fl : "";
                for (String flag : write ? WRITE_FLAGS : READ_FLAGS) {
                    if (flags.contains(flag)) {
                        return true;
                    }
                }
                return false;
            };
        }
        if (f == Fields.FD_TYPECHAR || f == Fields.FD_TYPE) {
            boolean chr = f == Fields.FD_TYPECHAR;
            return e -> {
                String kind = e.getString(Fields.KIND);
                if (EventKind.FILE.label().equals(kind)) {
                    return chr ? "f" : "file";
                }
                if (!isConnection(kind)) {
                    return null;
                }
                String ip = e.getString(Fields.FD_SIP) != null ? e.getString(Fields.FD_SIP) : e.getString(Fields.FD_CIP);
                if (ip == null) {
                    return null;
                }
                boolean v6 = ip.indexOf(':') >= 0;
                return chr ? (v6 ? "6" : "4") : (v6 ? "ipv6" : "ipv4");
            };
        }
        if (f == Fields.FD_SOCKFAMILY) {
            return e -> isConnection(e.getString(Fields.KIND)) ? "ip" : null;
        }
        if (f == Fields.FD_NUM) {
            return e -> {
                String kind = e.getString(Fields.KIND);
                if (!EventKind.FILE.label().equals(kind) && !isConnection(kind)) {
                    return null;
                }
                Long n = numericArg(e, "fd");
                return n == null ? 0L : n;
            };
        }
        if (f == Fields.FD_CONNECTED) {
            return e -> {
                String kind = e.getString(Fields.KIND);
                return isConnection(kind) ? EventKind.NETWORK_CONNECT.label().equals(kind)
                        || EventKind.NETWORK_ACCEPT.label().equals(kind) : null;
            };
        }
        if (f == Fields.FD_NAME_CHANGED) {
            return e -> isConnection(e.getString(Fields.KIND)) ? Boolean.FALSE : null;
        }
        return null;
    }

    /** evt.type values Falco's open macros test. */
    public static final Set<String> OPEN_TYPES = Set.of("open", "openat", "openat2", "creat");
    public static final List<String> WRITE_FLAGS = List.of("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND");
    public static final List<String> READ_FLAGS = List.of("O_RDONLY", "O_RDWR");

    /** Event kinds that get a result code: every sensor event but exit and other. */
    public static final Set<String> RESULT_KINDS = Set.of(EventKind.PROCESS_EXEC.label(), EventKind.NETWORK_CONNECT.label(),
            EventKind.NETWORK_ACCEPT.label(), EventKind.NETWORK_CLOSE.label(), EventKind.FILE.label());

    private static boolean isSyscall(Event e) {
        String kind = e.getString(Fields.KIND);
        return kind != null && !EventKind.K8S_API.label().equals(kind);
    }

    private static boolean isConnection(String kind) {
        return EventKind.NETWORK_CONNECT.label().equals(kind) || EventKind.NETWORK_ACCEPT.label().equals(kind)
                || EventKind.NETWORK_CLOSE.label().equals(kind);
    }

    private static Long rawres(Event e) {
        Long n = numericArg(e, "res");
        if (n != null) {
            return n;
        }
        return RESULT_KINDS.contains(e.getString(Fields.KIND)) ? 0L : null;
    }

    private static Long numericArg(Event e, String name) {
        if (e.get(Fields.ARGS) instanceof Map<?, ?> m && m.get(name) instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException ex) {
                return null;
            }
        }
        return null;
    }

    /**
     * The regular expression (valid in both Java and RE2) whose group 1 is the raw value of query parameter
     * {@code name}: the first {@code name=} after {@code ?} or {@code &}, up to the next {@code &} or {@code #}.
     */
    public static String uriParamPattern(String name) {
        StringBuilder sb = new StringBuilder("[?&]");
        for (char c : name.toCharArray()) {
            if (c < 128 && !Character.isLetterOrDigit(c)) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append("=([^&#]*)").toString();
    }

    /** Decodes %XX escapes as DuckDB's url_decode does: '+' stays '+', a malformed escape stays as written. */
    static String urlDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '%' && i + 2 < b.length && hex(b[i + 1]) >= 0 && hex(b[i + 2]) >= 0) {
                out.write(hex(b[i + 1]) * 16 + hex(b[i + 2]));
                i += 2;
            } else {
                out.write(b[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte c) {
        return Character.digit((char) c, 16);
    }
}
