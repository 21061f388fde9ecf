package io.podtrail.detect;

import io.podtrail.detect.RuleDiagnostic.Severity;
import io.podtrail.detect.RuleStatus.Status;
import io.podtrail.event.Event;
import io.podtrail.query.Condition;
import io.podtrail.query.Diagnostic;
import io.podtrail.query.Expr;
import io.podtrail.query.FilterEvaluator;
import io.podtrail.query.FilterException;
import io.podtrail.query.FilterParser;
import io.podtrail.query.FilterResolver;
import io.podtrail.query.Op;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads Falco rules files unchanged, in Falco's three steps: read (YAML items with their positions), collect
 * (lists, macros and rules across files, with {@code append} and {@code override}), compile (each rule's
 * condition, its macros and lists expanded in a pass of their own, its exceptions added, then resolved against
 * the field catalogue by {@link FilterResolver}: one parser, one AST, one catalogue with the query language).
 *
 * <p>Never throws on a rules file: every problem is a {@link RuleDiagnostic} with a code, the file, line and
 * column and the rule's name. A rule that needs a field Podtrail does not have is skipped with a warning naming
 * the field; the others load.
 *
 * <p>Supported: {@code rule}, {@code macro}, {@code list}, {@code exceptions} (name, fields, comps, values),
 * {@code append: true}, {@code override} (append / replace per key), {@code enabled}, {@code priority},
 * {@code output}, {@code desc}, {@code tags}, {@code source} (syscall, k8s_audit; other sources are skipped),
 * {@code required_engine_version}, {@code required_plugin_versions}; Podtrail's extension
 * {@code podtrail_after} (see docs/rules.md). Not thread-safe; one loader per load.
 */
public final class RuleLoader {

    /** One rules file: a name for diagnostics and its text. */
    public record RulesFile(String name, String text) {

        public static RulesFile of(Path p) throws IOException {
            return new RulesFile(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
        }

        /** A rules file shipped as a class-path resource. */
        public static RulesFile resource(String path) {
            try (InputStream in = RuleLoader.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + path);
                }
                return new RulesFile(path.substring(path.lastIndexOf('/') + 1),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read resource " + path, e);
            }
        }
    }

    /** The sources Podtrail ingests events of. */
    public static final Set<String> SOURCES = Set.of("syscall", "k8s_audit");

    private static final Set<String> SKIP_CODES = Set.of("unknown-field", "unsupported");

    private final Map<String, ListDef> lists = new HashMap<>();
    private final Map<String, MacroDef> macros = new HashMap<>();
    private final Map<String, RuleDef> rules = new LinkedHashMap<>();
    private final List<RuleDiagnostic> diagnostics = new ArrayList<>();
    private final List<String> engineVersions = new ArrayList<>();
    private final List<String> plugins = new ArrayList<>();
    private final Map<String, Expr> parsedMacros = new HashMap<>();
    private final Set<String> brokenMacros = new HashSet<>();

    private RuleLoader() {
    }

    public static RuleSet load(List<RulesFile> files) {
        RuleLoader l = new RuleLoader();
        for (RulesFile f : files) {
            l.read(f);
        }
        return l.compileAll();
    }

    public static RuleSet load(RulesFile... files) {
        return load(List.of(files));
    }

    // ------------------------------------------------------------------------------------------ read + collect

    private static final class ListDef {
        final List<String> items = new ArrayList<>();
    }

    private static final class MacroDef {
        final List<SourceText> condition = new ArrayList<>();
    }

    private static final class ExceptionDef {
        String name;
        Object fields;
        Object comps;
        List<Object> values = new ArrayList<>();
        SourceText where;
    }

    private static final class RuleDef {
        String name;
        String file;
        int line;
        int column;
        final List<SourceText> condition = new ArrayList<>();
        String output;
        String desc;
        String priority;
        List<String> tags = new ArrayList<>();
        String source = "syscall";
        boolean enabled = true;
        final List<ExceptionDef> exceptions = new ArrayList<>();
        Map<String, Object> after;
        SourceText afterWhere;
        boolean invalid;
    }

    private void diag(Severity s, String code, String message, String file, int line, int col, String item) {
        diagnostics.add(new RuleDiagnostic(s, code, message, file, line, col, item));
    }

