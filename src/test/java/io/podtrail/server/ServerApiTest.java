package io.podtrail.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The API over real HTTP against a server on a temporary data directory. */
class ServerApiTest {

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

    static Path fixtures() {
        String p = System.getProperty("podtrail.fixtures");
        Path dir = p == null ? null : Path.of(p);
        Assumptions.assumeTrue(dir != null && Files.isDirectory(dir), "fixtures absent");
        return dir;
    }

    static String nativeEvent(String ns, String pod, int i, String cmd) {
        return "{\"evt.time\":" + (1_700_000_000_000_000_000L + i * 1000L) + ",\"evt.type\":\"execve\",\"evt.hostname\":\"node-1\","
                + "\"proc.pid\":" + i + ",\"proc.name\":\"" + cmd + "\",\"proc.cmdline\":\"" + cmd + " -x\","
                + "\"k8s.ns.name\":\"" + ns + "\",\"k8s.pod.name\":\"" + pod + "\"}";
    }

    @Test
    void firstStartCreatesAnAdminTokenReadableOnlyByItsOwner() throws IOException {
        assertThat(server.createdAdminToken()).contains(data.resolve("admin.token"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("admin.token")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("tokens.json")))).isEqualTo("rw-------");
        assertThat(Files.readString(data.resolve("tokens.json"))).contains("sha256").doesNotContain(admin);
        assertThat(admin).startsWith("ptk_");
    }

    @Test
    void k8sAuditEventListsAsTheWebhookSendsThem() throws IOException {
        Path dir = fixtures().resolve("falco-k8s-audit-traces");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        int sent = 0;
        for (Path f : files) {
            // a few of Falco's traces are deliberately not audit events: send the real ones
            List<String> items = Files.readAllLines(f).stream().filter(l -> l.contains("\"kind\":\"Event\"")).toList();
            if (items.isEmpty()) {
                continue;
            }
            String body = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":["
                    + String.join(",", items) + "]}";
            Api.Reply r = api.post("/api/v1/ingest/k8s-audit", admin, body);
            assertThat(r.status()).as(f + ": " + r.body()).isIn(200, 207);
            sent += r.json().get("accepted").asInt();
        }
        assertThat(sent).isGreaterThan(40);
        JsonNode page = api.events(admin, "ka.target.subresource = exec", 100).json();
        assertThat(page.get("events")).isNotEmpty();
        assertThat(page.get("events").get(0).get("ka.verb").asText()).isNotEmpty();
        JsonNode all = api.events(admin, "podtrail.format = \"k8s-audit\"", 1000).json();
        assertThat(all.get("events").size()).isGreaterThan(30);
    }

    @Test
    void falcoAlertsOnePerRequestAndAsABatch() throws IOException {
        List<String> lines = Files.readAllLines(fixtures().resolve("falco-json-output/single_rule_with_cat_write.json"))
                .stream().filter(l -> !l.isBlank()).toList();
        for (String line : lines) {
            Api.Reply r = api.post("/api/v1/ingest/falco", admin, line);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("accepted").asInt()).isEqualTo(1);
        }
        Api.Reply batch = api.post("/api/v1/ingest/falco", admin, String.join("\n", lines) + "\n");
        assertThat(batch.status()).isEqualTo(200);
        assertThat(batch.json().get("accepted").asInt()).isEqualTo(lines.size());
        assertThat(batch.json().get("duplicates").asInt()).as("same alerts again").isEqualTo(lines.size());
        JsonNode page = api.events(admin, "falco.rule = open_from_cat", 100).json();
        assertThat(page.get("events").size()).isEqualTo(lines.size());
    }

    @Test
    void tetragonExportLines() throws IOException {
        String body = Files.readString(fixtures().resolve("tetragon/testdata_events.json"));
        Api.Reply r = api.post("/api/v1/ingest/tetragon", admin, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        int n = r.json().get("accepted").asInt();
        assertThat(n).isPositive();
        JsonNode page = api.events(admin, "podtrail.format = tetragon", 100).json();
        assertThat(page.get("events").size()).isEqualTo(n);
        assertThat(page.get("events").get(0).has("proc.exec_id")).isTrue();
    }

    @Test
    void badBodyIs400NamingTheLine() {
        Api.Reply r = api.post("/api/v1/ingest/events", admin, "{\"evt.time\": 1, \"proc.nmae\": \"x\"}\n");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("rejected").get(0).get("line").asInt()).isEqualTo(1);
        assertThat(r.json().get("rejected").get(0).get("reason").asText()).contains("proc.nmae");
        assertThat(api.post("/api/v1/ingest/falco", admin, "").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/ingest/k8s-audit", admin, "{not json").status()).isEqualTo(400);
    }

    @Test
    void mixedBatchKeepsTheGoodLinesAndTheBadOnesUnderRejected() throws IOException {
        String body = nativeEvent("mixed", "p", 1, "good1") + "\n"
                + "{\"evt.time\": \"yesterday\", \"evt.type\": \"execve\"}\n"
                + nativeEvent("mixed", "p", 3, "good3") + "\n"
                + "not json at all\n";
        Api.Reply r = api.post("/api/v1/ingest/events", admin, body);
        assertThat(r.status()).as(r.body()).isEqualTo(207);
        JsonNode j = r.json();
        assertThat(j.get("accepted").asInt()).isEqualTo(2);
        List<Integer> lines = new ArrayList<>();
        j.get("rejected").forEach(x -> lines.add(x.get("line").asInt()));
        assertThat(lines).contains(2);
        assertThat(api.events(admin, "k8s.ns.name = mixed", 10).json().get("events").size()).isEqualTo(2);
        try (Stream<Path> s = Files.list(data.resolve("rejected"))) {
            String kept = String.join("\n", s.map(p -> {
                try {
                    return Files.readString(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList());
            assertThat(kept).contains("yesterday");
        }
    }

    @Test
    void authMatrix() {
        TokenStore tokens = new TokenStore(data);
        String sensor = tokens.create(Role.SENSOR, List.of(), List.of()).secret();
        String analystA = tokens.create(Role.ANALYST, List.of("team-a"), List.of()).secret();
        String analyst = tokens.create(Role.ANALYST, List.of(), List.of()).secret();
        String body = nativeEvent("team-a", "a1", 11, "alpha") + "\n" + nativeEvent("team-b", "b1", 12, "beta") + "\n";

        assertThat(api.post("/api/v1/ingest/events", null, body).status()).isEqualTo(401);
        assertThat(api.post("/api/v1/ingest/events", "ptk_wrong", body).status()).isEqualTo(401);
        assertThat(api.post("/api/v1/ingest/events", analyst, body).status()).isEqualTo(403);
        assertThat(api.post("/api/v1/ingest/events", sensor, body).status()).isEqualTo(200);
        // Falco's http_output can only carry credentials in the URL: Basic with the token as password
        java.net.http.HttpRequest basic = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.url() + "/api/v1/ingest/events"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        ("falco:" + sensor).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
        try (var client = java.net.http.HttpClient.newHttpClient()) {
            assertThat(client.send(basic, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        assertThat(api.events(null, "", 10).status()).isEqualTo(401);
        assertThat(api.events("ptk_wrong", "", 10).status()).isEqualTo(401);
        assertThat(api.events(sensor, "", 10).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/fields", sensor).status()).isEqualTo(403);

        JsonNode b = api.events(analystA, "k8s.ns.name = team-b", 100).json();
        assertThat(b.get("events")).isEmpty();
        JsonNode everything = api.events(analystA, "", 1000).json();
        assertThat(everything.get("events")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.path("k8s.ns.name").asText()).isEqualTo("team-a"));
        JsonNode orTrick = api.events(analystA, "k8s.ns.name = team-b or proc.name = beta", 100).json();
        assertThat(orTrick.get("events")).isEmpty();
        assertThat(api.events(analyst, "k8s.ns.name = team-b", 10).json().get("events")).hasSize(1);
        assertThat(api.events(admin, "k8s.ns.name in (team-a, team-b)", 10).json().get("events")).hasSize(2);

        // revoked while running: refused from the next request
        String id = tokens.list().stream().filter(t -> t.role() == Role.SENSOR).findFirst().orElseThrow().id();
        assertThat(new TokenStore(data).revoke(id)).isTrue();
        assertThat(api.post("/api/v1/ingest/events", sensor, body).status()).isEqualTo(401);
    }

    @Test
    void filterErrorsAre400WithTheColumn() {
        Api.Reply r = api.events(admin, "proc.name = bash and", 10);
        assertThat(r.status()).isEqualTo(400);
        JsonNode d = r.json().get("diagnostics").get(0);
        assertThat(d.get("column").asInt()).isPositive();
        assertThat(r.json().get("error").asText()).contains("column");
        Api.Reply unknown = api.events(admin, "proc.nmae = bash", 10);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("diagnostics").get(0).get("column").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/events?limit=0", admin).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/events?from=yesterday", admin).status()).isEqualTo(400);
    }

    @Test
    void pagesWithCursorNewestFirst() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            body.append(nativeEvent("paging", "p", 100 + i, "page")).append('\n');
        }
        assertThat(api.post("/api/v1/ingest/events", admin, body.toString()).status()).isEqualTo(200);
        List<Long> pids = new ArrayList<>();
        String cursor = null;
        do {
            String q = "/api/v1/events?limit=10&filter=k8s.ns.name%20%3D%20paging" + (cursor == null ? "" : "&cursor=" + cursor);
            JsonNode page = api.get(q, admin).json();
            page.get("events").forEach(e -> pids.add(e.get("proc.pid").asLong()));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        assertThat(pids).hasSize(25).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    }

    @Test
    void fieldsOpenapiHealthMetricsAndAccessLog() throws IOException {
        JsonNode fields = api.get("/api/v1/fields", admin).json();
        assertThat(fields.get("fields").findValuesAsText("name")).contains("proc.name", "k8s.ns.name");
        JsonNode openapi = api.get("/api/v1/openapi.json", null).json();
        assertThat(openapi.get("openapi").asText()).startsWith("3.");
        assertThat(openapi.get("paths").has("/api/v1/events")).isTrue();
        assertThat(api.get("/healthz", null).status()).isEqualTo(200);
        assertThat(api.get("/readyz", null).status()).isEqualTo(200);
        api.post("/api/v1/ingest/events", admin, nativeEvent("metrics", "m", 999, "m") + "\n");
        String metrics = api.get("/metrics", null).body();
        assertThat(metrics).contains("podtrail_ingest_events_total{source=\"events\"}",
                "podtrail_ingest_queue_depth", "podtrail_commit_seconds_count",
                "podtrail_http_requests_total{method=\"POST\",path=\"/api/v1/ingest/events\",status=\"200\"}");
        api.events(admin, "proc.name = m", 5);
        String log = "";
        for (int i = 0; i < 100 && !log.contains("proc.name = m"); i++) { // written right after the answer
            sleep();
            log = Files.readString(data.resolve("access.log"));
        }
        assertThat(log).contains("\"filter\":\"proc.name = m\"", "\"results\":1", "\"role\":\"admin\"");
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void oversizedBodyIs413() {
        try (PodtrailServer small = PodtrailServer.start(ServerConfig.defaults(data.resolve("small"))
                .withListen("127.0.0.1:0").withLimits(1024, 4, 1000, 1000))) {
            String token = small.createdAdminToken().map(p -> {
                try {
                    return Files.readString(p).trim();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).orElseThrow();
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                body.append(nativeEvent("big", "p", i, "x")).append('\n');
            }
            Api.Reply r = new Api(small.url()).post("/api/v1/ingest/events", token, body.toString());
            assertThat(r.status()).isEqualTo(413);
        }
    }
}
