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
            Predicate<Object> m = matcher(FieldType.IP, t.op() == Op.NE ? Op.EQ : t.op(), t.values());
            Function<Event, Object> cip = stored(Fields.FD_CIP);
            Function<Event, Object> sip = stored(Fields.FD_SIP);
            return switch (t.op()) {
                case EXISTS -> e -> cip.apply(e) != null || sip.apply(e) != null;
                case NE -> e -> {
                    Object c = cip.apply(e);
                    Object s = sip.apply(e);
                    return (c != null || s != null) && !(c != null && m.test(c)) && !(s != null && m.test(s));
                };
                default -> e -> {
                    Object c = cip.apply(e);
                    Object s = sip.apply(e);
                    return c != null && m.test(c) || s != null && m.test(s);
                };
            };
        }
        Function<Event, Object> value = accessor(t.target());
        if (t.op() == Op.EXISTS) {
            return e -> value.apply(e) != null;
        }
        if (t.op() == Op.NE) {
            Predicate<Object> eq = matcher(f.type(), f.type() == FieldType.STRING_LIST ? Op.CONTAINS : Op.EQ, t.values());
            return e -> {
                Object v = value.apply(e);
                return v != null && !eq.test(v);
            };
        }
        Predicate<Object> m = matcher(f.type(), t.op(), t.values());
        return e -> {
            Object v = value.apply(e);
            return v != null && m.test(v);
        };
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
