package io.podtrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterSimulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SimulationConfig CFG = SimulationConfig.defaults(7).withDuration(Duration.ofMinutes(30))
            .withEventsPerSecond(40);

    private static String tetragon, audit;
    private static Truth truth;
    private static List<JsonNode> tLines, aLines;

    @BeforeAll
    static void generate() throws IOException {
        StringWriter t = new StringWriter(), a = new StringWriter();
        truth = new ClusterSimulator(CFG).run(t, a);
        tetragon = t.toString();
        audit = a.toString();
        tLines = parse(tetragon);
        aLines = parse(audit);
    }

    private static List<JsonNode> parse(String s) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : s.split("\n")) out.add(JSON.readTree(line));
        return out;
    }

    private static String[] run(SimulationConfig cfg) {
        StringWriter t = new StringWriter(), a = new StringWriter();
        new ClusterSimulator(cfg).run(t, a);
        return new String[]{t.toString(), a.toString()};
    }

    @Test
    void sameSeedSameBytesDifferentSeedDifferentBytes() {
        String[] again = run(CFG);
        assertThat(again[0]).isEqualTo(tetragon);
        assertThat(again[1]).isEqualTo(audit);
        String[] other = run(CFG.withSeed(8));
        assertThat(other[0]).isNotEqualTo(tetragon);
        assertThat(other[1]).isNotEqualTo(audit);
    }

    @Test
    void writeProducesTheThreeFilesIdenticallyForTheSameSeed(@TempDir Path dir) throws IOException {
        Truth t1 = new ClusterSimulator(CFG).write(dir.resolve("a"));
        new ClusterSimulator(CFG).write(dir.resolve("b"));
        for (String f : List.of("tetragon.jsonl", "k8s-audit.jsonl", "truth.json", "snapshot.json")) {
            assertThat(Files.mismatch(dir.resolve("a").resolve(f), dir.resolve("b").resolve(f))).as(f).isEqualTo(-1L);
        }
        assertThat(Files.readString(dir.resolve("a/tetragon.jsonl"))).isEqualTo(tetragon);
        JsonNode tj = JSON.readTree(dir.resolve("a/truth.json").toFile());
        assertThat(tj.get("trusted_cidrs")).isNotEmpty();
        assertThat(tj.at("/counts/tetragon_lines").asLong()).isEqualTo(t1.counts().tetragonLines());
        assertThat(tj.at("/sessions/0/audit_id").asText()).isEqualTo(t1.sessions().get(0).auditId());
    }

    @Test
    void tetragonLinesHaveTheExportShape() {
        assertThat(tLines).hasSizeGreaterThan(10_000);
        Set<String> kinds = new HashSet<>();
        for (JsonNode n : tLines) {
            List<String> keys = new ArrayList<>();
            n.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).hasSize(3).contains("node_name", "time");
            String kind = keys.get(0);
            assertThat(kind).isIn("process_exec", "process_exit", "process_kprobe");
            kinds.add(kind);
            JsonNode p = n.get(kind).get("process");
            assertThat(p.get("exec_id").asText()).isNotEmpty();
            assertThat(p.get("pid").isInt()).isTrue();
            assertThat(p.get("binary").asText()).startsWith("/");
            String decoded = new String(Base64.getDecoder().decode(p.get("exec_id").asText()));
            assertThat(decoded).startsWith(n.get("node_name").asText() + ":").endsWith(":" + p.get("pid").asInt());
            if (p.has("pod")) {
                assertThat(p.at("/pod/container/id").asText()).matches("containerd://[0-9a-f]{64}");
                assertThat(p.get("docker").asText()).hasSize(31);
            }
            if (kind.equals("process_kprobe")) {
                JsonNode k = n.get(kind);
                JsonNode sock = k.has("args") ? k.at("/args/0/sock_arg") : k.at("/return/sock_arg");
                assertThat(k.get("function_name").asText()).isIn("tcp_connect", "tcp_close", "inet_csk_accept");
                assertThat(sock.get("family").asText()).isEqualTo("AF_INET");
                assertThat(sock.get("daddr").asText()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
                assertThat(k.get("action").asText()).isEqualTo("KPROBE_ACTION_POST");
            }
            assertThat(n.get("time").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");
        }
        assertThat(kinds).containsExactlyInAnyOrder("process_exec", "process_exit", "process_kprobe");
    }

    @Test
    void auditLinesAreAuditV1Events() {
        Map<String, List<String>> stagesById = new HashMap<>();
        for (JsonNode n : aLines) {
            assertThat(n.get("kind").asText()).isEqualTo("Event");
            assertThat(n.get("apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
            assertThat(n.get("auditID").asText()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            assertThat(n.get("stage").asText()).isIn("RequestReceived", "ResponseStarted", "ResponseComplete");
            assertThat(n.get("verb").asText()).isNotEmpty();
            assertThat(n.get("requestURI").asText()).startsWith("/api");
            assertThat(n.at("/user/username").asText()).isNotEmpty();
            assertThat(n.get("sourceIPs")).isNotEmpty();
            assertThat(n.get("stageTimestamp").asText()).matches(".*T.*\\.\\d{6}Z");
            stagesById.computeIfAbsent(n.get("auditID").asText(), k -> new ArrayList<>()).add(n.get("stage").asText());
        }
        // every request: RequestReceived first, ResponseComplete last (requests still open at the end excepted)
        assertThat(stagesById.values()).allSatisfy(st -> assertThat(st.get(0)).isEqualTo("RequestReceived"));
        long complete = stagesById.values().stream().filter(st -> st.get(st.size() - 1).equals("ResponseComplete")).count();
        assertThat(complete).isEqualTo(stagesById.size());
    }

    @Test
    void timesAreNonDecreasingPerFile() {
        for (List<JsonNode> lines : List.of(tLines, aLines)) {
            Instant prev = Instant.MIN;
            for (JsonNode n : lines) {
                Instant t = Instant.parse(n.has("time") ? n.get("time").asText() : n.get("stageTimestamp").asText());
                assertThat(t).isAfterOrEqualTo(prev);
                prev = t;
            }
        }
    }

    @Test
    void exitsFollowExecsAndParentsAreKnown() {
        Set<String> execd = new HashSet<>(), exited = new HashSet<>();
        for (JsonNode n : tLines) {
            if (n.has("process_exec")) {
                JsonNode p = n.at("/process_exec/process");
                assertThat(execd.add(p.get("exec_id").asText())).as("exec_id unique").isTrue();
                JsonNode parent = n.at("/process_exec/parent");
                if (p.has("pod") && !p.get("flags").asText().contains("procFS")) {
                    boolean runtime = parent.get("binary").asText().matches(".*/(containerd-shim-runc-v2|runc)")
                            && !parent.has("pod");
                    assertThat(runtime || execd.contains(p.get("parent_exec_id").asText()))
                            .as("parent of %s", p.get("binary")).isTrue();
                }
                if (!parent.isMissingNode()) {
                    assertThat(parent.get("exec_id").asText()).isEqualTo(p.get("parent_exec_id").asText());
                }
            } else if (n.has("process_exit")) {
                String id = n.at("/process_exit/process/exec_id").asText();
                assertThat(execd).as("exit after exec").contains(id);
                assertThat(exited.add(id)).as("one exit per exec").isTrue();
            } else {
                assertThat(execd).contains(n.at("/process_kprobe/process/exec_id").asText());
            }
        }
    }

    @Test
    void seedStoryTruthMatchesOutput() {
        Truth.Session seed = truth.sessions().stream().filter(s -> s.story().equals("SEED")).findFirst().orElseThrow();
        assertThat(seed.user()).isEqualTo("john.doe");
        assertThat(seed.namespace()).isEqualTo("billing");
        assertThat(seed.pod()).matches("billing-api-[a-z0-9]{10}-[a-z0-9]{5}");
        assertThat(seed.requestUri()).isEqualTo("/api/v1/namespaces/billing/pods/" + seed.pod()
                + "/exec?command=bash&container=billing-api&stdin=true&stdout=true&tty=true");
        // audit: the exec request as RequestReceived, ResponseStarted 101, ResponseComplete 101
        List<JsonNode> stages = aLines.stream().filter(n -> n.get("auditID").asText().equals(seed.auditId())).toList();
        assertThat(stages).extracting(n -> n.get("stage").asText())
                .containsExactly("RequestReceived", "ResponseStarted", "ResponseComplete");
        assertThat(stages.get(1).at("/responseStatus/code").asInt()).isEqualTo(101);
        assertThat(stages.get(0).get("verb").asText()).isEqualTo("get");
        assertThat(stages.get(0).at("/user/groups").toString()).isEqualTo("[\"system:authenticated\",\"sre\"]");
        assertThat(stages.get(0).at("/objectRef/subresource").asText()).isEqualTo("exec");
        // processes: bash under the runtime, then curl, tar, gzip, shred
        assertThat(seed.processes()).extracting(Truth.Process::binary)
                .containsExactly("/bin/bash", "/usr/bin/curl", "/bin/tar", "/bin/gzip", "/usr/bin/shred");
        Map<String, JsonNode> execs = tLines.stream().filter(n -> n.has("process_exec"))
                .collect(Collectors.toMap(n -> n.at("/process_exec/process/exec_id").asText(), n -> n));
        for (Truth.Process p : seed.processes()) {
            JsonNode e = execs.get(p.execId());
            assertThat(e).as(p.binary()).isNotNull();
            assertThat(e.at("/process_exec/process/pod/name").asText()).isEqualTo(seed.pod());
            assertThat(e.at("/process_exec/process/pid").asInt()).isEqualTo(p.pid());
            assertThat(e.at("/process_exec/process/in_init_tree").asBoolean()).isFalse();
        }
        assertThat(execs.get(seed.processes().get(0).execId()).at("/process_exec/parent/binary").asText())
                .isEqualTo("/usr/bin/containerd-shim-runc-v2");
        // curl's connection, found in the raw output
        Truth.Connection conn = seed.connections().get(0);
        assertThat(conn.dstIp() + ":" + conn.dstPort()).isEqualTo("198.51.100.23:80");
        String curlId = seed.processes().get(1).execId();
        assertThat(tLines).anySatisfy(n -> {
            assertThat(n.at("/process_kprobe/function_name").asText()).isEqualTo("tcp_connect");
            assertThat(n.at("/process_kprobe/process/exec_id").asText()).isEqualTo(curlId);
            assertThat(n.at("/process_kprobe/args/0/sock_arg/daddr").asText()).isEqualTo("198.51.100.23");
            assertThat(n.at("/process_kprobe/args/0/sock_arg/dport").asInt()).isEqualTo(80);
        });
        // the session's processes ran between the exec request and its completion
        Instant start = Instant.parse(seed.start()), end = Instant.parse(seed.end());
        assertThat(seed.processes()).allSatisfy(p -> assertThat(Instant.parse(p.time())).isBetween(start, end));
    }

    @Test
    void otherStoriesTruth() {
        Truth.Session jane = truth.sessions().stream().filter(s -> s.story().equals("SECOND_USER")).findFirst().orElseThrow();
        Truth.Session seed = truth.sessions().stream().filter(s -> s.story().equals("SEED")).findFirst().orElseThrow();
        assertThat(jane.pod()).isEqualTo(seed.pod());
        assertThat(Instant.parse(jane.start())).isBetween(Instant.parse(seed.start()), Instant.parse(seed.end()));
        assertThat(jane.requestUri()).contains("command=sh&command=-c&command=cat%20%2Fetc%2Fhostname");

        Truth.Session denied = truth.sessions().stream().filter(s -> s.story().equals("DENIED_EXEC")).findFirst().orElseThrow();
        assertThat(denied.responseCode()).isEqualTo(403);
        assertThat(denied.processes()).isEmpty();
        assertThat(aLines).anySatisfy(n -> {
            assertThat(n.get("auditID").asText()).isEqualTo(denied.auditId());
            assertThat(n.at("/responseStatus/reason").asText()).isEqualTo("Forbidden");
        });

        assertThat(truth.tcpdumpExecutions()).hasSize(2).anySatisfy(t -> assertThat(t.host()).isTrue())
                .anySatisfy(t -> assertThat(t.workload()).isEqualTo("netdebug"));
        long tcpdumpExecs = tLines.stream().filter(n -> n.at("/process_exec/process/binary").asText().endsWith("/tcpdump")).count();
        assertThat(tcpdumpExecs).isEqualTo(2);

        assertThat(truth.nodeShells()).hasSize(1);
        Truth.NodeShell shell = truth.nodeShells().get(0);
        assertThat(shell.processes().get(1).binary()).isEqualTo("/bin/bash");
        assertThat(shell.processes().get(1).parentExecId()).isEqualTo(shell.processes().get(0).execId());
        assertThat(aLines).noneSatisfy(n -> assertThat(n.get("requestURI").asText()).contains(shell.pod() + "/exec"));

        // unknown destinations from billing: the seed's curl and the invoice-worker's 192.0.2.77:4444
        assertThat(truth.unknownOutboundBilling()).extracting(o -> o.dstIp() + ":" + o.dstPort())
                .containsExactly("198.51.100.23:80", "192.0.2.77:4444", "192.0.2.77:4444");
        assertThat(truth.unknownOutboundBilling().get(1).workload()).isEqualTo("invoice-worker");
    }

    @Test
    void countsMatchOutput() {
        assertThat(truth.counts().tetragonLines()).isEqualTo(tLines.size());
        assertThat(truth.counts().auditLines()).isEqualTo(aLines.size());
        assertThat(truth.counts().processExec()).isEqualTo(tLines.stream().filter(n -> n.has("process_exec")).count());
        assertThat(truth.counts().processKprobe()).isEqualTo(tLines.stream().filter(n -> n.has("process_kprobe")).count());
        // the background rate is roughly what was asked for
        double perSec = tLines.size() / (double) CFG.duration().toSeconds();
        assertThat(perSec).isBetween(CFG.eventsPerSecond() * 0.7, CFG.eventsPerSecond() * 1.4);
    }

    @Test
    void storiesOffLeaveNoTrace() {
        String[] out = run(CFG.withStories(EnumSet.noneOf(Story.class)));
        for (String s : List.of("john.doe", "jane.roe", "mallory", "alice.admin", "198.51.100.23", "payload.tgz",
                "/usr/bin/shred", "/etc/hostname", "tcpdump", "/usr/bin/runc", "192.0.2.77", "pods/exec", "/exec?")) {
            assertThat(out[0]).doesNotContain(s);
            assertThat(out[1]).doesNotContain(s);
        }
        StringWriter t = new StringWriter();
        Truth none = new ClusterSimulator(CFG.withStories(Set.of())).run(t, Writer.nullWriter());
        assertThat(none.sessions()).isEmpty();
        assertThat(none.unknownOutboundBilling()).isEmpty();
        assertThat(none.tcpdumpExecutions()).isEmpty();
        // one story alone
        String[] onlyUnknown = run(CFG.withStories(Set.of(Story.UNKNOWN_IP)));
        assertThat(onlyUnknown[0]).contains("192.0.2.77").doesNotContain("payload.tgz");
    }

    @Test
    void largeVolumeStreamsWithoutAccumulating() {
        SimulationConfig big = SimulationConfig.defaults(3).withEventsPerSecond(5000).withDuration(Duration.ofMinutes(20));
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        CountingWriter w = new CountingWriter();
        ClusterSimulator sim = new ClusterSimulator(big);
        Truth t = sim.run(w, Writer.nullWriter());
        assertThat(t.counts().tetragonLines()).isGreaterThan(4_000_000);
        assertThat(w.lines).isEqualTo(t.counts().tetragonLines());
        System.gc();
        long retained = rt.totalMemory() - rt.freeMemory() - before;
        // the simulator is still reachable here: what it retains after 4M+ lines must be small
        assertThat(retained).isLessThan(32L << 20);
        assertThat(sim.truth().counts()).isEqualTo(t.counts());
    }

    private static final class CountingWriter extends Writer {
        long lines;

        @Override
        public void write(char[] cbuf, int off, int len) {
            if (len > 0 && cbuf[off + len - 1] == '\n') lines++;
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
