package io.podtrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podtrail.simulate.ClusterSimulator;
import io.podtrail.simulate.SimulationConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code podtrail ingest} with the default policy set, {@code podtrail policy-events} and {@code podtrail rules check}. */
class PolicyCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path data;
    static CliRunner.Result ingest;

    @BeforeAll
    static void ingestSimulatedCluster() throws IOException {
        Path sim = tmp.resolve("sim");
        data = tmp.resolve("data");
        new ClusterSimulator(SimulationConfig.defaults(5).withDuration(Duration.ofMinutes(10)).withEventsPerSecond(20)).write(sim);
        Path extra = tmp.resolve("extra_rules.yaml");
        Files.writeString(extra, """
                - rule: Network tool launched
                  enabled: false
                  override: {enabled: replace}
                - rule: Cat in billing
                  desc: a rule of the user's own
                  condition: evt.type = execve and proc.name = cat and k8s.ns.name = billing
                  output: cat in billing (%proc.cmdline %k8s.pod.name)
                  priority: info
                  tags: [test]
                """);
        ingest = CliRunner.run("ingest", "--data", data.toString(), "--context", sim.resolve("snapshot.json").toString(),
                "--rules", extra.toString(), sim.resolve("tetragon.jsonl").toString(), sim.resolve("k8s-audit.jsonl").toString());
    }

    static List<JsonNode> lines(String out) {
        return out.lines().filter(l -> !l.isBlank()).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + l, e);
            }
        }).toList();
    }

    @Test
    void ingestRunsTheDefaultsPlusTheGivenRules() {
        assertThat(ingest.exitCode()).as(ingest.err()).isZero();
        assertThat(ingest.out()).containsPattern("policies +13 rules, [0-9,]+ policy events raised");
        assertThat(ingest.err()).contains("14 rules: 13 loaded, 1 disabled");
    }

    @Test
    void policyEventsJsonNewestFirstWithRuleScopeAndSession() {
        CliRunner.Result r = CliRunner.run("policy-events", "--data", data.toString(), "-o", "json", "--limit", "1000");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<JsonNode> all = lines(r.out());
        assertThat(all).isNotEmpty();
        for (JsonNode n : all) {
            assertThat(n.has("rule") && n.has("priority") && n.has("tags") && n.has("output") && n.has("evt.time")
                    && n.has("session.id") && n.has("podtrail.id") && n.has("k8s.ns.name") && n.has("k8s.pod.name")
                    && n.has("container.id") && n.has("evt.hostname") && n.has("proc.exec_id")).as(n.toString()).isTrue();
        }
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).get("evt.time").asLong()).isLessThanOrEqualTo(all.get(i - 1).get("evt.time").asLong());
        }
        assertThat(all).extracting(n -> n.get("rule").asText()).contains("Terminal shell in a container",
                "Outbound connection to unknown destination", "History or log tampering", "Cat in billing")
                .doesNotContain("Network tool launched");
    }

    @Test
    void policyEventsFilterOnPolicyAndEventFields() {
        CliRunner.Result r = CliRunner.run("policy-events", "--data", data.toString(), "-o", "json",
                "rule = \"History or log tampering\" and k8s.ns.name = billing and tags = T1070");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<JsonNode> hits = lines(r.out());
        assertThat(hits).hasSize(1);
        assertThat(hits.get(0).get("priority").asText()).isEqualTo("Warning");
        assertThat(hits.get(0).path("event").path("proc.name").asText()).isEqualTo("shred");

        CliRunner.Result table = CliRunner.run("policy-events", "--data", data.toString(), "--since", "100000h",
                "priority = Informational");
        assertThat(table.out()).startsWith("TIME").contains("Cat in billing").contains("billing/");

        CliRunner.Result bad = CliRunner.run("policy-events", "--data", data.toString(), "rule = ");
        assertThat(bad.exitCode()).isNotZero();
    }

    @Test
    void rulesCheckPrintsEachRuleAndASummary() throws IOException {
        CliRunner.Result r = CliRunner.run("rules", "check", "--defaults", "-o", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<JsonNode> rules = lines(r.out());
        assertThat(rules).hasSize(13).allSatisfy(n -> {
            assertThat(n.get("status").asText()).isEqualTo("loaded");
            assertThat(n.has("rule") && n.has("file") && n.has("reason")).isTrue();
        });
        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, """
                - macro: m
                  condition: proc.name = bash and
                - rule: Uses broken macro
                  desc: x
                  condition: evt.type = execve and m
                  output: x
                  priority: WARNING
                - rule: Needs a field
                  desc: x
                  condition: evt.type = execve and proc.nosuchfield = 1
                  output: x
                  priority: WARNING
                - rule: Fine
                  desc: x
                  condition: evt.type = execve
                  output: x %proc.name
                  priority: WARNING
                """);
        CliRunner.Result b = CliRunner.run("rules", "check", broken.toString());
        assertThat(b.exitCode()).isEqualTo(1);
        assertThat(b.out()).contains("3 rules: 1 loaded, 0 disabled, 1 skipped, 1 errors");
        assertThat(b.out()).containsPattern("Needs a field +broken.yaml:8 +skipped +needs field proc.nosuchfield");
        assertThat(b.err()).contains("broken.yaml:2:").contains("error[syntax]").contains("macro 'm' (used by rule 'Uses broken macro')");
    }
}
