package io.podtrail.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Field;
import io.podtrail.event.FieldType;
import io.podtrail.event.Fields;
import io.podtrail.query.Filter;
import io.podtrail.query.FilterEvaluator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential test: seeded random events and random filters (generated as text over the catalogue, so
 * the parser and resolver are exercised too) must select exactly the same events in DuckDB and in
 * {@link FilterEvaluator}. Value pools are small so filters match often and edge cases (empty strings,
 * empty lists, IPv4-mapped IPv6, unparseable IPs, SQL metacharacters) recur.
 */
class DuckDbFilterSqlDifferentialTest {

    private static final long SEED = 20240611L;
    private static final int EVENTS = 2000;
    private static final int FILTERS = 300;

    private static final String[] STRINGS = {"bash", "sh", "curl", "BaSh", "", "x' OR 1=1 --", "100%_done",
            "kube-system", "nginx", "a\\b", "/etc/passwd", "/etc", "/", "/var/lib/kubelet", "a/b", "passwd", "ba sh"};
    private static final String[] PATHS = {"/etc/passwd", "/etc", "/", "/var/lib/kubelet/pki", "passwd", "/tmp/x.PEM",
            "/etc/shadow", "relative/file"};
    private static final String[] URIS = {"/api/v1/namespaces/d/pods/p/exec?command=sh&command=-c&stdin=true",
            "/api?command=ba%20sh", "/api?x=1&command=", "/api?command=a+b&x=%2F", "/api/v1/pods", "/api?commandx=1"};
    private static final String[] IPS = {"10.0.0.1", "10.1.2.3", "192.168.1.1", "::ffff:10.0.0.1", "fd00::1",
            "2001:db8::1", "127.0.0.1", "not-an-ip", "fe80::1", "172.16.0.3"};
    private static final String[] NETS = {"10.0.0.0/8", "10.0.0.1", "::ffff:10.0.0.0/104", "fd00::/8",
            "192.168.0.0/16", "0.0.0.0/0", "::/0", "127.0.0.1/32", "fe80::1"};
    private static final long[] LONGS = {-1, 0, 1, 22, 100, 443, 1000, Long.MAX_VALUE, 1_700_000_000_000_000_000L};
    private static final String[] GROUPS = {"system:masters", "system:nodes", "dev", "a"};
    private static final String[] GLOBS = {"*bash*", "/etc/*", "?h", "*.PEM", "[bc]*", "[!b]*", "*", "*a?b*"};
    private static final String[] REGEXES = {"ba.*", ".*sh", "[a-c]+.*", "curl|bash", "/etc/.*", ""};
    private static final String[] PMATCH = {"/etc", "/var/lib/", "/", "a", "/etc/passwd"};
    private static final String[] LABEL_KEYS = {"app", "tier"};
    private static final String[] TYPES = {"execve", "connect", "accept", "open", "openat", "read", "write", "unlink", "bash"};
    private static final String[] ARG_KEYS = {"flags", "res", "fd", "app"};
    private static final String[] ARG_VALUES = {"O_RDONLY|O_CLOEXEC", "O_WRONLY|O_CREAT", "O_RDWR", "0", "-2", "3", "x", "bash"};
    private static final String[] URI_PARAMS = {"command", "stdin", "x"};

