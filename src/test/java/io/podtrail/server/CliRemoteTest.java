package io.podtrail.server;

import io.podtrail.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** podtrail token create|list|revoke against a running server's data directory, and query/fields --server. */
class CliRemoteTest {

    @TempDir
    Path data;

    record Run(int code, String out, String err) {
    }

    static synchronized Run cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void tokensFromTheCliWorkOnTheRunningServerAndQueriesGoThroughTheApi() throws Exception {
        try (PodtrailServer server = PodtrailServer.start(ServerConfig.defaults(data).withListen("127.0.0.1:0"))) {
            String d = data.toString();
            Run sensor = cli("token", "create", "--data", d, "--role", "sensor");
            assertThat(sensor.code()).as(sensor.err()).isZero();
            String sensorToken = sensor.out().trim();
            Run analyst = cli("token", "create", "--data", d, "--role", "analyst", "--namespaces", "team-a");
            String analystToken = analyst.out().trim();
            assertThat(cli("token", "create", "--data", d, "--role", "sensor", "--namespaces", "x").code()).isEqualTo(2);

            Api api = new Api(server.url());
            String body = ServerApiTest.nativeEvent("team-a", "a1", 1, "alpha") + "\n"
                    + ServerApiTest.nativeEvent("team-b", "b1", 2, "beta") + "\n";
            assertThat(api.post("/api/v1/ingest/events", sensorToken, body).status()).isEqualTo(200);

            Run q = cli("query", "--server", server.url(), "--token", analystToken, "-o", "json", "");
            assertThat(q.code()).as(q.err()).isZero();
            assertThat(q.out().lines()).hasSize(1).allSatisfy(l -> assertThat(l).contains("\"proc.name\":\"alpha\""));
            Run table = cli("query", "--server", server.url(), "--token", analystToken, "proc.name = alpha");
            assertThat(table.out()).contains("team-a/a1", "alpha -x");
            Run bad = cli("query", "--server", server.url(), "--token", analystToken, "proc.name = ");
            assertThat(bad.code()).isEqualTo(2);
            assertThat(bad.err()).contains("invalid filter", "^");
            Run denied = cli("query", "--server", server.url(), "--token", sensorToken, "");
            assertThat(denied.code()).isEqualTo(2);
            assertThat(denied.err()).contains("403");
            Run fields = cli("fields", "--server", server.url(), "--token", analystToken, "-o", "json", "proc.");
            assertThat(fields.code()).as(fields.err()).isZero();
            assertThat(fields.out()).contains("\"name\":\"proc.name\"").doesNotContain("k8s.ns.name");

            Run list = cli("token", "list", "--data", d);
            assertThat(list.out()).contains("sensor", "analyst", "namespaces=team-a", "admin")
                    .doesNotContain(sensorToken, analystToken);
            String id = list.out().lines().filter(l -> l.contains("sensor")).findFirst().orElseThrow().split("\\s+")[0];
            assertThat(cli("token", "revoke", "--data", d, id).code()).isZero();
            assertThat(api.post("/api/v1/ingest/events", sensorToken, body).status()).isEqualTo(401);
            assertThat(cli("token", "revoke", "--data", d, id).code()).isEqualTo(2);
            assertThat(Files.readString(data.resolve("tokens.json"))).doesNotContain(analystToken);
        }
    }
}
