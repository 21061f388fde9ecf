package io.podtrail.query;

import io.podtrail.event.Field;
import io.podtrail.event.FieldType;
import io.podtrail.event.Fields;
import io.podtrail.query.Condition.Target;
import io.podtrail.query.Condition.Transform;
import io.podtrail.query.Expr.FieldRef;
import io.podtrail.query.Expr.FieldValue;
import io.podtrail.query.Expr.ListRef;
import io.podtrail.query.Expr.ListValue;
import io.podtrail.query.Expr.Literal;
import io.podtrail.query.Expr.Operand;
import io.podtrail.query.Expr.Value;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a parsed {@link Expr} against the field catalogue and turns it into a typed {@link Condition}.
 * Runs after macro and list expansion, so any bare identifier left is an error. Reports every problem it
 * finds (not just the first) as {@link Diagnostic}s.
 *
 * <p>Operators allowed per field type:
 * <ul>
 *   <li>STRING: =, !=, contains, icontains, startswith, endswith, glob, iglob, regex, in, intersects (= in),
 *       pmatch, exists; {@code tolower(f)} / {@code toupper(f)} transform the field first.</li>
 *   <li>LONG, TIME: =, !=, &lt;, &lt;=, &gt;, &gt;=, in, intersects (= in), exists; values are integers
 *       (decimal or 0x hex; TIME in ns since the epoch).</li>
 *   <li>BOOL: =, !=, in, exists; values true / false.</li>
 *   <li>IP: =, !=, in, intersects (= in), exists; values are addresses or CIDRs (a CIDR matches every
 *       address in it). {@code fd.snet}, {@code fd.net}, ... are IP fields too.</li>
 *   <li>STRING_LIST (Falco's k8saudit list semantics): {@code = x} and {@code contains x}: some element is x;
 *       {@code != x}: non-empty and no element is x; {@code in (..)}: non-empty and every element is in the
 *       set; {@code intersects (..)}: some element is in the set; exists: non-empty.</li>
 *   <li>STRING_MAP: exists only; use an argument field ({@code k8s.pod.label[app]}) to compare one entry.</li>
 * </ul>
 * Not supported yet (an {@code unsupported} diagnostic): bcontains / bstartswith, val(...), b64 / basename /
 * len transformers.
 *
 * <p>Falco spellings: {@code proc.aname[0]} is proc.name, {@code proc.aname[1]} proc.pname, {@code proc.aname[N]}
 * the N-th ancestor (from {@code podtrail.ancestors}), {@code proc.aname} without index any ancestor;
 * {@code evt.arg.NAME} and {@code evt.rawarg.NAME} are {@code evt.arg[NAME]}. The {@code policy.*} fields
 * only resolve in the policy-events feed ({@link #resolvePolicyFeed}).
 */
public final class FilterResolver {

    private static final Set<Op> STRING_OPS = EnumSet.of(Op.EQ, Op.NE, Op.CONTAINS, Op.ICONTAINS, Op.STARTSWITH,
            Op.ENDSWITH, Op.GLOB, Op.IGLOB, Op.REGEX, Op.IN, Op.INTERSECTS, Op.PMATCH);
    private static final Set<Op> NUMBER_OPS = EnumSet.of(Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE, Op.IN, Op.INTERSECTS);
    private static final Set<Op> EQUALITY_OPS = EnumSet.of(Op.EQ, Op.NE, Op.IN, Op.INTERSECTS);
    private static final Set<Op> TEXT_OPS = EnumSet.of(Op.CONTAINS, Op.ICONTAINS, Op.STARTSWITH, Op.ENDSWITH, Op.GLOB,
            Op.IGLOB, Op.REGEX, Op.PMATCH);
    /** The json plugin's {@code jevt.value[/pointer]} on an audit event, for the pointers a ka.* field holds. */
    private static final java.util.Map<String, String> JEVT_POINTERS = java.util.Map.ofEntries(
            java.util.Map.entry("/stage", "ka.stage"), java.util.Map.entry("/verb", "ka.verb"),
            java.util.Map.entry("/level", "ka.level"), java.util.Map.entry("/auditID", "ka.auditid"),
            java.util.Map.entry("/requestURI", "ka.uri"), java.util.Map.entry("/user/username", "ka.user.name"),
            java.util.Map.entry("/userAgent", "ka.useragent"), java.util.Map.entry("/objectRef/resource", "ka.target.resource"),
            java.util.Map.entry("/objectRef/subresource", "ka.target.subresource"),
            java.util.Map.entry("/objectRef/namespace", "ka.target.namespace"),
            java.util.Map.entry("/objectRef/name", "ka.target.name"),
            java.util.Map.entry("/responseStatus/code", "ka.response.code"));
    private static final Set<Op> LIST_OPS = EnumSet.of(Op.EQ, Op.NE, Op.CONTAINS, Op.IN, Op.INTERSECTS);

    private final String text;
    private final boolean policyFeed;
    private final List<Diagnostic> diagnostics = new ArrayList<>();

    private FilterResolver(String text, boolean policyFeed) {
        this.text = text;
        this.policyFeed = policyFeed;
    }

    /** Resolves {@code expr} parsed from {@code text} (the text is only used to place diagnostics). */
    public static Condition resolve(String text, Expr expr) throws FilterException {
        return resolve(text, expr, false);
    }

    /** Resolves a filter of the policy-events feed, where the {@code policy.*} fields are known too. */
    public static Condition resolvePolicyFeed(String text, Expr expr) throws FilterException {
        return resolve(text, expr, true);
    }

    private static Condition resolve(String text, Expr expr, boolean policyFeed) throws FilterException {
        FilterResolver r = new FilterResolver(text, policyFeed);
        Condition c = r.expr(expr);
        if (!r.diagnostics.isEmpty()) {
            throw new FilterException(text, r.diagnostics);
        }
        return c;
    }

    /**
     * The target a rule output's {@code %name} or {@code %name[arg]} reads, or empty when Podtrail has no such
     * field (Falco prints {@code <NA>} then).
     */
    public static Optional<Target> outputTarget(String name, String arg) {
        FilterResolver r = new FilterResolver(name, true);
        Target t = r.field(new FieldRef(name, arg, 0, name.length()));
        return r.diagnostics.isEmpty() ? Optional.ofNullable(t) : Optional.empty();
    }

    /** True for the fields that exist only on policy events. */
    public static boolean isPolicyField(Field f) {
        return f == Fields.POLICY_RULE || f == Fields.POLICY_PRIORITY || f == Fields.POLICY_TAGS || f == Fields.POLICY_OUTPUT;
    }

    private void report(String code, String message, int pos, int length) {
        diagnostics.add(Diagnostic.at(text, code, message, pos, length));
    }

    private Condition expr(Expr e) {
        return switch (e) {
            case Expr.And a -> new Condition.All(a.terms().stream().map(this::expr).toList());
            case Expr.Or o -> new Condition.Any(o.terms().stream().map(this::expr).toList());
            case Expr.Not n -> new Condition.Negate(expr(n.expr()));
            case Expr.Identifier id -> {
                String hint = suggestion(id.name()).map(s -> " (did you mean " + s + "?)").orElse("");
                report("unknown-field-or-macro", "unknown field or macro '" + id.name() + "'" + hint
                        + "; a field needs an operator, e.g. " + id.name() + " = value", id.pos(), id.name().length());
                yield new Condition.All(List.of());
            }
            case Expr.Exists x -> {
                Target t = target(x.left());
                yield t == null ? new Condition.All(List.of()) : new Condition.Test(t, Op.EXISTS, List.of());
            }
            case Expr.Compare c -> compare(c);
        };
    }

    private Condition compare(Expr.Compare c) {
        Target t = target(c.left());
        Condition nothing = new Condition.All(List.of());
        if (t == null) {
            return nothing;
        }
        Op op = c.op();
        String fname = describe(c.left());
        if (op == Op.BCONTAINS || op == Op.BSTARTSWITH) {
            report("unsupported", "'" + op.text() + "' compares raw byte buffers, which Podtrail does not keep ("
                    + fname + ")", c.pos(), c.right().pos() + c.right().length() - c.pos());
            return nothing;
        }
        Value right = c.right();
        if (right instanceof FieldValue fv) {
            report("unsupported", "comparing " + fname + " with another field (val(...)) is not supported yet",
                    fv.pos(), fv.length());
            return nothing;
        }
        if (right instanceof ListRef lr) {
            report("unknown-list", "unknown list '" + lr.name() + "' after " + fname + " " + op.text()
                    + " (write the values in parentheses: " + op.text() + " (a, b))", lr.pos(), lr.length());
            return nothing;
        }
        FieldType type = t.field().type();
        if ((type == FieldType.LONG || type == FieldType.TIME) && TEXT_OPS.contains(op)
                && t.transform() == Transform.NONE) {
            t = new Target(t.field(), t.arg(), Transform.TEXT); // Falco's k8saudit fields are text: code startswith 2
            type = FieldType.STRING;
        }
        if (right instanceof Literal lit && !lit.quoted() && lit.text().equals("<NA>")
                && (op == Op.EQ || op == Op.NE)) {
            Condition exists = new Condition.Test(t, Op.EXISTS, List.of());
            return op == Op.EQ ? new Condition.Negate(exists) : exists;
        }
        Set<Op> allowed = switch (type) {
            case STRING -> STRING_OPS;
            case LONG, TIME -> NUMBER_OPS;
            case BOOL, IP -> EQUALITY_OPS;
            case STRING_LIST -> LIST_OPS;
            case STRING_MAP -> EnumSet.noneOf(Op.class);
        };
        if (!allowed.contains(op)) {
            String ops = allowed.isEmpty() ? "only exists applies"
                    : "use " + String.join(", ", allowed.stream().map(Op::text).toList()) + " or exists";
            report("bad-operator", "operator '" + op.text() + "' does not apply to " + fname + " (" + typeName(type)
                    + "; " + ops + ")", c.opPos(), op.text().length());
            return nothing;
        }
        if (type != FieldType.STRING_LIST && op == Op.INTERSECTS) {
            op = Op.IN;
        }
        if (type == FieldType.STRING_LIST && op == Op.EQ) {
            op = Op.CONTAINS;
        }
        List<Literal> items = right instanceof ListValue lv ? lv.items() : List.of((Literal) right);
        List<Object> values = new ArrayList<>();
        boolean ok = true;
        for (Literal item : items) {
            Object v = convert(t, op, item, fname);
            if (v == null) {
                ok = false;
            } else {
                values.add(v);
            }
        }
        return ok ? new Condition.Test(t, op, values) : nothing;
    }

    /** The typed value of {@code lit}, or null after reporting why it does not fit. */
    private Object convert(Target t, Op op, Literal lit, String fname) {
        String s = lit.text();
        FieldType type = t.transform() == Transform.TEXT ? FieldType.STRING : t.field().type();
        switch (type) {
            case LONG, TIME -> {
                Long n = parseLong(s);
                if (n == null) {
                    report("type-mismatch", fname + " expects a number, got '" + s + "'", lit.pos(), lit.length());
                }
                return n;
            }
            case BOOL -> {
                if (s.equals("true") || s.equals("false")) {
                    return Boolean.valueOf(s);
                }
                report("type-mismatch", fname + " expects true or false, got '" + s + "'", lit.pos(), lit.length());
                return null;
            }
            case IP -> {
                IpNumbers.Range r = IpNumbers.range(s);
                if (r == null) {
                    if (s.indexOf('/') >= 0) {
                        report("bad-cidr", "'" + s + "' is not a valid CIDR (address/prefix-length, e.g. 10.0.0.0/8)",
                                lit.pos(), lit.length());
                    } else {
                        report("type-mismatch", fname + " expects an IP address or CIDR, got '" + s + "'",
                                lit.pos(), lit.length());
                    }
                }
                return r;
            }
            default -> {
                if (op == Op.ICONTAINS || op == Op.IGLOB) {
                    return s.toLowerCase(Locale.ROOT);
                }
                if (op == Op.PMATCH) {
                    String p = s;
                    while (p.length() > 1 && p.endsWith("/")) {
                        p = p.substring(0, p.length() - 1);
                    }
                    return p;
                }
                if (op == Op.REGEX) {
                    try {
                        Pattern.compile(s);
                    } catch (PatternSyntaxException e) {
                        report("type-mismatch", "'" + s + "' is not a valid regular expression: " + e.getDescription(),
                                lit.pos(), lit.length());
                        return null;
                    }
                }
                return s;
            }
        }
    }

    static Long parseLong(String s) {
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseLong(s.substring(2), 16);
            }
            return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private Target target(Operand o) {
        return switch (o) {
            case FieldRef f -> field(f);
            case Expr.Transform tr -> {
                Transform kind = switch (tr.function()) {
                    case "tolower" -> Transform.LOWER;
                    case "toupper" -> Transform.UPPER;
                    default -> null;
                };
                if (kind == null || !(tr.arg() instanceof FieldRef inner)) {
                    report("unsupported", "the transformer " + tr.function() + "(...) is not supported yet"
                            + " (tolower and toupper on a field are)", tr.pos(), tr.function().length());
                    yield null;
                }
                Target t = field(inner);
                if (t == null) {
                    yield null;
                }
                if (t.field().type() != FieldType.STRING) {
                    report("type-mismatch", tr.function() + "(...) applies to text fields, not " + t.field().name()
                            + " (" + typeName(t.field().type()) + ")", tr.pos(), tr.function().length());
                    yield null;
                }
                yield new Target(t.field(), t.arg(), kind);
            }
        };
    }

    private Target field(FieldRef f) {
        Optional<Field> found = Fields.byName(f.name());
        if (found.isEmpty() && f.arg() == null) {
            for (String prefix : List.of("evt.arg.", "evt.rawarg.")) {
                if (f.name().startsWith(prefix) && f.name().length() > prefix.length()) {
                    return new Target(Fields.EVT_ARG, f.name().substring(prefix.length()), Transform.NONE);
                }
            }
        }
        if (found.isEmpty() && f.name().equals("jevt.value") && f.arg() != null) {
            String mapped = JEVT_POINTERS.get(f.arg());
            if (mapped != null) {
                return field(new FieldRef(mapped, null, f.pos(), f.length()));
            }
            report("unsupported", "jevt.value[" + f.arg() + "] reads the raw JSON of the event, which Podtrail does not "
                    + "evaluate (it has ka.* fields for " + String.join(", ", new java.util.TreeSet<>(JEVT_POINTERS.keySet()))
                    + ")", f.pos(), f.length());
            return null;
        }
        if (found.isEmpty()) {
            String hint = suggestion(f.name()).map(s -> " (did you mean " + s + "?)").orElse("");
            report("unknown-field", "unknown field '" + f.name() + "'" + hint, f.pos(), f.name().length());
            return null;
        }
        Field field = found.get();
        if (isPolicyField(field) && !policyFeed) {
            report("unknown-field", field.name() + " is a field of policy events: use it with podtrail policy-events",
                    f.pos(), f.name().length());
            return null;
        }
        if (field == Fields.PROC_ANAME) {
            if (f.arg() == null) {
                return new Target(field, null, Transform.NONE); // any ancestor
            }
            Long n = parseLong(f.arg());
            if (n == null || n < 0 || n > 64) {
                report("bad-argument", "proc.aname[N] needs an ancestor number from 0 to 64, got [" + f.arg() + "]",
                        f.pos(), f.length());
                return null;
            }
            if (n == 0) {
                return new Target(Fields.PROC_NAME, null, Transform.NONE);
            }
            if (n == 1) {
                return new Target(Fields.PROC_PNAME, null, Transform.NONE);
            }
            return new Target(field, Long.toString(n), Transform.NONE);
        }
        if (field.argument() && f.arg() == null) {
            report("bad-argument", field.name() + " needs an argument: " + field.name() + "[...]", f.pos(), f.length());
            return null;
        }
        if (!field.argument() && f.arg() != null) {
            report("bad-argument", field.name() + " takes no argument, got [" + f.arg() + "]", f.pos(), f.length());
            return null;
        }
        if (field.argument() && f.arg().isEmpty()) {
            report("bad-argument", field.name() + " needs a non-empty argument", f.pos(), f.length());
            return null;
        }
        return new Target(field, f.arg(), Transform.NONE);
    }

    private static String describe(Operand o) {
        return switch (o) {
            case FieldRef f -> f.arg() == null ? f.name() : f.name() + "[" + f.arg() + "]";
            case Expr.Transform t -> t.function() + "(" + describe(t.arg()) + ")";
        };
    }

    private static String typeName(FieldType t) {
        return switch (t) {
            case STRING -> "text";
            case LONG -> "a number";
            case TIME -> "a time in ns";
            case BOOL -> "a boolean";
            case IP -> "an IP address";
            case STRING_LIST -> "a list of text";
            case STRING_MAP -> "a map";
        };
    }

    /** The closest catalogue field name or alias, when it is close enough to be a typo. */
    static Optional<String> suggestion(String name) {
        return Fields.closest(name, false);
    }
}
