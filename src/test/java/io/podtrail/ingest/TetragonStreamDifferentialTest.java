package io.podtrail.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podtrail.event.Event;
import io.podtrail.normalize.Times;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The streaming hot path must give exactly what the tree-model path gives (events, raw bytes, rejections). */
class TetragonStreamDifferentialTest {

    private static final ObjectMapper M = new ObjectMapper();

    private static void same(byte[] input, String what) {
        Collect tree = Collect.read(new TetragonJsonSource(false), input);
        Collect stream = Collect.read(new TetragonJsonSource(), input);
        assertThat(stream.events).as(what).isEqualTo(tree.events);
        assertThat(stream.rejections).as(what).isEqualTo(tree.rejections);
    }

    private static void same(String input, String what) {
        same(input.getBytes(StandardCharsets.UTF_8), what);
    }

    /** Every JSON record of the fixtures, as found and compacted onto one line. */
    private static List<String> fixtureRecords(List<String> compact) throws IOException {
        Path dir = Collect.fixture("tetragon");
        List<String> inputs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String f = p.toString();
                if (f.endsWith(".json")) {
                    inputs.add(Files.readString(p));
                } else if (f.endsWith(".md")) {
                    inputs.addAll(Collect.jsonBlocks(p));
                }
            }
        }
        for (String in : inputs) {
            try (var it = M.readerFor(JsonNode.class).readValues(in)) {
                while (it.hasNext()) {
                    compact.add(M.writeValueAsString(it.next()));
                }
            } catch (IOException | RuntimeException e) {
                // not JSON (doc snippets): compared as is only
            }
        }
        return inputs;
    }

    @Test
    void fixturesAsFoundAndCompacted() throws IOException {
        List<String> compact = new ArrayList<>();
        List<String> inputs = fixtureRecords(compact);
        assertThat(inputs).hasSizeGreaterThan(40);
        for (String in : inputs) {
            same(in, in);
        }
        for (String line : compact) {
            same(line, line);
            same("  " + line + " \t\r\n", line);
        }
        same(String.join("\n", compact), "all compacted");
        // the fast path really is taken for the usual records
        int fast = 0;
        TetragonStreamParser sp = new TetragonStreamParser();
        for (String line : compact) {
            JsonEventSource.Raw raw = new JsonEventSource.Raw();
            raw.buf = line.getBytes(StandardCharsets.UTF_8);
            raw.len = raw.buf.length;
            if (sp.map(raw) != null) {
                fast++;
            }
        }
        assertThat(fast).isGreaterThanOrEqualTo(5);
    }

    private static final String[] TIMES = {"2024-06-01T12:00:01Z", "2024-06-01T12:00:01.1Z", "2024-06-01T12:00:01.123456789Z",
            "2024-06-01T12:00:01.1234567891234Z", "2024-06-01T12:00:01+02:00", "2024-06-01t12:00:01z", "2024-02-29T00:00:00Z",
            "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-06-31T00:00:00Z", "2024-06-01T24:00:00Z", "2016-12-31T23:59:60Z",
            "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2024-06-01T12:00:01.Z", "2024-06-01 12:00:01Z", "", "x",
            "2024-06-01T12:00:01", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z", "2024-06-01T12:0a:01Z"};

    @Test
    void timestampsMatchTheStringParser() {
        for (String t : TIMES) {
            char[] c = ("##" + t + "#").toCharArray();
            Object a;
            Object b;
            try {
                a = Times.parseRfc3339Nanos(t);
            } catch (RuntimeException e) {
                a = describe(e);
            }
            try {
                b = Times.parseRfc3339Nanos(c, 2, t.length());
            } catch (RuntimeException e) {
                b = describe(e);
            }
            assertThat(b).as(t).isEqualTo(a);
        }
        Random r = new Random(7);
        for (int i = 0; i < 20000; i++) {
            String t = String.format("%04d-%02d-%02dT%02d:%02d:%02d%sZ", r.nextInt(10000), r.nextInt(14), r.nextInt(33),
                    r.nextInt(25), r.nextInt(61), r.nextInt(62), r.nextBoolean() ? "" : "." + Long.toString(Math.abs(r.nextLong())).substring(0, 1 + r.nextInt(12)));
            Object a;
            Object b;
            try {
                a = Times.parseRfc3339Nanos(t);
            } catch (RuntimeException e) {
                a = describe(e);
            }
            try {
                b = Times.parseRfc3339Nanos(t.toCharArray(), 0, t.length());
            } catch (RuntimeException e) {
                b = describe(e);
            }
            assertThat(b).as(t).isEqualTo(a);
        }
    }

    /** The exception as compared: class, and message for IllegalArgumentException (the JIT drops ArithmeticException's). */
    private static String describe(RuntimeException e) {
        return e instanceof IllegalArgumentException ? e.toString() : e.getClass().getName();
    }

    @Test
    void seededMutations() throws IOException {
        List<String> base = new ArrayList<>();
        fixtureRecords(base);
        String proc = TetragonJsonSourceTest.PROC;
        base.add("{\"process_kprobe\":{" + proc + ",\"function_name\":\"tcp_connect\",\"args\":[{\"sock_arg\":{\"family\":\"AF_INET\",\"type\":\"SOCK_STREAM\","
                + "\"protocol\":\"IPPROTO_TCP\",\"saddr\":\"10.244.1.5\",\"daddr\":\"203.0.113.10\",\"sport\":40512,\"dport\":443,\"cookie\":\"18446\",\"state\":\"TCP_SYN_SENT\"}}],"
                + "\"action\":\"KPROBE_ACTION_POST\",\"policy_name\":\"connect\"},\"node_name\":\"node-1\",\"time\":\"2024-06-01T12:00:01Z\"}");
        base.add("{\"process_kprobe\":{" + proc + ",\"function_name\":\"inet_csk_accept\",\"return\":{\"sock_arg\":{\"family\":\"AF_INET\","
                + "\"protocol\":\"IPPROTO_TCP\",\"saddr\":\"10.244.1.5\",\"daddr\":\"10.244.2.7\",\"sport\":8080,\"dport\":51000}}},"
                + "\"node_name\":\"node-1\",\"time\":\"2024-06-01T12:00:02Z\"}");
        base.add("{\"process_exit\":{" + proc + ",\"signal\":\"SIGKILL\",\"status\":137,\"time\":\"2024-06-01T12:00:04Z\"},\"node_name\":\"n\"}");
        base.add("{\"process_kprobe\":{" + proc + ",\"function_name\":\"security_file_permission\",\"args\":[{\"file_arg\":{\"path\":\"/etc/passwd\"}},{\"int_arg\":2}],"
                + "\"policy_name\":\"file-monitoring\",\"return\":{\"int_arg\":0}},\"node_name\":\"n\",\"time\":\"2024-06-01T12:00:05Z\"}");
        base.add("{\"process_exec\":{\"process\":{\"pid\":7,\"binary\":\"/usr/sbin/tcpdump\",\"start_time\":\"2024-06-01T12:00:00Z\",\"process_credentials\":{\"uid\":5,\"euid\":0},"
                + "\"user\":{\"name\":\"root\"},\"docker\":\"abcdef0123456789\"}},\"node_name\":\"n\"}");
        Random r = new Random(42);
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 4000; i++) {
            String b = base.get(r.nextInt(base.size()));
            String m = switch (r.nextInt(6)) {
                case 0, 1 -> treeMutation(b, r);
                case 2 -> null;
                case 3 -> duplicateKey(b, r);
                case 4 -> treeMutation(treeMutation(b, r), r);
                default -> b.replace("2022-10-18T03:16:18.273546829Z", TIMES[r.nextInt(TIMES.length)])
                        .replace("2024-06-01T12:00:00.000000001Z", TIMES[r.nextInt(TIMES.length)])
                        .replace("2024-06-01T12:00:01Z", TIMES[r.nextInt(TIMES.length)]);
            };
            byte[] bytes = m != null ? m.getBytes(StandardCharsets.UTF_8) : byteMutation(b, r);
            all.write(bytes);
            all.write('\n');
            same(bytes, new String(bytes, StandardCharsets.UTF_8));
        }
        same(all.toByteArray(), "all mutations in one stream");
    }

    private static final String[] VALUES = {"null", "1", "-1", "0", "4294967295", "9223372036854775807", "9223372036854775808",
            "1.5", "1e3", "\"\"", "\"x\"", "\"12\"", "\"/\"", "\"a/b/\"", "true", "{}", "[]", "{\"a\":\"b\"}", "[1,{\"x\":null}]",
            "\"containerd://\"", "\"sha256:00\"", "\"repo@\"", "\"r:1@sha256:ab\"", "\"é\\u00e9\\n\"", "\"2024-06-01T12:00:00Z\""};

    private static String treeMutation(String line, Random r) {
        JsonNode root;
        try {
            root = M.readTree(line);
        } catch (IOException e) {
            return line;
        }
        if (!(root instanceof ObjectNode)) {
            return line;
        }
        // walk to a random container
        JsonNode cur = root;
        for (int d = 0; d < 5; d++) {
            List<JsonNode> kids = new ArrayList<>();
            cur.forEach(k -> {
                if (k.isContainerNode() && !k.isEmpty()) {
                    kids.add(k);
                }
            });
            if (kids.isEmpty() || r.nextInt(4) == 0) {
                break;
            }
            cur = kids.get(r.nextInt(kids.size()));
        }
        try {
            JsonNode v = M.readTree(VALUES[r.nextInt(VALUES.length)]);
            if (cur instanceof ObjectNode o && !o.isEmpty()) {
                List<String> names = new ArrayList<>();
                for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                    names.add(it.next());
                }
                String f = names.get(r.nextInt(names.size()));
                switch (r.nextInt(3)) {
                    case 0 -> o.remove(f);
                    case 1 -> o.set(f, v);
                    default -> o.set(r.nextBoolean() ? "time" : "extra", v);
                }
            } else if (cur instanceof ArrayNode a) {
                if (r.nextBoolean() && !a.isEmpty()) {
                    a.remove(r.nextInt(a.size()));
                } else {
                    a.add(v);
                }
            }
            String out = M.writeValueAsString(root);
            return r.nextInt(8) == 0 ? M.writerWithDefaultPrettyPrinter().writeValueAsString(root) : out;
        } catch (IOException e) {
            return line;
        }
    }

    private static String duplicateKey(String line, Random r) {
        int i = line.indexOf("\":", r.nextInt(Math.max(1, line.length() - 1)));
        if (i < 0) {
            return line;
        }
        int q = line.lastIndexOf('"', i - 1);
        if (q < 0) {
            return line;
        }
        String key = line.substring(q, i + 2);
        return line.substring(0, q) + key + VALUES[r.nextInt(VALUES.length)] + "," + line.substring(q);
    }

    private static byte[] byteMutation(String line, Random r) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        int pos = r.nextInt(b.length);
        byte[] ins = {'"', '\\', '}', ']', '{', ',', ':', ' ', 0, (byte) 0xFF, (byte) 0xC3, 'x', '\n'};
        byte[] out;
        switch (r.nextInt(4)) {
            case 0 -> { // truncate
                out = java.util.Arrays.copyOf(b, pos);
            }
            case 1 -> { // delete
                out = new byte[b.length - 1];
                System.arraycopy(b, 0, out, 0, pos);
                System.arraycopy(b, pos + 1, out, pos, b.length - pos - 1);
            }
            case 2 -> { // replace
                out = b.clone();
                out[pos] = ins[r.nextInt(ins.length)];
            }
            default -> { // trailing content
                out = (line + (r.nextBoolean() ? " {}" : r.nextBoolean() ? "x" : " " + line)).getBytes(StandardCharsets.UTF_8);
            }
        }
        return out;
    }
}
