package io.podtrail.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.podtrail.detect.RuleStatus.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code rules check} on Falco's own rules files (read in place from the shared fixtures, skipped when absent):
 * every rule parses (no error), and at least 90% of the exec, network, file and k8s_audit rules load (or, when
 * disabled by the file, would load). The counts are printed for docs/rules.md.
 */
class FalcoRulesCheckTest {

    static final List<String> FILES = List.of("falco-rules/falco_rules.yaml", "falco-rules/falco-incubating_rules.yaml",
            "falco-rules/falco-sandbox_rules.yaml", "falco-k8saudit-plugin/k8s_audit_rules.yaml");

    static Path fixtures() {
        Path p = Path.of(System.getProperty("podtrail.fixtures", "../shared/fixtures"));
        Assumptions.assumeTrue(Files.isDirectory(p), "fixtures directory absent: " + p);
        for (String f : FILES) {
            Assumptions.assumeTrue(Files.isRegularFile(p.resolve(f)), "fixture absent: " + f);
        }
        return p;
    }

    /** The categories of a rule, from its condition and the macros it names (exec, network, file, k8s_audit). */
    static List<String> categories(JsonNode rule, Map<String, String> macros) {
        String cond = rule.path("condition").asText();
        StringBuilder text = new StringBuilder(cond);
        for (Map.Entry<String, String> m : macros.entrySet()) {
            if (cond.matches("(?s).*\\b" + java.util.regex.Pattern.quote(m.getKey()) + "\\b.*")) {
                text.append(' ').append(m.getKey()).append(' ').append(m.getValue());
            }
        }
        String t = text.toString().toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        if ("k8s_audit".equals(rule.path("source").asText())) {
            out.add("k8s_audit");
            return out;
        }
        if (t.contains("spawned_process") || t.contains("execve")) {
            out.add("exec");
        }
        if (t.matches("(?s).*\\b(outbound|inbound|inbound_outbound|connect|accept|fd\\.sip|fd\\.rip|fd\\.snet|fd\\.net|fd\\.rport|fd\\.sport|fd\\.l4proto)\\b.*")) {
            out.add("network");
        }
        if (t.matches("(?s).*\\b(open_read|open_write|open_file_failed|fd\\.name|fd\\.directory|fd\\.filename|rename|unlink|unlinkat|mkdir|chmod)\\b.*")) {
            out.add("file");
        }
        return out;
    }

    @Test
    void falcoRulesFilesLoadWithCounts() throws IOException {
        Path dir = fixtures();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, int[]> byCategory = new HashMap<>(); // category -> [loadable, total]
        int[] all = new int[2];
        StringBuilder report = new StringBuilder();
        for (String f : FILES) {
            RuleSet set = RuleLoader.load(RuleLoader.RulesFile.of(dir.resolve(f)));
            assertThat(set.statuses()).as(f + ": no rule is in error").noneMatch(s -> s.status() == Status.ERROR);
            assertThat(set.diagnostics()).as(f).noneMatch(d -> d.severity() == RuleDiagnostic.Severity.ERROR);
            Map<String, String> macros = new HashMap<>();
            Map<String, JsonNode> rules = new HashMap<>();
            for (JsonNode item : yaml.readTree(dir.resolve(f).toFile())) {
                if (item.has("macro")) {
                    macros.merge(item.get("macro").asText(), item.path("condition").asText(), (a, b) -> a + " " + b);
                } else if (item.has("rule") && item.has("condition")) {
                    rules.put(item.get("rule").asText(), item);
                }
            }
            report.append(String.format("%-42s %3d rules: %3d loaded, %3d disabled, %3d skipped, %d errors%n", f,
                    set.statuses().size(), set.count(Status.LOADED), set.count(Status.DISABLED), set.count(Status.SKIPPED),
                    set.count(Status.ERROR)));
            for (RuleStatus s : set.statuses()) {
                boolean loadable = s.status() == Status.LOADED || s.status() == Status.DISABLED && s.missingFields().isEmpty()
                        && !s.reason().contains(";");
                all[0] += loadable ? 1 : 0;
                all[1]++;
                for (String c : categories(rules.get(s.rule()), macros)) {
                    int[] n = byCategory.computeIfAbsent(c, k -> new int[2]);
                    n[0] += loadable ? 1 : 0;
                    n[1]++;
                }
            }
        }
        int loadable = 0;
        int total = 0;
        for (String c : List.of("exec", "network", "file", "k8s_audit")) {
            int[] n = byCategory.getOrDefault(c, new int[2]);
            report.append(String.format("%-9s %3d of %3d evaluable%n", c, n[0], n[1]));
        }
        for (int[] n : byCategory.values()) {
            loadable += n[0];
            total += n[1];
        }
        report.append(String.format("all       %3d of %3d evaluable%n", all[0], all[1]));
        System.out.print(report);
        assertThat(loadable).as("exec, network, file and k8s_audit rules that load\n" + report)
                .isGreaterThanOrEqualTo((int) Math.ceil(0.9 * total));
    }
}
