package io.podtrail.ingest;

import io.podtrail.event.SourceFormat;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FormatsAndGarbageTest {

    private static Optional<SourceFormat> detect(String s) throws IOException {
        return Formats.detect(new BufferedInputStream(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void detectsEachFormatFromFixturesAndLeavesTheStreamInPlace() throws IOException {
        check("falco-k8s-audit-traces/exec_pod.json", SourceFormat.K8S_AUDIT);
        check("falco-k8s-audit-traces/anonymous_creates_namespace_foo.json", SourceFormat.K8S_AUDIT);
        check("audit2rbac/demo.log", SourceFormat.K8S_AUDIT);
        check("tetragon/testdata_events.json", SourceFormat.TETRAGON);
        check("tetragon/book_ch3/00_four_golden_signals/process_connect.json", SourceFormat.TETRAGON);
        check("falco-json-output/single_rule_with_cat_write.json", SourceFormat.FALCO);
    }

    private static void check(String rel, SourceFormat expected) throws IOException {
        Path p = Collect.fixture(rel);
        try (InputStream raw = Files.newInputStream(p); BufferedInputStream in = new BufferedInputStream(raw)) {
            assertThat(Formats.detect(in)).contains(expected);
            Collect c = new Collect();
            Formats.forFormat(expected).read(in, p.toString(), c);
            assertThat(c.rejections).isEmpty();
            assertThat(c.events).isNotEmpty();
        }
    }

    @Test
    void detectsInlineShapes() throws IOException {
        assertThat(detect("\n\n{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[]}")).contains(SourceFormat.K8S_AUDIT);
        assertThat(detect("{\"evt.time\":1,\"podtrail.kind\":\"exec\"}")).contains(SourceFormat.PODTRAIL);
        assertThat(detect("{\"process_kprobe\":{\"process\":{}},\"node_name\":\"n\"}")).contains(SourceFormat.TETRAGON);
        assertThat(detect("{\"output\":\"Test\",\"priority\":\"Critical\",\"Rule\":\"Test\"}")).contains(SourceFormat.FALCO);
        assertThat(detect("")).isEmpty();
        assertThat(detect("  \n ")).isEmpty();
        // a first record larger than the peek window still detects from the keys seen
        String big = "{\"process_exec\":{\"process\":{\"arguments\":\"" + "x".repeat(100_000) + "\"}}}";
        assertThat(detect(big)).contains(SourceFormat.TETRAGON);
    }

    @Test
    void unknownFormatHasAClearError() {
        assertThatThrownBy(() -> detect("{\"kind\": 0}")).isInstanceOf(Formats.UnknownFormatException.class)
                .hasMessageContaining("[kind]").hasMessageContaining("expected a Kubernetes audit event");
        assertThatThrownBy(() -> detect("\nhello")).hasMessageContaining("line 2").hasMessageContaining("not a JSON object");
    }

    @Test
    void readDetected() throws IOException {
        Collect c = new Collect();
        SourceFormat f = Formats.readDetected(new ByteArrayInputStream(
                "{\"rule\":\"r\",\"priority\":\"Notice\",\"output\":\"o\",\"time\":\"2024-06-01T12:00:00Z\"}\n".getBytes(StandardCharsets.UTF_8)), "t", c);
        assertThat(f).isEqualTo(SourceFormat.FALCO);
        assertThat(c.events).hasSize(1);
    }

    /** Mutates real records (truncate, flip types, splice, nest) and checks every record is accepted or rejected, never thrown. */
    @Test
    void seededGarbageNeverEscapes() throws IOException {
        Path fx = Collect.fixtures();
        List<String> audit = Files.readAllLines(fx.resolve("audit2rbac/demo.log"));
        List<String> tetra = Files.readAllLines(fx.resolve("tetragon/testdata_events.json"));
        List<String> falco = Files.readAllLines(fx.resolve("falco-json-output/single_rule_with_cat_write.json"));
        List<String> nat = List.of("{\"evt.time\":1700000000000000000,\"evt.type\":\"execve\",\"podtrail.kind\":\"exec\",\"proc.name\":\"bash\",\"proc.pid\":3,\"k8s.pod.labels\":{\"a\":\"b\"}}");
        garbage(new K8sAuditSource(), audit, 1);
        garbage(new TetragonJsonSource(), tetra, 2);
        garbage(new FalcoJsonSource(), falco, 3);
        garbage(new PodtrailJsonSource(), nat, 4);
    }

    private static void garbage(EventSource src, List<String> seeds, long seed) {
        Random r = new Random(seed);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String s = seeds.get(r.nextInt(seeds.size()));
            lines.add(mutate(s, r));
        }
        String input = String.join("\n", lines) + "\n";
        Collect c = Collect.read(src, input);
        long nonBlank = lines.stream().filter(l -> !l.isBlank()).count();
        // every line is accounted for: at least one outcome per record; multi-line merges only lower the count
        assertThat(c.events.size() + c.rejections.size()).isPositive();
        assertThat(c.rejections).allSatisfy(x -> {
            assertThat(x.reason()).isNotBlank();
            assertThat(x.line()).isBetween(1L, (long) lines.size());
        });
        assertThat(c.events.size()).isLessThanOrEqualTo((int) nonBlank * 2);
        // and the unmutated seeds still read cleanly afterwards (no state leaks)
        Collect ok = Collect.read(src, String.join("\n", seeds));
        assertThat(ok.rejections).isEmpty();
    }

    private static String mutate(String s, Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> s.substring(0, r.nextInt(s.length()));                       // truncate
            case 1 -> s.replaceFirst("\"[^\"]*\":\"", "\"x\":[" + "[".repeat(r.nextInt(300)) + "\"");  // deep / broken nesting
            case 2 -> flipType(s, r);
            case 3 -> "[" + s + "]";
            case 4 -> String.valueOf(r.nextLong());
            case 5 -> s.replace("\"", r.nextBoolean() ? "'" : "");
            case 6 -> s + s.substring(0, r.nextInt(s.length()));
            case 7 -> "{\"a\":\"" + "y".repeat(r.nextInt(200_000)) + "\"}";
            case 8 -> {
                char[] cs = s.toCharArray();
                for (int k = 0; k < 5; k++) {
                    cs[r.nextInt(cs.length)] = (char) (r.nextInt(95) + 32);
                }
                yield new String(cs);
            }
            default -> s;
        };
    }

    private static String flipType(String s, Random r) {
        String[] repl = {"null", "0", "-1", "[]", "{}", "true", "\"\"", "1e309", "\"<NA>\"", "99999999999999999999999"};
        int i = s.indexOf("\":", r.nextInt(Math.max(1, s.length() / 2)));
        if (i < 0) {
            return s;
        }
        int start = i + 2;
        int end = start;
        int depth = 0;
        boolean str = false;
        while (end < s.length()) {
            char ch = s.charAt(end);
            if (str) {
                if (ch == '\\') {
                    end++;
                } else if (ch == '"') {
                    str = false;
                }
            } else if (ch == '"') {
                str = true;
            } else if (ch == '{' || ch == '[') {
                depth++;
            } else if (ch == '}' || ch == ']') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (ch == ',' && depth == 0) {
                break;
            }
            end++;
        }
        return s.substring(0, start) + repl[r.nextInt(repl.length)] + s.substring(end);
    }
}
