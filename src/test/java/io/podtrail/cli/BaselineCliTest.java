package io.podtrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The learned baseline end to end: ingest with a learning period (from --config), then every external
 * connection's peer.known agrees with what {@code podtrail baseline list} says was learned; reset forgets.
 */
class BaselineCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void peerKnownFollowsTheLearnedBaseline(@TempDir Path dir) throws IOException {
        Path sim = dir.resolve("sim");
        assertThat(CliRunner.run("simulate", "--out", sim.toString(), "--minutes", "10", "--rate", "20", "--seed", "9",
                "--start", "2026-03-02T09:00:00Z").exitCode()).isZero();
        Path config = dir.resolve("context.yaml");
        Files.writeString(config, "cluster:\n  serviceCidrs: [10.96.0.0/12]\nlearning:\n  period: 3m\n");
        String data = dir.resolve("data").toString();
        CliRunner.Result ingest = CliRunner.run("ingest", "--data", data, "--config", config.toString(), "--context",
                sim.resolve("snapshot.json").toString(), sim.resolve("tetragon.jsonl").toString());
        assertThat(ingest.exitCode()).as(ingest.err()).isZero();

        Map<String, JsonNode> learned = new HashMap<>();
        for (String line : CliRunner.run("baseline", "list", "--data", data, "-o", "json").out().split("\n")) {
            if (!line.isBlank()) {
                JsonNode o = JSON.readTree(line);
                learned.put(o.get("k8s.ns.name").asText() + "/" + o.get("k8s.workload.name").asText(), o);
            }
        }
        assertThat(learned).isNotEmpty();
        int after = 0;
        int unknown = 0;
        for (String line : CliRunner.run("query", "--data", data, "-o", "json", "--limit", "10000",
                "evt.type = connect and peer.kind = external and k8s.workload.name exists").out().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode e = JSON.readTree(line);
            JsonNode w = learned.get(e.get("k8s.ns.name").asText() + "/" + e.get("k8s.workload.name").asText());
            assertThat(w).as("workload of %s", line).isNotNull();
            boolean inPeriod = e.get("evt.time").asLong() < w.get("learning_ends").asLong();
            boolean inBaseline = false;
            for (JsonNode ip : w.get("destinations")) {
                inBaseline |= ip.asText().equals(e.get("fd.sip").asText());
            }
            assertThat(e.get("peer.known").asBoolean()).as(line).isEqualTo(inPeriod || inBaseline);
            if (!inPeriod) {
                after++;
                unknown += e.get("peer.known").asBoolean() ? 0 : 1;
            }
        }
        assertThat(after).as("connections after the learning period").isPositive();
        assertThat(unknown).as("new destinations after it stay unknown").isPositive();

        CliRunner.Result table = CliRunner.run("baseline", "list", "--data", data);
        assertThat(table.out()).contains("WORKLOAD", "LEARNING ENDS");
        assertThat(CliRunner.run("baseline", "reset", "--data", data).exitCode()).isNotZero();
        assertThat(CliRunner.run("baseline", "reset", "--data", data, "--all").out()).contains("reset the baseline of " + learned.size());
        assertThat(CliRunner.run("baseline", "list", "--data", data).out()).contains("(nothing learned)");
    }
}
