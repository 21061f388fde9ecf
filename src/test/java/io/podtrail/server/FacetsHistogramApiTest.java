package io.podtrail.server;

import io.podtrail.cli.CliRunner;
import io.podtrail.cli.SimulatedData;

import com.fasterxml.jackson.databind.JsonNode;
import io.podtrail.cli.Main;
import io.podtrail.simulate.SimulationConfig;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/v1/facets and /api/v1/histogram over HTTP on simulated data: tokens, analyst scope, access log, CLI --server. */
class FacetsHistogramApiTest {

    @TempDir
    static Path tmp;
    static Path data;
    static PodtrailServer server;
    static Api api;
    static String admin;
    static String billing;
    static String sensor;

    @BeforeAll
    static void start() throws IOException {
        Path sim = tmp.resolve("sim");
        data = tmp.resolve("data");
        SimulatedData.ingest(SimulationConfig.defaults(5).withDuration(Duration.ofMinutes(10)).withEventsPerSecond(30), sim, data, null);
        server = PodtrailServer.start(ServerConfig.defaults(data).withListen("127.0.0.1:0"));
        api = new Api(server.url());
        admin = Files.readString(data.resolve("admin.token")).trim();
        TokenStore tokens = new TokenStore(data);
        billing = tokens.create(Role.ANALYST, List.of("billing"), List.of()).secret();
        sensor = tokens.create(Role.SENSOR, List.of(), List.of()).secret();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static long namespaceCount(JsonNode facets, String ns) {
        for (JsonNode r : facets.get("rows")) {
            if (r.get("path").size() == 2 && ns.equals(r.get("path").get(1).asText())) {
                return r.get("count").asLong();
            }
        }
        return 0;
    }

    @Test
    void aNamespaceScopedAnalystSeesOnlyItsNamespaces() {
        Api.Reply all = api.get("/api/v1/facets?by=workload&max_pods=1000", admin);
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        Set<String> namespaces = new HashSet<>();
        all.json().get("rows").forEach(r -> {
            if (r.get("path").size() >= 2) {
                namespaces.add(r.get("path").get(1).asText());
            }
        });
        assertThat(namespaces).contains("billing").hasSizeGreaterThan(2);

        Api.Reply scoped = api.get("/api/v1/facets?by=workload", billing);
        assertThat(scoped.status()).as(scoped.body()).isEqualTo(200);
        JsonNode rows = scoped.json().get("rows");
        assertThat(rows.get(0).get("count").asLong()).isEqualTo(namespaceCount(all.json(), "billing")).isPositive();
        rows.forEach(r -> {
            if (r.get("path").size() >= 2) {
                assertThat(r.get("path").get(1).asText()).isEqualTo("billing");
            }
        });
        // a filter naming another namespace still counts nothing outside the scope
        Api.Reply other = api.get("/api/v1/facets?filter=" + enc("k8s.ns.name != billing"), billing);
        assertThat(other.json().get("rows").get(0).get("count").asLong()).isZero();

        Api.Reply byNode = api.get("/api/v1/facets?by=node", billing);
        assertThat(byNode.json().get("levels").toString()).isEqualTo("[\"cluster\",\"node\",\"pod\"]");
        byNode.json().get("rows").forEach(r -> {
            if (r.get("path").size() == 3 && !r.path("others").asBoolean()) {
                assertThat(r.get("path").get(2).asText()).startsWith("billing/");
            }
        });

        Api.Reply hist = api.get("/api/v1/histogram?buckets=20&split=kind", billing);
        assertThat(hist.status()).as(hist.body()).isEqualTo(200);
        assertThat(hist.json().get("total").asLong()).isEqualTo(namespaceCount(all.json(), "billing"));
        JsonNode first = hist.json().get("buckets").get(0);
        assertThat(first.get("start").asLong() % hist.json().get("bucket_ns").asLong()).isZero();
        assertThat(first.has("by_kind")).isTrue();
    }

    @Test
    void histogramOfAdminSumsToEveryEvent() {
        JsonNode all = api.get("/api/v1/facets", admin).json();
        JsonNode hist = api.get("/api/v1/histogram", admin).json();
        long sum = 0;
        for (JsonNode b : hist.get("buckets")) {
            sum += b.get("count").asLong();
        }
        assertThat(sum).isEqualTo(hist.get("total").asLong()).isEqualTo(all.get("rows").get(0).get("count").asLong());
    }

    @Test
    void authErrorsAndAccessLog() throws IOException, InterruptedException {
        assertThat(api.get("/api/v1/facets", null).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/histogram", sensor).status()).isEqualTo(403);
        Api.Reply bad = api.get("/api/v1/histogram?filter=" + enc("proc.nam = x"), admin);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("diagnostics").size()).isPositive();
        assertThat(api.get("/api/v1/facets?by=zone", admin).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/histogram?buckets=0", admin).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/histogram?split=pod", admin).status()).isEqualTo(400);
        api.get("/api/v1/facets?filter=" + enc("proc.name = logged"), billing);
        String log = "";
        for (int i = 0; i < 100 && !log.contains("proc.name = logged"); i++) {
            Thread.sleep(20);
            log = Files.readString(data.resolve("access.log"));
        }
        assertThat(log).contains("\"path\":\"/api/v1/facets\"", "\"filter\":\"proc.name = logged\"", "\"role\":\"analyst\"");
        JsonNode openapi = api.get("/api/v1/openapi.json", null).json();
        assertThat(openapi.get("paths").has("/api/v1/facets")).isTrue();
        assertThat(openapi.get("paths").has("/api/v1/histogram")).isTrue();
    }

    @Test
    void cliThroughTheServer() {
        CliRunner.Result facets = CliRemoteTest.cli("facets", "--server", server.url(), "--token", billing);
        assertThat(facets.exitCode()).as(facets.err()).isZero();
        assertThat(facets.out()).contains("namespace billing", "workload Deployment/billing-api").doesNotContain("namespace kube-system");
        CliRunner.Result hist = CliRemoteTest.cli("histogram", "--server", server.url(), "--token", billing, "--buckets", "12", "-o", "json");
        assertThat(hist.exitCode()).as(hist.err()).isZero();
        assertThat(hist.out()).contains("\"bucket_ns\":60000000000");
    }
}
