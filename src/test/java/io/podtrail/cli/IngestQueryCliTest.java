package io.podtrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podtrail.simulate.ClusterSimulator;
import io.podtrail.simulate.SimulationConfig;
import io.podtrail.simulate.Truth;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The ingest and query commands end to end, as a user runs them, on simulated and on public sample data. */
class IngestQueryCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path sim;
    static Path data;
    static Truth truth;
    static CliRunner.Result firstIngest;

    @BeforeAll
    static void ingestSimulatedCluster() throws IOException {
        sim = tmp.resolve("sim");
        data = tmp.resolve("data");
        SimulationConfig config = SimulationConfig.defaults(11).withDuration(Duration.ofMinutes(20)).withEventsPerSecond(40);
        truth = new ClusterSimulator(config).write(sim);
        Files.createDirectories(data);
        Files.writeString(data.resolve("podtrail.yaml"), "cluster:\n  serviceCidrs: [10.96.0.0/12]\ntrusted:\n  cidrs: ["
                + String.join(", ", truth.trustedCidrs()) + "]\n");
        firstIngest = CliRunner.run("ingest", "--data", data.toString(), "--context", sim.resolve("snapshot.json").toString(),
                sim.resolve("tetragon.jsonl").toString(), sim.resolve("k8s-audit.jsonl").toString());
    }

    @Test
    void ingestSummaryCountsEveryLineAndRejectsNothing() {
        assertThat(firstIngest.exitCode()).as(firstIngest.err()).isZero();
        long lines = truth.counts().tetragonLines() + truth.counts().auditLines();
        assertThat(firstIngest.out()).contains(String.format("read %,d events", lines)).contains("rejected   0");
        // one stored event per Tetragon line and per API request (its stages are merged)
        assertThat(firstIngest.out()).contains(String.format("stored     %,d", truth.counts().tetragonLines() + truth.counts().auditRequests()));
    }

    @Test
    void reingestingStoresNothingTwice() {
        CliRunner.Result again = CliRunner.run("ingest", "--data", data.toString(), sim.resolve("tetragon.jsonl").toString());
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("stored     0").contains(String.format("duplicates %,d", truth.counts().tetragonLines()));
    }

    @Test
    void question3EveryTcpdumpWithNodePodAndContainer() throws IOException {
        CliRunner.Result r = CliRunner.run("query", "--data", data.toString(), "-o", "json", "proc.name = tcpdump and evt.type = execve");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<JsonNode> rows = r.out().lines().map(IngestQueryCliTest::parse).toList();
        Set<String> execIds = rows.stream().map(n -> n.get("proc.exec_id").asText()).collect(Collectors.toSet());
        assertThat(execIds).isEqualTo(truth.tcpdumpExecutions().stream().map(Truth.Tcpdump::execId).collect(Collectors.toSet()));
        for (JsonNode n : rows) {
            assertThat(n.get("evt.hostname").asText()).isNotEmpty();
            if (n.get("container.id").asText().equals("host")) {
                assertThat(n.has("k8s.pod.name")).isFalse();
            } else {
                assertThat(n.get("k8s.pod.name").asText()).startsWith("netdebug-");
                assertThat(n.get("container.name").asText()).isEqualTo("netdebug");
            }
        }
        CliRunner.Result table = CliRunner.run("query", "--data", data.toString(), "proc.name = tcpdump and evt.type = execve");
        assertThat(table.out()).contains("TIME", "NODE", "NAMESPACE/POD", "CONTAINER", "tcpdump -i eth0");
    }

    @Test
    void question1OutboundFromBillingToUnknownDestinationsIsExactlyTheTruth() {
        CliRunner.Result r = CliRunner.run("query", "--data", data.toString(), "-o", "json", "--limit", "1000",
                "k8s.ns.name = billing and evt.type = connect and peer.known = false");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<JsonNode> rows = r.out().lines().map(IngestQueryCliTest::parse).toList();
        assertThat(rows.stream().map(n -> n.get("proc.exec_id").asText() + " " + n.get("fd.sip").asText() + ":" + n.get("fd.sport").asLong()).toList())
                .containsExactlyInAnyOrderElementsOf(truth.unknownOutboundBilling().stream()
                        .map(o -> o.execId() + " " + o.dstIp() + ":" + o.dstPort()).toList());
        for (JsonNode n : rows) {
            assertThat(n.get("k8s.pod.name").asText()).isNotEmpty();
            assertThat(n.get("k8s.workload.name").asText()).isIn("billing-api", "invoice-worker");
            assertThat(n.get("peer.kind").asText()).isEqualTo("external");
        }
    }

    @Test
    void question3ByDeploymentAndOnHosts() {
        CliRunner.Result inDeployment = CliRunner.run("query", "--data", data.toString(), "-o", "json",
                "proc.name = tcpdump and evt.type = execve and k8s.deployment.name = netdebug");
        CliRunner.Result onHosts = CliRunner.run("query", "--data", data.toString(), "-o", "json",
                "proc.name = tcpdump and evt.type = execve and container.id = host");
        Set<String> expectedPod = truth.tcpdumpExecutions().stream().filter(t -> !t.host()).map(Truth.Tcpdump::execId).collect(Collectors.toSet());
        Set<String> expectedHost = truth.tcpdumpExecutions().stream().filter(Truth.Tcpdump::host).map(Truth.Tcpdump::execId).collect(Collectors.toSet());
        assertThat(inDeployment.out().lines().map(l -> parse(l).get("proc.exec_id").asText()).collect(Collectors.toSet())).isEqualTo(expectedPod);
        assertThat(onHosts.out().lines().map(l -> parse(l).get("proc.exec_id").asText()).collect(Collectors.toSet())).isEqualTo(expectedHost);
    }

    @Test
    void newestFirstWithACursorThatPagesThroughEverything() {
        String filter = "k8s.ns.name = billing and evt.type = execve";
        CliRunner.Result all = CliRunner.run("query", "--data", data.toString(), "-o", "json", "--limit", "100000", filter);
        List<Long> times = all.out().lines().map(l -> parse(l).get("evt.time").asLong()).toList();
        assertThat(times).isSortedAccordingTo((a, b) -> Long.compare(b, a)).hasSizeGreaterThan(20);

        List<Long> paged = new java.util.ArrayList<>();
        String cursor = null;
        do {
            CliRunner.Result page = cursor == null
                    ? CliRunner.run("query", "--data", data.toString(), "-o", "json", "--limit", "7", filter)
                    : CliRunner.run("query", "--data", data.toString(), "-o", "json", "--limit", "7", "--cursor", cursor, filter);
            page.out().lines().forEach(l -> paged.add(parse(l).get("evt.time").asLong()));
            cursor = page.err().lines().filter(l -> l.startsWith("more results: add --cursor "))
                    .map(l -> l.substring("more results: add --cursor ".length())).findFirst().orElse(null);
        } while (cursor != null);
        assertThat(paged).isEqualTo(times);
    }

    @Test
    void csvOutputWithChosenColumns() {
        CliRunner.Result r = CliRunner.run("query", "--data", data.toString(), "-o", "csv", "--columns", "proc.name,k8s.pod.name",
                "--limit", "3", "proc.name = shred");
        assertThat(r.out().lines().toList()).first().isEqualTo("proc.name,k8s.pod.name");
        assertThat(r.out().lines().skip(1)).allMatch(l -> l.startsWith("shred,billing-api-"));
    }

    @Test
    void aBadFilterSaysWhatAndWhere() {
        CliRunner.Result r = CliRunner.run("query", "--data", data.toString(), "proc.nam = bash");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("proc.nam").contains("proc.name").contains("^");
    }

    @Test
    void queryingAMissingTrailSaysHowToCreateIt() {
        CliRunner.Result r = CliRunner.run("query", "--data", tmp.resolve("nowhere").toString(), "proc.name = bash");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no trail in").contains("podtrail ingest");
    }

    @Test
    void publicFixturesIngestAndBrokenInputIsKeptWithLineAndReason(@TempDir Path dir) throws IOException {
        Path fixtures = Path.of(System.getProperty("podtrail.fixtures", "../shared/fixtures"));
        assumeTrue(Files.isDirectory(fixtures), "public fixtures not present");
        CliRunner.Result r = CliRunner.run("ingest", "--data", dir.toString(),
                fixtures.resolve("falco-k8s-audit-traces").toString(),
                fixtures.resolve("audit2rbac/demo.log").toString(),
                fixtures.resolve("tetragon/testdata_events.json").toString(),
                fixtures.resolve("falco-json-output/single_rule_with_cat_write.json").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        // falco_k8s_audit_tests.yaml is not an event file: it is rejected as an unknown format, not a crash
        assertThat(r.out()).contains("rejected records kept in");
        Path rejected;
        try (var s = Files.list(dir.resolve("rejected"))) {
            rejected = s.findFirst().orElseThrow();
        }
        List<JsonNode> rows = Files.readAllLines(rejected).stream().map(IngestQueryCliTest::parse).toList();
        JsonNode fal = rows.stream().filter(n -> n.get("origin").asText().endsWith("fal_01_003.json")).findFirst().orElseThrow();
        assertThat(fal.get("line").asLong()).isEqualTo(1);
        assertThat(fal.get("reason").asText()).contains("kind");
        assertThat(fal.get("payload").asText()).contains("\"kind\"");

        CliRunner.Result exec = CliRunner.run("query", "--data", dir.toString(), "-o", "json",
                "ka.target.subresource = exec and ka.uri.param[command] = bash");
        assertThat(exec.out().lines().map(IngestQueryCliTest::parse).map(n -> n.get("ka.user.name").asText()).toList())
                .containsExactly("minikube-user");
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
