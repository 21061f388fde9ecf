package io.podtrail.server;

import com.fasterxml.jackson.databind.JsonNode;

import io.podtrail.simulate.ClusterSimulator;
import io.podtrail.simulate.IngestClient;
import io.podtrail.simulate.SimulationConfig;
import io.podtrail.simulate.Truth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /api/v1/sessions and /api/v1/sessions/{id} on a server that correlated what the sensors and the API server
 * sent it through the ingest endpoints (Tetragon first, the audit log after: the late path).
 */
class SessionApiTest {

    @TempDir
    static Path tmp;
    static PodtrailServer server;
    static Api api;
    static String admin;
    static String frontend;
    static Truth truth;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        Path sim = tmp.resolve("sim");
        Path data = tmp.resolve("data");
        truth = new ClusterSimulator(SimulationConfig.defaults(7).withDuration(Duration.ofMinutes(10)).withEventsPerSecond(20)).write(sim);
        server = PodtrailServer.start(ServerConfig.defaults(data).withListen("127.0.0.1:0"));
        server.context().loadSnapshot(sim.resolve("snapshot.json"));
        api = new Api(server.url());
        admin = Files.readString(data.resolve("admin.token")).trim();
        frontend = new TokenStore(data).create(Role.ANALYST, List.of("frontend"), List.of()).secret();
        IngestClient client = new IngestClient(server.url(), admin);
        List<String> lines = Files.readAllLines(sim.resolve("tetragon.jsonl"));
        for (int i = 0; i < lines.size(); i += 2000) {
            client.postTetragon(String.join("\n", lines.subList(i, Math.min(lines.size(), i + 2000))) + "\n");
        }
        List<String> audit = Files.readAllLines(sim.resolve("k8s-audit.jsonl"));
        for (int i = 0; i < audit.size(); i += 500) {
            client.postAudit(audit.subList(i, Math.min(audit.size(), i + 500)));
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sessionsListsEveryStorySessionWithItsCounts() {
        Api.Reply r = api.get("/api/v1/sessions?limit=50", admin);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().get("sessions").forEach(s -> ids.add(s.get("session.id").asText()));
        for (Truth.Session t : truth.sessions()) {
            assertThat(ids).contains(t.auditId());
        }
        JsonNode seed = find(r.json().get("sessions"), truth.sessions().get(0).auditId());
        assertThat(seed.get("session.user.name").asText()).isEqualTo("john.doe");
        assertThat(seed.get("session.confidence").asText()).isEqualTo("exact");
        assertThat(seed.get("processes").asLong()).isEqualTo(truth.sessions().get(0).processes().size());
        assertThat(seed.get("connections").asLong()).isEqualTo(truth.sessions().get(0).connections().size());

        Api.Reply denied = api.get("/api/v1/sessions?filter=" + enc("session.allowed = false"), admin);
        assertThat(denied.json().get("sessions")).singleElement()
                .satisfies(s -> assertThat(s.get("session.user.name").asText()).isEqualTo("mallory"));
    }

    @Test
    void oneSessionHasItsTreeWithConnectionsAndItsEvents() {
        Truth.Session seed = truth.sessions().get(0);
        Api.Reply r = api.get("/api/v1/sessions/" + seed.auditId(), admin);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode o = r.json();
        assertThat(o.get("session").get("session.command").get(0).asText()).isEqualTo("bash");
        JsonNode tree = o.get("tree");
        assertThat(tree).hasSize(seed.processes().size());
        assertThat(tree.get(0).get("cmdline").asText()).isEqualTo("bash");
        assertThat(tree.get(0).get("depth").asInt()).isZero();
        JsonNode curl = null;
        for (JsonNode n : tree) {
            if (n.get("cmdline").asText().startsWith("curl")) {
                curl = n;
            }
        }
        assertThat(curl).isNotNull();
        assertThat(curl.get("depth").asInt()).isEqualTo(1);
        assertThat(curl.get("activity").get(0).get("fd.sip").asText()).isEqualTo(seed.connections().get(0).dstIp());
        assertThat(curl.get("activity").get(0).get("peer.known").asBoolean()).isFalse();
        assertThat(o.get("events").get(0).get("podtrail.kind").asText()).isEqualTo("k8s_api");
        assertThat(api.get("/api/v1/sessions/no-such-session", admin).status()).isEqualTo(404);
    }

    @Test
    void anAnalystOfFrontendSeesOnlyFrontendSessions() throws InterruptedException {
        // the shell from the node is called outside the API once the server's clock is past its window
        Api.Reply r = api.get("/api/v1/sessions", frontend);
        for (int i = 0; i < 50 && r.json().get("sessions").isEmpty(); i++) {
            Thread.sleep(200);
            r = api.get("/api/v1/sessions", frontend);
        }
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("sessions")).isNotEmpty().allSatisfy(s -> assertThat(s.get("k8s.ns.name").asText()).isEqualTo("frontend"));
        assertThat(r.json().get("sessions")).anySatisfy(s -> assertThat(s.get("session.kind").asText()).isEqualTo("outside_api"));
        assertThat(api.get("/api/v1/sessions/" + truth.sessions().get(0).auditId(), frontend).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/sessions", null).status()).isEqualTo(401);
    }

    @Test
    void anAnalystLimitedToAClusterSeesOnlyThatCluster() {
        TokenStore tokens = new TokenStore(tmp.resolve("data"));
        String same = tokens.create(Role.ANALYST, List.of(), List.of("default")).secret();
        String other = tokens.create(Role.ANALYST, List.of(), List.of("staging")).secret();
        Api.Reply mine = api.get("/api/v1/events?limit=50", same);
        assertThat(mine.status()).as(mine.body()).isEqualTo(200);
        assertThat(mine.json().get("events")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.get("k8s.cluster.name").asText()).isEqualTo("default"));
        assertThat(api.get("/api/v1/sessions", same).json().get("sessions")).isNotEmpty();
        Api.Reply theirs = api.get("/api/v1/events?limit=50", other);
        assertThat(theirs.status()).as(theirs.body()).isEqualTo(200);
        assertThat(theirs.json().get("events")).isEmpty();
        assertThat(api.get("/api/v1/sessions", other).json().get("sessions")).isEmpty();
        assertThat(api.get("/api/v1/sessions/" + truth.sessions().get(0).auditId(), other).status()).isEqualTo(404);
    }

    private static JsonNode find(JsonNode sessions, String id) {
        for (JsonNode s : sessions) {
            if (s.get("session.id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no session " + id);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
