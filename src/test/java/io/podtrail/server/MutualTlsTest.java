package io.podtrail.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Mutual TLS ({@code tls.clientCa}): sensors present a certificate signed by one of the CAs of the bundle to
 * use the ingest endpoints; a certificate from another CA fails the handshake; reads and probes need no
 * client certificate; tokens are still required on top.
 */
class MutualTlsTest {

    @TempDir
    static Path dir;
    static PodtrailServer server;
    static TestPki.Ca serverCa;
    static TestPki.Ca sensorCa;
    static TestPki.Ca secondSensorCa;
    static TestPki.Ca rogueCa;
    static String admin;
    static String sensor;

    @BeforeAll
    static void start() throws IOException {
        serverCa = TestPki.Ca.create("podtrail server CA");
        sensorCa = TestPki.Ca.create("sensor CA");
        secondSensorCa = TestPki.Ca.create("sensor CA 2");
        rogueCa = TestPki.Ca.create("rogue CA");
        Path tls = Files.createDirectories(dir.resolve("tls"));
        Path[] pem = TestPki.writeServerPem(tls, serverCa.server(false), TestPki.KeyFormat.PKCS8);
        Path bundle = TestPki.writeBundle(tls.resolve("sensor-ca.crt"), sensorCa, secondSensorCa);
        server = PodtrailServer.start(ServerConfig.defaults(dir.resolve("data")).withListen("127.0.0.1:0")
                .withTls(pem[0], pem[1]).withClientCa(bundle));
        admin = Files.readString(dir.resolve("data/admin.token")).trim();
        sensor = server.tokens().create(Role.SENSOR, List.of(), List.of()).secret();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A client trusting the server's CA and presenting {@code cert} (null: none). */
    private static Api as(TestPki.Issued cert) {
        return as(cert, false);
    }

    /** With {@code always}: the certificate is sent even when the server does not list its CA (as curl does). */
    private static Api as(TestPki.Issued cert, boolean always) {
        return new Api(server.url(), HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .sslContext(TestPki.context(serverCa, cert, always)).build());
    }

    private static String events(String ns, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(ServerApiTest.nativeEvent(ns, "p", i + 1, "cmd" + i)).append('\n');
        }
        return b.toString();
    }

    @Test
    void aSensorWithACertificateFromTheBundleIngests() {
        Api node1 = as(sensorCa.client("node-1"));
        Api.Reply r = node1.post("/api/v1/ingest/events", sensor, events("mtls-a", 3));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("accepted").asInt()).isEqualTo(3);

        // the second CA of the bundle is trusted as well
        Api node2 = as(secondSensorCa.client("node-2"));
        assertThat(node2.post("/api/v1/ingest/events", sensor, events("mtls-b", 2)).status()).isEqualTo(200);

        // reads need no client certificate
        Api analyst = as(null);
        assertThat(analyst.events(admin, "k8s.ns.name = \"mtls-a\"", 10).json().get("events").size()).isEqualTo(3);
        assertThat(analyst.events(admin, "k8s.ns.name = \"mtls-b\"", 10).json().get("events").size()).isEqualTo(2);
    }

    @Test
    void withoutAClientCertificateIngestIsRefusedButProbesAndReadsWork() {
        Api none = as(null);
        Api.Reply r = none.post("/api/v1/ingest/events", sensor, events("mtls-none", 1));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("error").asText()).contains("client certificate");
        for (String p : new String[] {"/api/v1/ingest/tetragon", "/api/v1/ingest/falco", "/api/v1/ingest/k8s-audit"}) {
            assertThat(none.post(p, admin, "{}").status()).as(p).isEqualTo(403);
        }
        assertThat(none.get("/healthz", null).status()).isEqualTo(200);
        assertThat(none.get("/metrics", null).status()).isEqualTo(200);
        assertThat(none.events(admin, "k8s.ns.name = \"mtls-none\"", 10).json().get("events").size()).isZero();
    }

    @Test
    void aCertificateFromAnotherCaFailsTheHandshakeOnEveryPath() {
        // as curl, Fluent Bit or Falco (OpenSSL) do: the configured certificate is sent whatever CAs the server lists
        Api rogue = as(rogueCa.client("node-1"), true);
        assertThatThrownBy(() -> rogue.post("/api/v1/ingest/events", sensor, events("mtls-rogue", 1)))
                .isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> rogue.get("/healthz", null)).isInstanceOf(UncheckedIOException.class);
        // a certificate of the server's CA (not in the sensor bundle) is no sensor certificate either
        Api wrong = as(serverCa.client("node-1"), true);
        assertThatThrownBy(() -> wrong.post("/api/v1/ingest/events", sensor, events("mtls-rogue", 1)))
                .isInstanceOf(UncheckedIOException.class);
        // the JDK's own key manager sends no certificate the server's CA list does not name: then it is refused as
        // a connection without one
        assertThat(as(rogueCa.client("node-1")).post("/api/v1/ingest/events", sensor, events("mtls-rogue", 1)).status())
                .isEqualTo(403);
        assertThat(as(null).events(admin, "k8s.ns.name = \"mtls-rogue\"", 10).json().get("events").size()).isZero();
    }

    @Test
    void aClientCertificateDoesNotReplaceTheToken() {
        Api node1 = as(sensorCa.client("node-1"));
        assertThat(node1.post("/api/v1/ingest/events", null, events("mtls-notoken", 1)).status()).isEqualTo(401);
        String analyst = server.tokens().create(Role.ANALYST, List.of(), List.of()).secret();
        assertThat(node1.post("/api/v1/ingest/events", analyst, events("mtls-notoken", 1)).status()).isEqualTo(403);
    }
}
