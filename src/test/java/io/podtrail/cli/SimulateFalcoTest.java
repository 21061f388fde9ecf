package io.podtrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code podtrail simulate --sensor falco}: the same activity as Falco alerts, ingested with no rejection. */
class SimulateFalcoTest {

    @Test
    void falcoAlertsOfTheSameStoriesIngestAndAnswerQuestion3(@TempDir Path dir) throws IOException {
        Path sim = dir.resolve("sim");
        CliRunner.Result r = CliRunner.run("simulate", "--out", sim.toString(), "--sensor", "falco", "--minutes", "10",
                "--rate", "20", "--seed", "3", "--start", "2026-03-02T09:00:00Z");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(sim.resolve("tetragon.jsonl")).doesNotExist();
        List<String> lines = Files.readAllLines(sim.resolve("falco.jsonl"));
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("rule").asText()).startsWith("Podtrail ");
        assertThat(first.get("output_fields").get("evt.time").isNumber()).isTrue();

        Path data = dir.resolve("data");
        CliRunner.Result ingest = CliRunner.run("ingest", "--data", data.toString(), sim.resolve("falco.jsonl").toString());
        assertThat(ingest.out()).contains(String.format("falco      %,d", lines.size())).contains("rejected   0");

        JsonNode truth = json.readTree(sim.resolve("truth.json").toFile());
        CliRunner.Result tcpdump = CliRunner.run("query", "--data", data.toString(), "-o", "json",
                "proc.name = tcpdump and evt.type = execve");
        assertThat(tcpdump.out().lines().count()).isEqualTo(truth.get("tcpdump_executions").size());
    }
}
