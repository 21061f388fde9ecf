package io.podtrail.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTPS with the certificate and key from PEM files (as {@code tls: {cert, key}} in the config), against the JDK's
 * HTTP client; the certificates are made at test time ({@link TestPki}).
 */
class TlsTest {

    @TempDir
    Path dir;

    private static HttpClient client(TestPki.Ca trusted) {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .sslContext(TestPki.context(trusted, null)).build();
    }

    private PodtrailServer start(TestPki.Issued cert, TestPki.KeyFormat format) throws IOException {
        Path tls = Files.createDirectories(dir.resolve("tls"));
        Path[] pem = TestPki.writeServerPem(tls, cert, format);
        return PodtrailServer.start(ServerConfig.defaults(dir.resolve("data")).withListen("127.0.0.1:0").withTls(pem[0], pem[1]));
    }

    /** PKCS#8 keys (RSA and EC) and PKCS#1 RSA keys, as the config's Javadoc promises. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"PKCS8, EC", "PKCS8, RSA", "PKCS1, RSA"})
    void ingestsAndQueriesOverHttps(TestPki.KeyFormat format, String keyType) throws IOException {
        TestPki.Ca ca = TestPki.Ca.create("podtrail test CA");
        TestPki.Issued server = ca.server(keyType.equals("RSA"));
        if (format == TestPki.KeyFormat.PKCS1) {
            assertThat(TestPki.pem(server.key())).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        }
        try (PodtrailServer s = start(server, format)) {
            assertThat(s.url()).startsWith("https://127.0.0.1:");
            String admin = Files.readString(dir.resolve("data/admin.token")).trim();
            Api api = new Api(s.url(), client(ca));
            String body = ServerApiTest.nativeEvent("tls", "p1", 1, "alpha") + "\n"
                    + ServerApiTest.nativeEvent("tls", "p1", 2, "beta") + "\n"
                    + ServerApiTest.nativeEvent("tls", "p2", 3, "gamma") + "\n";
            Api.Reply r = api.post("/api/v1/ingest/events", admin, body);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("accepted").asInt()).isEqualTo(3);
            assertThat(r.raw().sslSession()).isPresent();

            Api.Reply q = api.events(admin, "k8s.ns.name = tls", 10);
            assertThat(q.status()).isEqualTo(200);
            assertThat(q.json().get("events").findValuesAsText("proc.name")).containsExactlyInAnyOrder("alpha", "beta", "gamma");
            assertThat(api.get("/healthz", null).status()).isEqualTo(200);
        }
    }

    @Test
    void plainHttpToTheTlsPortGetsNoAnswer() throws IOException {
        TestPki.Ca ca = TestPki.Ca.create("podtrail test CA");
        try (PodtrailServer s = start(ca.server(false), TestPki.KeyFormat.PKCS8)) {
            Api plain = new Api(s.url().replace("https://", "http://"));
            assertThatThrownBy(() -> plain.get("/healthz", null)).isInstanceOf(UncheckedIOException.class);
            // the server is still fine for TLS clients afterwards
            assertThat(new Api(s.url(), client(ca)).get("/healthz", null).status()).isEqualTo(200);
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCaFailsTheHandshake() throws IOException {
        TestPki.Ca ca = TestPki.Ca.create("podtrail test CA");
        TestPki.Ca other = TestPki.Ca.create("some other CA");
        try (PodtrailServer s = start(ca.server(false), TestPki.KeyFormat.PKCS8)) {
            String admin = Files.readString(dir.resolve("data/admin.token")).trim();
            for (Api api : new Api[] {new Api(s.url(), client(null)), new Api(s.url(), client(other))}) {
                assertThatThrownBy(() -> api.post("/api/v1/ingest/events", admin, ServerApiTest.nativeEvent("x", "p", 1, "x")))
                        .isInstanceOf(UncheckedIOException.class)
                        .hasCauseInstanceOf(SSLHandshakeException.class);
            }
            assertThat(new Api(s.url(), client(ca)).events(admin, "k8s.ns.name = x", 10).json().get("events").size()).isZero();
        }
    }

    /** Helidon does not throw when the port is taken; the server must, so that callers (the demo) can fall back. */
    @Test
    void aTakenPortFailsTheStart() throws IOException {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(() -> PodtrailServer.start(ServerConfig.defaults(dir.resolve("data"))
                    .withListen("127.0.0.1:" + taken.getLocalPort())))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
        // the data directory is released: a second start on another port works
        try (PodtrailServer s = PodtrailServer.start(ServerConfig.defaults(dir.resolve("data")).withListen("127.0.0.1:0"))) {
            assertThat(s.port()).isPositive();
        }
    }

    @Test
    void configFileTlsPathsAreRelativeToTheFileAndClientCaNeedsCertAndKey() throws IOException {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        for (String f : new String[] {"tls.crt", "tls.key", "sensors.crt"}) {
            Files.writeString(etc.resolve(f), "x");
        }
        Path file = etc.resolve("podtrail.yaml");
        Files.writeString(file, "tls:\n  cert: tls.crt\n  key: tls.key\n  clientCa: sensors.crt\n");
        ServerConfig c = ServerConfig.load(file, ServerConfig.defaults(dir.resolve("data")));
        assertThat(c.tls()).isTrue();
        assertThat(c.mutualTls()).isTrue();
        assertThat(c.tlsClientCa()).isEqualTo(etc.resolve("sensors.crt").toAbsolutePath());

        Files.writeString(file, "tls:\n  clientCa: sensors.crt\n");
        assertThatThrownBy(() -> ServerConfig.load(file, ServerConfig.defaults(dir.resolve("data"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both cert and key");

        Files.writeString(file, "tls:\n  cert: tls.crt\n  key: tls.key\n  clientCA: sensors.crt\n");
        assertThatThrownBy(() -> ServerConfig.load(file, ServerConfig.defaults(dir.resolve("data"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown key 'tls.clientCA'");

        Files.writeString(file, "tls:\n  cert: tls.crt\n  key: tls.key\n  clientCa: missing.crt\n");
        assertThatThrownBy(() -> ServerConfig.load(file, ServerConfig.defaults(dir.resolve("data"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read");
    }
}
