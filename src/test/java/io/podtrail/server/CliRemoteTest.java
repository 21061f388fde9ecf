package io.podtrail.server;

import io.podtrail.cli.CliRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** podtrail token create|list|revoke against a running server's data directory, and query/fields --server. */
class CliRemoteTest {

    @TempDir
    Path data;

    static CliRunner.Result cli(String... args) {
        return CliRunner.run(args);
    }

    @Test
    void tokensFromTheCliWorkOnTheRunningServerAndQueriesGoThroughTheApi() throws Exception {
        try (PodtrailServer server = PodtrailServer.start(ServerConfig.defaults(data).withListen("127.0.0.1:0"))) {
            String d = data.toString();
            CliRunner.Result sensor = cli("token", "create", "--data", d, "--role", "sensor");
            assertThat(sensor.exitCode()).as(sensor.err()).isZero();
            String sensorToken = sensor.out().trim();
            CliRunner.Result analyst = cli("token", "create", "--data", d, "--role", "analyst", "--namespaces", "team-a");
            String analystToken = analyst.out().trim();
            assertThat(cli("token", "create", "--data", d, "--role", "sensor", "--namespaces", "x").exitCode()).isEqualTo(2);

            Api api = new Api(server.url());
            String body = ServerApiTest.nativeEvent("team-a", "a1", 1, "alpha") + "\n"
                    + ServerApiTest.nativeEvent("team-b", "b1", 2, "beta") + "\n";
            assertThat(api.post("/api/v1/ingest/events", sensorToken, body).status()).isEqualTo(200);

            CliRunner.Result q = cli("query", "--server", server.url(), "--token", analystToken, "-o", "json", "");
            assertThat(q.exitCode()).as(q.err()).isZero();
            assertThat(q.out().lines()).hasSize(1).allSatisfy(l -> assertThat(l).contains("\"proc.name\":\"alpha\""));
            CliRunner.Result table = cli("query", "--server", server.url(), "--token", analystToken, "proc.name = alpha");
            assertThat(table.out()).contains("team-a/a1", "alpha -x");
            CliRunner.Result bad = cli("query", "--server", server.url(), "--token", analystToken, "proc.name = ");
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).contains("invalid filter", "^");
            CliRunner.Result denied = cli("query", "--server", server.url(), "--token", sensorToken, "");
            assertThat(denied.exitCode()).isEqualTo(2);
            assertThat(denied.err()).contains("403");
            CliRunner.Result fields = cli("fields", "--server", server.url(), "--token", analystToken, "-o", "json", "proc.");
            assertThat(fields.exitCode()).as(fields.err()).isZero();
            assertThat(fields.out()).contains("\"name\":\"proc.name\"").doesNotContain("k8s.ns.name");

            CliRunner.Result list = cli("token", "list", "--data", d);
            assertThat(list.out()).contains("sensor", "analyst", "namespaces=team-a", "admin")
                    .doesNotContain(sensorToken, analystToken);
            String id = list.out().lines().filter(l -> l.contains("sensor")).findFirst().orElseThrow().split("\\s+")[0];
            assertThat(cli("token", "revoke", "--data", d, id).exitCode()).isZero();
            assertThat(api.post("/api/v1/ingest/events", sensorToken, body).status()).isEqualTo(401);
            assertThat(cli("token", "revoke", "--data", d, id).exitCode()).isEqualTo(2);
            assertThat(Files.readString(data.resolve("tokens.json"))).doesNotContain(analystToken);
        }
    }
}
