package io.podtrail.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/policy-events}: the server runs the default policy set on what it ingests. */
class PolicyEventsApiTest {

    @TempDir
    static Path data;
    static PodtrailServer server;
    static Api api;
    static String admin;

    @BeforeAll
    static void start() throws IOException {
        server = PodtrailServer.start(ServerConfig.defaults(data).withListen("127.0.0.1:0"));
        api = new Api(server.url());
        admin = Files.readString(data.resolve("admin.token")).trim();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String exec(String ns, String pod, int i, String name, String args) {
        return "{\"podtrail.id\":" + i + ",\"evt.time\":" + (1_700_000_000_000_000_000L + i * 1000L)
                + ",\"evt.type\":\"execve\",\"evt.hostname\":\"node-1\",\"proc.pid\":" + i + ",\"proc.name\":\"" + name
                + "\",\"proc.args\":\"" + args + "\",\"proc.cmdline\":\"" + name + " " + args + "\",\"container.id\":\"19a02291e106\","
                + "\"k8s.ns.name\":\"" + ns + "\",\"k8s.pod.name\":\"" + pod + "\"}";
    }

    static JsonNode get(String token, String filter) {
        Api.Reply r = api.get("/api/v1/policy-events?limit=100&filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8), token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void policyEventsAreScopedFilteredAndCarryTheScope() {
        TokenStore tokens = new TokenStore(data);
        String sensor = tokens.create(Role.SENSOR, List.of(), List.of()).secret();
        String analystA = tokens.create(Role.ANALYST, List.of("team-a"), List.of()).secret();
        String body = exec("team-a", "a1", 1, "tcpdump", "-i any") + "\n" + exec("team-b", "b1", 2, "nmap", "-sS 10.0.0.1") + "\n"
                + exec("team-a", "a1", 3, "ls", "-l") + "\n";
        Api.Reply posted = api.post("/api/v1/ingest/events", sensor, body);
        assertThat(posted.status()).as(posted.body()).isEqualTo(200);

        JsonNode all = get(admin, "");
        assertThat(all.get("policy_events")).hasSize(2);
        JsonNode first = all.get("policy_events").get(0); // newest first: nmap
        assertThat(first.get("rule").asText()).isEqualTo("Network tool launched");
        assertThat(first.get("priority").asText()).isEqualTo("Notice");
        assertThat(first.get("tags").toString()).contains("T1040");
        assertThat(first.get("output").asText()).contains("nmap -sS 10.0.0.1");
        assertThat(first.get("podtrail.id").asLong()).isEqualTo(2);
        assertThat(first.get("evt.time").asLong()).isEqualTo(1_700_000_000_000_002_000L);
        assertThat(first.get("k8s.ns.name").asText()).isEqualTo("team-b");
        assertThat(first.get("k8s.pod.name").asText()).isEqualTo("b1");
        assertThat(first.get("container.id").asText()).isEqualTo("19a02291e106");
        assertThat(first.get("evt.hostname").asText()).isEqualTo("node-1");
        assertThat(first.has("session.id") && first.has("proc.exec_id") && first.has("k8s.workload.name")
                && first.has("k8s.cluster.name") && first.has("container.name") && first.has("k8s.workload.kind")).isTrue();
        assertThat(all.get("next_cursor").isNull()).isTrue();

        // the analyst scoped to team-a sees only team-a's, whatever the filter says
        JsonNode scoped = get(analystA, "rule = \"Network tool launched\" or k8s.ns.name = team-b");
        assertThat(scoped.get("policy_events")).hasSize(1);
        assertThat(scoped.get("policy_events").get(0).get("k8s.ns.name").asText()).isEqualTo("team-a");

        assertThat(get(admin, "proc.name = tcpdump and priority = Notice").get("policy_events")).hasSize(1);
        Api.Reply bad = api.get("/api/v1/policy-events?filter=" + URLEncoder.encode("rule =", StandardCharsets.UTF_8), admin);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(api.get("/api/v1/policy-events", null).status()).isEqualTo(401);
        assertThat(api.get("/metrics", null).body()).contains("podtrail_policy_events_total{rule=\"Network tool launched\"} 2");
    }
}
