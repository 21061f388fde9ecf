package io.podtrail.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.podtrail.event.Event;
import io.podtrail.ingest.EventSink;
import io.podtrail.ingest.K8sAuditSource;
import io.podtrail.ingest.Rejection;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Falco's {@code falco_k8s_audit_tests.yaml} expectations, run over its k8s audit trace fixtures with Falco's
 * {@code k8s_audit_rules.yaml} (and falco_rules.yaml) loaded as they are: for each test case that needs no other
 * rules file, the rules that fire and how often ({@code detect_counts}), or that nothing fires
 * ({@code detect: False}). Cases that load rules files of Falco's test tree (not among the fixtures) are skipped.
 */
class FalcoK8sAuditTracesTest {

    /** Rules renamed since the 2019 test file (k8s_audit_rules.yaml now has one rule per resource). */
    static final Map<String, String> RENAMED = Map.of("K8s Role/Clusterrole Created", "K8s ClusterRole Created",
            "K8s Role/Clusterrole Deleted", "K8s ClusterRole Deleted",
            "K8s Role/Clusterrolebinding Created", "K8s ClusterRoleBinding Created",
            "K8s Role/Clusterrolebinding Deleted", "K8s ClusterRoleBinding Deleted");

    @TestFactory
    Stream<DynamicTest> falcoExpectations() throws Exception {
        Path fx = Path.of(System.getProperty("podtrail.fixtures", "../shared/fixtures"));
        Path tests = fx.resolve("falco-k8s-audit-traces/falco_k8s_audit_tests.yaml");
        Path k8sRules = fx.resolve("falco-k8saudit-plugin/k8s_audit_rules.yaml");
        Path falcoRules = fx.resolve("falco-rules/falco_rules.yaml");
        Assumptions.assumeTrue(Files.isRegularFile(tests) && Files.isRegularFile(k8sRules) && Files.isRegularFile(falcoRules),
                "Falco k8s audit fixtures absent");
        RuleSet rules = RuleLoader.load(RuleLoader.RulesFile.of(falcoRules), RuleLoader.RulesFile.of(k8sRules));
        String text = Files.readString(tests).replace("!mux", "");
        JsonNode cases = new ObjectMapper(new YAMLFactory()).readTree(text).path("trace_files");
        List<DynamicTest> out = new ArrayList<>();
        cases.fields().forEachRemaining(en -> {
            JsonNode c = en.getValue();
            List<String> files = new ArrayList<>();
            c.path("rules_file").forEach(f -> files.add(f.asText().substring(f.asText().lastIndexOf('/') + 1)));
            String opts = c.path("addl_cmdline_opts").asText();
            String trace = opts.substring(opts.lastIndexOf('/') + 1).trim();
            boolean runnable = files.stream().allMatch(f -> f.equals("falco_rules.yaml") || f.equals("k8s_audit_rules.yaml"))
                    && files.contains("k8s_audit_rules.yaml");
            out.add(DynamicTest.dynamicTest(en.getKey() + " (" + trace + ")", () -> {
                Assumptions.assumeTrue(runnable, "needs rules files of Falco's test tree: " + files);
                Map<String, Integer> fired = fire(rules, fx.resolve("falco-k8s-audit-traces").resolve(trace));
                if (c.path("detect").asBoolean()) {
                    Map<String, Integer> expected = new TreeMap<>();
                    c.path("detect_counts").forEach(d -> d.fields().forEachRemaining(x -> expected.put(
                            RENAMED.getOrDefault(x.getKey(), x.getKey()), x.getValue().asInt())));
                    for (Map.Entry<String, Integer> x : expected.entrySet()) {
                        assertThat(fired.getOrDefault(x.getKey(), 0)).as(x.getKey() + " on " + trace + " (fired: " + fired + ")")
                                .isEqualTo(x.getValue());
                    }
                } else {
                    assertThat(fired).as("nothing fires on " + trace).isEmpty();
                }
            }));
        });
        return out.stream();
    }

    static Map<String, Integer> fire(RuleSet rules, Path trace) throws Exception {
        RuleEngine engine = RuleEngine.of(rules);
        List<Event> events = new ArrayList<>();
        try (InputStream in = Files.newInputStream(trace)) {
            new K8sAuditSource().read(in, trace.toString(), new EventSink() {
                @Override
                public void accept(Event event) {
                    events.add(event);
                }

                @Override
                public void reject(Rejection r) {
                    // fal_01_003.json is not an audit event: Falco expects nothing; so does Podtrail (rejected)
                }
            });
        }
        Map<String, Integer> fired = new TreeMap<>();
        for (Event e : events) {
            for (PolicyEvent p : engine.detect(e)) {
                fired.merge(p.rule(), 1, Integer::sum);
            }
        }
        return fired;
    }
}
