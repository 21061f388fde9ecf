package io.podtrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code podtrail demo --exit} in-process: the server starts, the simulated hour goes through the HTTP ingest
 * endpoints, and the three printed answers are exactly the ground truth of the stories (truth.json).
 */
class DemoTest {

    @TempDir
    Path data;

    @Test
    void printsTheStoriesGroundTruthAfterLoadingThroughTheServer() throws Exception {
        CliRunner.Result r = CliRunner.run("demo", "--exit", "--data", data.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        String out = r.out();
        JsonNode truth = new ObjectMapper().readTree(data.resolve("simulated/truth.json").toFile());

        assertThat(out).contains("web UI: http://", "/api/v1/events", "curl -s -H 'Authorization: Bearer ptk_",
                Files.readString(data.resolve("admin.token")).strip(), "demo took ");
        String q1 = section(out, "== 1.", "== 2.");
        String q2 = section(out, "== 2.", "== 3.");
        String q3 = section(out, "== 3.", "Try it yourself");

        // 1: exactly the unknown destinations of the billing namespace
        JsonNode outbound = truth.get("unknown_outbound_billing");
        assertThat(outbound).isNotEmpty();
        assertThat(rows(q1)).hasSize(outbound.size());
        for (JsonNode o : outbound) {
            assertThat(rows(q1)).anySatisfy(row -> assertThat(row).startsWith(o.get("time").asText())
                    .contains(" " + o.get("pod").asText() + " ")
                    .contains(" " + o.get("dst_ip").asText() + ":" + o.get("dst_port").asInt() + " (external)"));
        }

        // 2: john.doe's session step by step, jane.roe's sh -c, mallory denied
        assertThat(q2).containsSubsequence("john.doe", "bash -> allowed (101)", "exec     bash", "exec     curl",
                "connect  curl -> 198.51.100.23:80", "exec     tar", "exec     gzip", "exec     shred",
                "jane.roe", "sh -c", "mallory", "DENIED (403)");
        long execs = 0, connects = 0;
        for (JsonNode s : truth.get("sessions")) {
            String user = s.get("user").asText();
            int code = s.get("response_code").asInt();
            assertThat(q2).contains(user + " ").contains(code == 101 ? "allowed (101)" : "DENIED (" + code + ")");
            for (JsonNode p : s.get("processes")) {
                assertThat(q2).contains(p.get("time").asText() + "  exec     " + base(p.get("binary").asText()));
                execs++;
            }
            for (JsonNode c : s.get("connections")) {
                assertThat(q2).contains(c.get("time").asText() + "  connect  " + base(c.get("binary").asText()) + " -> "
                        + c.get("dst_ip").asText() + ":" + c.get("dst_port").asInt());
                connects++;
            }
        }
        // the shell started from the node: its processes inside the container (not the host's runc) as one session
        for (JsonNode shell : truth.get("node_shells")) {
            assertThat(q2).contains("a shell started outside the Kubernetes API (no kubectl request) in "
                    + shell.get("namespace").asText() + "/" + shell.get("pod").asText());
            for (JsonNode p : shell.get("processes")) {
                if (!p.path("pod").isNull() && !p.path("pod").asText().isEmpty()) {
                    assertThat(q2).contains(p.get("time").asText() + "  exec     " + base(p.get("binary").asText()));
                    execs++;
                }
            }
        }
        assertThat(q2.lines().filter(l -> l.matches("    \\S+  exec .*"))).hasSize((int) execs);
        assertThat(q2.lines().filter(l -> l.matches("    \\S+  connect .*"))).hasSize((int) connects);
        assertThat(q2).contains("mallory").containsPattern("mallory .*DENIED \\(403\\)");

        // 3: exactly the tcpdump executions, on the host and in netdebug
        JsonNode tcpdumps = truth.get("tcpdump_executions");
        assertThat(rows(q3)).hasSize(tcpdumps.size());
        boolean host = false, netdebug = false;
        for (JsonNode t : tcpdumps) {
            String where = t.get("host").asBoolean() ? " host " : " " + t.get("namespace").asText() + "/" + t.get("pod").asText() + " ";
            host |= t.get("host").asBoolean();
            netdebug |= "netdebug".equals(t.path("workload").asText());
            assertThat(rows(q3)).anySatisfy(row -> assertThat(row).startsWith(t.get("time").asText())
                    .contains(" " + t.get("node").asText() + " ").contains(where).endsWith("tcpdump " + t.get("arguments").asText()));
        }
        assertThat(host).isTrue();
        assertThat(netdebug).isTrue();
    }

    private static String section(String out, String from, String to) {
        int a = out.indexOf(from);
        int b = out.indexOf(to, a);
        assertThat(a).as(from).isNotNegative();
        assertThat(b).as(to).isGreaterThan(a);
        return out.substring(a, b);
    }

    /** Table rows: the lines that start with a timestamp. */
    private static List<String> rows(String section) {
        return section.lines().filter(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT.*")).map(String::stripTrailing).toList();
    }

    private static String base(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