    private void read(RulesFile file) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(file.text()));
        } catch (MarkedYAMLException e) {
            Mark m = e.getProblemMark();
            diag(Severity.ERROR, "yaml", e.getProblem(), file.name(), m == null ? 0 : m.getLine() + 1,
                    m == null ? 0 : m.getColumn() + 1, null);
            return;
        } catch (YAMLException e) {
            diag(Severity.ERROR, "yaml", String.valueOf(e.getMessage()), file.name(), 0, 0, null);
            return;
        }
        if (root == null) {
            return;
        }
        if (!(root instanceof SequenceNode seq)) {
            diag(Severity.ERROR, "yaml", "a rules file is a list of items (rule, macro, list, ...)", file.name(),
                    line(root), col(root), null);
            return;
        }
        for (Node n : seq.getValue()) {
            if (!(n instanceof MappingNode)) {
                diag(Severity.ERROR, "yaml", "each item of a rules file is a mapping", file.name(), line(n), col(n), null);
                continue;
            }
            Map<String, Node> item = map(n);
            try {
                if (item.containsKey("rule")) {
                    rule(file, n, item);
                } else if (item.containsKey("macro")) {
                    macro(file, n, item);
                } else if (item.containsKey("list")) {
                    list(file, n, item);
                } else if (item.containsKey("required_engine_version")) {
                    engineVersions.add(file.name() + ": " + scalar(item.get("required_engine_version")));
                } else if (item.containsKey("required_plugin_versions")) {
                    for (Object p : asList(toJava(item.get("required_plugin_versions")))) {
                        if (p instanceof Map<?, ?> m) {
                            plugins.add(m.get("name") + " " + m.get("version"));
                        }
                    }
                } else {
                    diag(Severity.WARNING, "unknown-item", "unknown item " + item.keySet() + " ignored", file.name(),
                            line(n), col(n), null);
                }
            } catch (RuntimeException e) {
                diag(Severity.ERROR, "yaml", "cannot read this item: " + e.getMessage(), file.name(), line(n), col(n), null);
            }
        }
    }

    /** Which keys an item changes and how: append or replace (from {@code append: true} or {@code override}). */
    private Map<String, String> overrides(RulesFile file, Node n, Map<String, Node> item, String what) {
        Map<String, String> out = new HashMap<>();
        if (item.containsKey("override")) {
            Map<String, Node> o = item.get("override") instanceof MappingNode ? map(item.get("override")) : Map.of();
            for (Map.Entry<String, Node> en : o.entrySet()) {
                String mode = scalar(en.getValue());
                if (!"append".equals(mode) && !"replace".equals(mode)) {
                    diag(Severity.ERROR, "bad-override", "override of " + en.getKey() + " must be append or replace, got "
                            + mode, file.name(), line(en.getValue()), col(en.getValue()), what);
                    continue;
                }
                out.put(en.getKey(), mode);
            }
        }
        if ("true".equals(scalar(item.get("append")))) {
            for (String k : item.keySet()) {
                if (!k.equals("append") && !k.equals("rule") && !k.equals("macro") && !k.equals("list")) {
                    out.put(k, "append");
                }
            }
        }
        return out;
    }

    private void list(RulesFile file, Node n, Map<String, Node> item) {
        String name = scalar(item.get("list"));
        String what = "list '" + name + "'";
        List<String> items = new ArrayList<>();
        for (Object o : asList(toJava(item.get("items")))) {
            items.add(String.valueOf(o));
        }
        Map<String, String> ov = overrides(file, n, item, what);
        ListDef def = lists.get(name);
        if (ov.containsKey("items")) {
            if (def == null) {
                diag(Severity.ERROR, "append-without-base", "appends to a list that is not defined before", file.name(),
                        line(n), col(n), what);
                return;
            }
            if (ov.get("items").equals("replace")) {
                def.items.clear();
            }
            def.items.addAll(items);
            return;
        }
        def = new ListDef();
        def.items.addAll(items);
        lists.put(name, def);
    }

    private void macro(RulesFile file, Node n, Map<String, Node> item) {
        String name = scalar(item.get("macro"));
        String what = "macro '" + name + "'";
        SourceText cond = text(file, item.get("condition"));
        if (cond == null) {
            diag(Severity.ERROR, "missing-key", "a macro needs a condition", file.name(), line(n), col(n), what);
            return;
        }
        Map<String, String> ov = overrides(file, n, item, what);
        MacroDef def = macros.get(name);
        if (ov.containsKey("condition")) {
            if (def == null) {
                diag(Severity.ERROR, "append-without-base", "appends to a macro that is not defined before", file.name(),
                        line(n), col(n), what);
                return;
            }
            if (ov.get("condition").equals("replace")) {
                def.condition.clear();
            }
            def.condition.add(cond);
            return;
        }
        def = new MacroDef();
        def.condition.add(cond);
        macros.put(name, def);
    }

    private void rule(RulesFile file, Node n, Map<String, Node> item) {
        String name = scalar(item.get("rule"));
        String what = "rule '" + name + "'";
        Map<String, String> ov = overrides(file, n, item, what);
        RuleDef def = rules.get(name);
        boolean changes = !ov.isEmpty();
        boolean enabledOnly = !changes && !item.containsKey("condition") && item.containsKey("enabled");
        if (changes || enabledOnly) {
            if (def == null) {
                diag(Severity.ERROR, "append-without-base", "changes a rule that is not defined before", file.name(),
                        line(n), col(n), what);
                return;
            }
            if (enabledOnly) {
                def.enabled = !"false".equals(scalar(item.get("enabled")));
                return;
            }
            for (Map.Entry<String, String> en : ov.entrySet()) {
                boolean append = en.getValue().equals("append");
                Node v = item.get(en.getKey());
                if (v == null) {
                    continue;
                }
                switch (en.getKey()) {
                    case "condition" -> {
                        if (!append) {
                            def.condition.clear();
                        }
                        def.condition.add(text(file, v));
                    }
                    case "exceptions" -> {
                        List<ExceptionDef> exs = exceptions(file, v, what);
                        if (!append) {
                            def.exceptions.clear();
                            def.exceptions.addAll(exs);
                        } else {
                            for (ExceptionDef ex : exs) {
                                ExceptionDef base = def.exceptions.stream().filter(b -> b.name.equals(ex.name)).findFirst()
                                        .orElse(null);
                                if (base != null) {
                                    base.values.addAll(ex.values);
                                } else {
                                    def.exceptions.add(ex);
                                }
                            }
                        }
                    }
                    case "output" -> def.output = append ? def.output + " " + scalar(v) : scalar(v);
                    case "desc" -> def.desc = append ? def.desc + " " + scalar(v) : scalar(v);
                    case "priority" -> def.priority = scalar(v);
                    case "tags" -> {
                        List<String> tags = strings(v);
                        if (!append) {
                            def.tags.clear();
                        }
                        def.tags.addAll(tags);
                    }
                    case "enabled" -> def.enabled = !"false".equals(scalar(v));
                    default -> diag(Severity.WARNING, "bad-override", "cannot change " + en.getKey() + " of a rule",
                            file.name(), line(v), col(v), what);
                }
            }
            return;
        }
        if (def != null) {
            diag(Severity.WARNING, "redefined", "defined again: replaces the rule of " + def.file + ":" + def.line
                    + " (use override: or append: to change it)", file.name(), line(n), col(n), what);
        }
        def = new RuleDef();
        def.name = name;
        def.file = file.name();
        def.line = line(n);
        def.column = col(n);
        SourceText cond = text(file, item.get("condition"));
        if (cond == null) {
            diag(Severity.ERROR, "missing-key", "a rule needs a condition", file.name(), line(n), col(n), what);
            def.invalid = true;
        } else {
            def.condition.add(cond);
        }
        def.output = scalar(item.get("output"));
        def.desc = scalar(item.get("desc"));
        def.priority = scalar(item.get("priority"));
        if (def.output == null || def.priority == null) {
            diag(Severity.ERROR, "missing-key", "a rule needs " + (def.output == null ? "an output" : "a priority"),
                    file.name(), line(n), col(n), what);
            def.invalid = true;
        }
        if (item.containsKey("tags")) {
            def.tags.addAll(strings(item.get("tags")));
        }
        if (item.containsKey("source")) {
            def.source = scalar(item.get("source"));
        }
        if (item.containsKey("enabled")) {
            def.enabled = !"false".equals(scalar(item.get("enabled")));
        }
        if (item.containsKey("exceptions")) {
            def.exceptions.addAll(exceptions(file, item.get("exceptions"), what));
        }
        if (item.containsKey("podtrail_after")) {
            Object after = toJava(item.get("podtrail_after"));
            if (after instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> a = (Map<String, Object>) m;
                def.after = a;
                Node an = item.get("podtrail_after");
                def.afterWhere = text(file, map(an).get("condition"));
            }
        }
        rules.put(name, def);
    }

    private List<ExceptionDef> exceptions(RulesFile file, Node v, String what) {
        List<ExceptionDef> out = new ArrayList<>();
        if (!(v instanceof SequenceNode seq)) {
            return out;
        }
        for (Node en : seq.getValue()) {
            if (!(en instanceof MappingNode)) {
                continue;
            }
            Map<String, Node> m = map(en);
            ExceptionDef ex = new ExceptionDef();
            ex.name = scalar(m.get("name"));
            ex.fields = m.containsKey("fields") ? toJava(m.get("fields")) : null;
            ex.comps = m.containsKey("comps") ? toJava(m.get("comps")) : null;
            ex.values.addAll(asList(m.containsKey("values") ? toJava(m.get("values")) : null));
            ex.where = new SourceText("", file.name(), file.text(), en.getStartMark().getIndex(), line(en), col(en));
            out.add(ex);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ compile

    private RuleSet compileAll() {
        List<Rule> loaded = new ArrayList<>();
        List<RuleStatus> statuses = new ArrayList<>();
        for (RuleDef def : rules.values()) {
            RuleStatus status;
            Rule rule = null;
            if (def.invalid) {
                status = new RuleStatus(def.name, def.file, def.line, def.source, Status.ERROR, "invalid rule (see diagnostics)", List.of());
            } else {
                Compilation c = new Compilation(def);
                try {
                    rule = c.compile();
                    status = c.status;
                } catch (RuntimeException e) { // never a crash on a rules file: the rule is in error, the others load
                    diag(Severity.ERROR, "invalid", "cannot compile this rule: " + e, def.file, def.line, def.column,
                            "rule '" + def.name + "'");
                    rule = null;
                    status = new RuleStatus(def.name, def.file, def.line, def.source, Status.ERROR, "invalid: " + e, List.of());
                }
            }
            statuses.add(status);
            if (rule != null && status.status() == Status.LOADED) {
                loaded.add(rule);
            }
        }
        return new RuleSet(loaded, statuses, diagnostics, engineVersions, plugins);
    }

    /** The pieces of one rule's virtual text: the rule's condition, exception texts, then each macro used. */
    private record Segment(int base, int length, List<SourceText> pieces, List<Integer> pieceOffsets, String item) {
    }

    /** Compiles one rule. */
    private final class Compilation {
        final RuleDef def;
        final String what;
        final StringBuilder virtual = new StringBuilder();
        final List<Segment> segments = new ArrayList<>();
        final Map<String, Expr> macroExprs = new HashMap<>();
        final List<RuleDiagnostic> own = new ArrayList<>();
        RuleStatus status;

        Compilation(RuleDef def) {
            this.def = def;
            this.what = "rule '" + def.name + "'";
        }

        Rule compile() {
            Priority priority = Priority.parse(def.priority).orElse(null);
            if (priority == null) {
                error("bad-priority", "unknown priority '" + def.priority + "' (emergency, alert, critical, error, warning, "
                        + "notice, informational, debug)", def.file, def.line, def.column, what);
                return null;
            }
            if (!SOURCES.contains(def.source)) {
                skip("source '" + def.source + "' is not an event source of Podtrail (syscall, k8s_audit)", List.of());
                return null;
            }
            try {
                Expr cond = segment(def.condition, what);
                List<Expr> excluded = new ArrayList<>();
                for (ExceptionDef ex : def.exceptions) {
                    String text = exceptionText(ex);
                    if (text == null) {
                        continue;
                    }
                    if (!text.isEmpty()) {
                        SourceText st = new SourceText(text, ex.where.file(), null, -1, ex.where.line(), ex.where.column());
                        excluded.add(segment(List.of(st), what + " exception '" + ex.name + "'"));
                    }
                }
                Expr full = cond;
                if (!excluded.isEmpty()) {
                    List<Expr> terms = new ArrayList<>();
                    terms.add(cond);
                    for (Expr x : excluded) {
                        terms.add(new Expr.Not(x, x.pos()));
                    }
                    full = new Expr.And(terms, cond.pos());
                }
                Expr expanded = expand(full, new ArrayDeque<>());
                Rule.Sequence after = null;
                if (def.after != null) {
                    after = sequence();
                }
                if (status != null) {
                    return null;
                }
                Condition c = resolve(expanded);
                if (c == null) {
                    return null;
                }
                OutputFormat out = OutputFormat.compile(def.output);
                if (!out.unknownFields().isEmpty()) {
                    warn("unknown-output-field", "the output names fields Podtrail does not have, printed as <NA>: "
                            + String.join(", ", out.unknownFields()));
                }
                Predicate<Event> p = FilterEvaluator.of(c);
                // evaluated again when a session is attributed late: its result, or its output, can change
                boolean session = readsSession(c) || after != null && (readsSession(after.condition())
                        || after.keyName().startsWith("session.")) || out.text().contains("%session.");
                Rule rule = new Rule(def.name, def.desc == null ? "" : def.desc.strip(), priority, def.tags, def.source,
                        out, c, p, after == null ? eventTypes(c) : null, session, after, def.file, def.line);
                status = new RuleStatus(def.name, def.file, def.line, def.source, def.enabled ? Status.LOADED : Status.DISABLED,
                        def.enabled ? "" : "enabled: false", List.of());
                return rule;
            } catch (FilterException e) {
                for (Diagnostic d : e.diagnostics()) {
                    report(Severity.ERROR, d);
                }
                fail(Status.ERROR, e.diagnostics().get(0).code() + ": " + e.diagnostics().get(0).message(), List.of());
                return null;
            }
        }

        private Rule.Sequence sequence() throws FilterException {
            Object key = def.after.get("same");
            Object within = def.after.get("within");
            if (def.afterWhere == null || key == null) {
                error("bad-sequence", "podtrail_after needs a condition and same: FIELD", def.file, def.line, def.column, what);
                fail(Status.ERROR, "podtrail_after needs a condition and same", List.of());
                return null;
            }
            long ns;
            try {
                ns = Duration.parse("PT" + String.valueOf(within == null ? "1h" : within).toUpperCase(Locale.ROOT)).toNanos();
            } catch (DateTimeParseException e) {
                error("bad-sequence", "podtrail_after within: must be a duration like 30m, got " + within, def.file, def.line,
                        def.column, what);
                fail(Status.ERROR, "bad podtrail_after within", List.of());
                return null;
            }
            Expr e = expand(segment(List.of(def.afterWhere), what + " podtrail_after"), new ArrayDeque<>());
            if (status != null) {
                return null;
            }
            Condition c = resolve(e);
            Condition.Target t = FilterResolver.outputTarget(String.valueOf(key), null).orElse(null);
            if (c == null || t == null) {
                if (t == null && status == null) {
                    skip("podtrail_after same: needs field " + key, List.of(String.valueOf(key)));
                }
                return null;
            }
            return new Rule.Sequence(c, FilterEvaluator.of(c), t, String.valueOf(key), ns);
        }

        /** Parses text pieces (joined by a space, as Falco appends) as a new segment of the virtual text. */
        private Expr segment(List<SourceText> pieces, String item) throws FilterException {
            StringBuilder text = new StringBuilder();
            List<Integer> offsets = new ArrayList<>();
            for (SourceText p : pieces) {
                if (!text.isEmpty()) {
                    text.append(' ');
                }
                offsets.add(text.length());
                text.append(p.text());
            }
            int base = virtual.length();
            Segment seg = new Segment(base, text.length(), pieces, offsets, item);
            segments.add(seg);
            virtual.append(text).append('\n');
            try {
                return Exprs.shift(FilterParser.parse(text.toString()), base);
            } catch (FilterException e) {
                List<Diagnostic> shifted = new ArrayList<>();
                for (Diagnostic d : e.diagnostics()) {
                    shifted.add(Diagnostic.at(virtual.toString(), d.code(), d.message(), d.position() + base, d.length()));
                }
                throw new FilterException(virtual.toString(), shifted);
            }
        }

        private Expr macroExpr(String name) throws FilterException {
            Expr e = macroExprs.get(name);
            if (e == null) {
                e = segment(macros.get(name).condition, "macro '" + name + "'");
                macroExprs.put(name, e);
            }
            return e;
        }

        /** Expands macros (recursively, refusing cycles) and lists in place. */
        private Expr expand(Expr e, Deque<String> stack) throws FilterException {
            switch (e) {
                case Expr.And a -> {
                    List<Expr> terms = new ArrayList<>();
                    for (Expr t : a.terms()) {
                        terms.add(expand(t, stack));
                    }
                    return new Expr.And(terms, a.pos());
                }
                case Expr.Or o -> {
                    List<Expr> terms = new ArrayList<>();
                    for (Expr t : o.terms()) {
                        terms.add(expand(t, stack));
                    }
                    return new Expr.Or(terms, o.pos());
                }
                case Expr.Not n -> {
                    return new Expr.Not(expand(n.expr(), stack), n.pos());
                }
                case Expr.Identifier id -> {
                    if (!macros.containsKey(id.name())) {
                        return id; // the resolver reports it (unknown field or macro), with a hint
                    }
                    if (stack.contains(id.name())) {
                        Diagnostic d = Diagnostic.at(virtual.toString(), "macro-cycle", "macro '" + id.name()
                                + "' uses itself: " + String.join(" -> ", stack.reversed()) + " -> " + id.name(), id.pos(),
                                id.name().length());
                        throw new FilterException(virtual.toString(), d);
                    }
                    if (brokenMacros.contains(id.name())) {
                        fail(Status.ERROR, "macro '" + id.name() + "' is invalid (see its diagnostic)", List.of());
                        return id;
                    }
                    Expr body;
                    try {
                        body = macroExpr(id.name());
                    } catch (FilterException ex) {
                        brokenMacros.add(id.name());
                        throw ex;
                    }
                    stack.push(id.name());
                    Expr out = expand(body, stack);
                    stack.pop();
                    return out;
                }
                case Expr.Compare c -> {
                    if (c.right() instanceof Expr.ListRef lr && lists.containsKey(lr.name())) {
                        return new Expr.Compare(c.left(), c.op(), new Expr.ListValue(listItems(lr.name(), lr.pos(),
                                lr.length(), new HashSet<>()), lr.pos(), lr.length()), c.pos(), c.opPos());
                    }
                    if (c.right() instanceof Expr.ListValue lv) {
                        List<Expr.Literal> items = new ArrayList<>();
                        boolean changed = false;
                        for (Expr.Literal l : lv.items()) {
                            if (!l.quoted() && lists.containsKey(l.text())) {
                                items.addAll(listItems(l.text(), l.pos(), l.length(), new HashSet<>()));
                                changed = true;
                            } else {
                                items.add(l);
                            }
                        }
                        if (changed) {
                            return new Expr.Compare(c.left(), c.op(), new Expr.ListValue(items, lv.pos(), lv.length()), c.pos(),
                                    c.opPos());
                        }
                    }
                    return c;
                }
                case Expr.Exists x -> {
                    return x;
                }
            }
        }

        /** The items of a list, lists named among them expanded (Falco's nested lists). */
        private List<Expr.Literal> listItems(String name, int pos, int length, Set<String> seen) {
            List<Expr.Literal> out = new ArrayList<>();
            if (!seen.add(name)) {
                return out;
            }
            for (String item : lists.get(name).items) {
                String v = unquote(item);
                if (v.equals(item) && lists.containsKey(item)) {
                    out.addAll(listItems(item, pos, length, seen));
                } else {
                    out.add(new Expr.Literal(v, true, pos, length));
                }
            }
            return out;
        }

        private Condition resolve(Expr expanded) {
            try {
                return FilterResolver.resolve(virtual.toString(), expanded);
            } catch (FilterException e) {
                boolean skipOnly = e.diagnostics().stream().allMatch(d -> SKIP_CODES.contains(d.code()));
                Set<String> missing = new TreeSet<>();
                List<String> unsupported = new ArrayList<>();
                for (Diagnostic d : e.diagnostics()) {
                    if (d.code().equals("unknown-field")) {
                        missing.add(quoted(d.message()));
                    } else if (d.code().equals("unsupported")) {
                        unsupported.add(d.message());
                    }
                    report(skipOnly ? Severity.WARNING : Severity.ERROR, d);
                }
                if (skipOnly) {
                    List<String> why = new ArrayList<>();
                    if (!missing.isEmpty()) {
                        why.add("needs field" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                                + " (not available in Podtrail)");
                    }
                    why.addAll(new LinkedHashSet<>(unsupported));
                    skip(String.join("; ", why), List.copyOf(missing));
                } else {
                    Diagnostic d = e.diagnostics().stream().filter(x -> !SKIP_CODES.contains(x.code())).findFirst().orElseThrow();
                    fail(Status.ERROR, d.code() + ": " + d.message(), List.copyOf(missing));
                }
                return null;
            }
        }

        private void report(Severity s, Diagnostic d) {
            Segment seg = segments.get(0);
            for (Segment g : segments) {
                if (d.position() >= g.base() && d.position() <= g.base() + g.length()) {
                    seg = g;
                }
            }
            int off = d.position() - seg.base();
            int pi = 0;
            for (int i = 0; i < seg.pieceOffsets().size(); i++) {
                if (seg.pieceOffsets().get(i) <= off) {
                    pi = i;
                }
            }
            SourceText st = seg.pieces().get(pi);
            int[] lc = st.locate(off - seg.pieceOffsets().get(pi));
            String item = seg.item().equals(what) ? what : seg.item() + " (used by " + what + ")";
            diag(s, d.code(), d.message(), st.file(), lc[0], lc[1], item);
            own.add(diagnostics.get(diagnostics.size() - 1));
        }

        private void skip(String reason, List<String> missing) {
            fail(def.enabled ? Status.SKIPPED : Status.DISABLED, def.enabled ? reason : "enabled: false; " + reason, missing);
        }

        private void fail(Status s, String reason, List<String> missing) {
            if (status == null) {
                status = new RuleStatus(def.name, def.file, def.line, def.source, s, reason, missing);
            }
        }

        private void warn(String code, String message) {
            diag(Severity.WARNING, code, message, def.file, def.line, def.column, what);
        }

        private void error(String code, String message, String file, int line, int col, String item) {
            diag(Severity.ERROR, code, message, file, line, col, item);
            fail(Status.ERROR, code + ": " + message, List.of());
        }
    }

    /** Falco's exception as condition text: {@code (f1 c1 v1 and f2 c2 v2) or (...)}, or "" when it has no values. */
    private String exceptionText(ExceptionDef ex) {
        List<String> fields = ex.fields instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                : ex.fields == null ? List.of() : List.of(String.valueOf(ex.fields));
        boolean single = !(ex.fields instanceof List<?>);
        List<String> comps = ex.comps instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                : ex.comps == null ? List.of() : List.of(String.valueOf(ex.comps));
        if (fields.isEmpty()) {
            diag(Severity.ERROR, "bad-exception", "exception '" + ex.name + "' has no fields", ex.where.file(),
                    ex.where.line(), ex.where.column(), null);
            return null;
        }
        if (ex.values.isEmpty()) {
            return "";
        }
        if (single) {
            String comp = comps.isEmpty() ? "in" : comps.get(0);
            return fields.get(0) + " " + comp + " " + listText(ex.values);
        }
        List<String> alternatives = new ArrayList<>();
        for (Object tuple : ex.values) {
            List<?> vs = tuple instanceof List<?> l ? l : List.of(tuple);
            List<String> terms = new ArrayList<>();
            for (int i = 0; i < fields.size() && i < vs.size(); i++) {
                String comp = i < comps.size() ? comps.get(i) : "=";
                Object v = vs.get(i);
                boolean listOp = Op.word(comp).map(Op::takesList).orElse(false);
                String value = listOp ? (v instanceof List<?> l ? listText(l) : lists.containsKey(String.valueOf(v))
                        ? String.valueOf(v) : listText(List.of(v))) : quote(String.valueOf(v));
                terms.add(fields.get(i) + " " + comp + " " + value);
            }
            alternatives.add("(" + String.join(" and ", terms) + ")");
        }
        return String.join(" or ", alternatives);
    }

    private String listText(List<?> values) {
        List<String> items = new ArrayList<>();
        for (Object o : values) {
            String s = String.valueOf(o);
            items.add(lists.containsKey(s) ? s : quote(s));
        }
        return "(" + String.join(", ", items) + ")";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** List items written with their own quotes in YAML ('"sh"') lose them, as in Falco. */
    private static String unquote(String s) {
        if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }

    private static String quoted(String message) {
        int a = message.indexOf('\'');
        int b = message.indexOf('\'', a + 1);
        return a >= 0 && b > a ? message.substring(a + 1, b) : message;
    }

    // ------------------------------------------------------------------------------------------ analysis

    static boolean readsSession(Condition c) {
        return switch (c) {
            case Condition.All a -> a.terms().stream().anyMatch(RuleLoader::readsSession);
            case Condition.Any a -> a.terms().stream().anyMatch(RuleLoader::readsSession);
            case Condition.Negate n -> readsSession(n.term());
            case Condition.Test t -> t.target().field().name().startsWith("session.");
        };
    }

    /** The evt.type values a condition requires, or null when any type may match (Falco's rule index). */
    static Set<String> eventTypes(Condition c) {
        return switch (c) {
            case Condition.All a -> {
                Set<String> out = null;
                for (Condition t : a.terms()) {
                    Set<String> s = eventTypes(t);
                    if (s != null) {
                        if (out == null) {
                            out = new HashSet<>(s);
                        } else {
                            out.retainAll(s);
                        }
                    }
                }
                yield out;
            }
            case Condition.Any a -> {
                Set<String> out = new HashSet<>();
                for (Condition t : a.terms()) {
                    Set<String> s = eventTypes(t);
                    if (s == null) {
                        yield null;
                    }
                    out.addAll(s);
                }
                yield a.terms().isEmpty() ? null : out;
            }
            case Condition.Negate n -> null;
            case Condition.Test t -> {
                if (t.target().field() != io.podtrail.event.Fields.TYPE
                        || t.target().transform() != Condition.Transform.NONE) {
                    yield null;
                }
                if (t.op() == Op.EQ || t.op() == Op.IN) {
                    Set<String> s = new HashSet<>();
                    t.values().forEach(v -> s.add((String) v));
                    yield s;
                }
                yield null;
            }
        };
    }

    // ------------------------------------------------------------------------------------------ YAML helpers

    private static int line(Node n) {
        return n == null ? 0 : n.getStartMark().getLine() + 1;
    }

    private static int col(Node n) {
        return n == null ? 0 : n.getStartMark().getColumn() + 1;
    }

    private static Map<String, Node> map(Node n) {
        Map<String, Node> m = new LinkedHashMap<>();
        if (n instanceof MappingNode mn) {
            for (NodeTuple t : mn.getValue()) {
                String k = scalar(t.getKeyNode());
                if (k != null) {
                    m.put(k, t.getValueNode());
                }
            }
        }
        return m;
    }

    private static String scalar(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }

    private static SourceText text(RulesFile f, Node n) {
        if (!(n instanceof ScalarNode s)) {
            return null;
        }
        return new SourceText(s.getValue(), f.name(), f.text(), s.getStartMark().getIndex(), line(n), col(n));
    }

    private static List<String> strings(Node n) {
        List<String> out = new ArrayList<>();
        for (Object o : asList(toJava(n))) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    private static List<Object> asList(Object o) {
        if (o instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        return o == null ? new ArrayList<>() : new ArrayList<>(List.of(o));
    }

    private static Object toJava(Node n) {
        return switch (n) {
            case null -> null;
            case ScalarNode s -> s.getValue();
            case SequenceNode s -> {
                List<Object> l = new ArrayList<>();
                for (Node c : s.getValue()) {
                    l.add(toJava(c));
                }
                yield l;
            }
            case MappingNode m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (NodeTuple t : m.getValue()) {
                    out.put(scalar(t.getKeyNode()), toJava(t.getValueNode()));
                }
                yield out;
            }
            default -> null;
        };
    }
}