    @Test
    void sqlAndEvaluatorAgree() throws Exception {
        Random rnd = new Random(Long.getLong("podtrail.diff.seed", SEED));
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(event(rnd, i + 1));
        }
        int nonTrivial = 0;
        try (DuckDbTestTable table = new DuckDbTestTable()) {
            table.insert(events);
            for (int i = 0; i < FILTERS; i++) {
                String text = expr(rnd, 0);
                Filter f = Filter.compile(text);
                List<Long> mem = events.stream().filter(FilterEvaluator.of(f)).map(Event::id).toList();
                List<Long> sql;
                try {
                    sql = table.ids(DuckDbFilterSql.compile(f));
                } catch (java.sql.SQLException ex) {
                    throw new AssertionError("filter #" + i + ": " + text + "\nSQL: " + DuckDbFilterSql.compile(f), ex);
                }
                assertThat(sql).as("filter #%d: %s%nSQL: %s", i, text, DuckDbFilterSql.compile(f)).isEqualTo(mem);
                if (!mem.isEmpty() && mem.size() < EVENTS) {
                    nonTrivial++;
                }
            }
        }
        assertThat(nonTrivial).as("filters that split the events").isGreaterThan(FILTERS / 3);
    }

    // --- events ---

    static Event event(Random rnd, long id) {
        Event e = new Event().set(Fields.ID, id).kind(pick(rnd, EventKind.values()));
        for (Field f : Fields.stored()) {
            if (f == Fields.ID || f == Fields.KIND || rnd.nextInt(10) < 4) {
                continue;
            }
            e.set(f, value(rnd, f));
        }
        return e;
    }

    private static Object value(Random rnd, Field f) {
        if (f == Fields.FD_NAME) {
            return pick(rnd, PATHS);
        }
        if (f == Fields.KA_URI) {
            return pick(rnd, URIS);
        }
        if (f == Fields.TYPE) {
            return pick(rnd, TYPES);
        }
        if (f == Fields.ARGS) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String k : ARG_KEYS) {
                if (rnd.nextBoolean()) {
                    m.put(k, pick(rnd, ARG_VALUES));
                }
            }
            return m;
        }
        if (f == Fields.ANCESTORS) {
            List<String> l = new ArrayList<>();
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                l.add(pick(rnd, STRINGS));
            }
            return l;
        }
        return switch (f.type()) {
            case STRING -> pick(rnd, STRINGS);
            case LONG, TIME -> LONGS[rnd.nextInt(LONGS.length)];
            case BOOL -> rnd.nextBoolean();
            case IP -> pick(rnd, IPS);
            case STRING_LIST -> {
                List<String> l = new ArrayList<>();
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    l.add(pick(rnd, GROUPS));
                }
                yield l;
            }
            case STRING_MAP -> {
                Map<String, String> m = new LinkedHashMap<>();
                for (String k : LABEL_KEYS) {
                    if (rnd.nextBoolean()) {
                        m.put(k, pick(rnd, new String[] {"nginx", "bash", "", "web"}));
                    }
                }
                yield m;
            }
        };
    }

    // --- filters, as text ---

    static String expr(Random rnd, int depth) {
        int r = depth >= 3 ? 9 : rnd.nextInt(10);
        return switch (r) {
            case 0, 1 -> "(" + expr(rnd, depth + 1) + " and " + expr(rnd, depth + 1) + ")";
            case 2, 3 -> "(" + expr(rnd, depth + 1) + " or " + expr(rnd, depth + 1) + ")";
            case 4 -> "not " + expr(rnd, depth + 1);
            default -> check(rnd);
        };
    }

    private static String check(Random rnd) {
        List<Field> fields = Fields.all().stream()
                .filter(f -> f != Fields.ID && !io.podtrail.query.FilterResolver.isPolicyField(f))
                .toList();
        Field f = fields.get(rnd.nextInt(fields.size()));
        String name = f.name();
        if (f == Fields.KA_URI_PARAM) {
            name += "[" + pick(rnd, URI_PARAMS) + "]";
        } else if (f == Fields.K8S_POD_LABEL) {
            name += "[" + pick(rnd, LABEL_KEYS) + "]";
        } else if (f == Fields.PROC_ANAME) {
            name += pick(rnd, new String[] {"", "[0]", "[1]", "[2]", "[3]"});
        } else if (f == Fields.EVT_ARG) {
            name += "[" + pick(rnd, ARG_KEYS) + "]";
        }
        if (rnd.nextInt(12) == 0) {
            return name + " exists";
        }
        FieldType type = f.type();
        if (type == FieldType.STRING && rnd.nextInt(8) == 0) {
            name = (rnd.nextBoolean() ? "tolower(" : "toupper(") + name + ")";
        }
        if (rnd.nextInt(15) == 0 && type != FieldType.STRING_MAP) {
            return name + (rnd.nextBoolean() ? " = " : " != ") + "<NA>";
        }
        return switch (type) {
            case STRING -> {
                String[] ops = {"=", "!=", "contains", "icontains", "startswith", "endswith", "glob", "iglob",
                        "regex", "in", "intersects", "pmatch"};
                String op = pick(rnd, ops);
                String[] pool = f == Fields.FD_NAME || f == Fields.FD_DIRECTORY || f == Fields.FD_FILENAME ? PATHS : STRINGS;
                yield name + " " + op + " " + switch (op) {
                    case "glob", "iglob" -> quote(pick(rnd, GLOBS));
                    case "regex" -> quote(pick(rnd, REGEXES));
                    case "pmatch" -> list(rnd, PMATCH);
                    case "in", "intersects" -> list(rnd, pool);
                    default -> quote(pick(rnd, pool));
                };
            }
            case LONG, TIME -> {
                String op = pick(rnd, new String[] {"=", "!=", "<", "<=", ">", ">=", "in"});
                yield op.equals("in")
                        ? name + " in (" + LONGS[rnd.nextInt(LONGS.length)] + ", " + LONGS[rnd.nextInt(LONGS.length)] + ")"
                        : name + " " + op + " " + LONGS[rnd.nextInt(LONGS.length)];
            }
            case IP -> {
                String op = pick(rnd, new String[] {"=", "!=", "in", "intersects"});
                yield name + " " + op + " " + (op.equals("=") || op.equals("!=") ? pick(rnd, NETS) : bareList(rnd, NETS));
            }
            case BOOL -> {
                String op = pick(rnd, new String[] {"=", "!=", "in"});
                yield op.equals("in") ? name + " in (true, false)" : name + " " + op + " " + rnd.nextBoolean();
            }
            case STRING_LIST -> {
                String op = pick(rnd, new String[] {"=", "!=", "contains", "in", "intersects"});
                yield name + " " + op + " " + (op.equals("in") || op.equals("intersects") ? list(rnd, GROUPS) : quote(pick(rnd, GROUPS)));
            }
            default -> name + " exists";
        };
    }

    private static String list(Random rnd, String[] pool) {
        int n = rnd.nextInt(4);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(quote(pick(rnd, pool)));
        }
        return "(" + String.join(", ", items) + ")";
    }

    private static String bareList(Random rnd, String[] pool) {
        int n = 1 + rnd.nextInt(3);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(pick(rnd, pool));
        }
        return "(" + String.join(", ", items) + ")";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static <T> T pick(Random rnd, T[] a) {
        return a[rnd.nextInt(a.length)];
    }
}
