package io.podtrail.simulate;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ingest client retries 429/503 after Retry-After, sends the bearer token, and wraps audit events in an EventList. */
class IngestClientTest {

    @Test
    void retriesOverloadAfterRetryAfterAndSendsAnEventList() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<Long> times = new CopyOnWriteArrayList<>();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/v1/ingest/", ex -> {
            times.add(System.nanoTime());
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            assertThat(ex.getRequestHeaders().getFirst("Authorization")).isEqualTo("Bearer tok");
            int n = calls.incrementAndGet();
            byte[] body = (n == 1 ? "{\"error\":\"full\"}" : n == 2 ? "{\"error\":\"busy\"}" : "{\"accepted\":2,\"rejected\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            if (n <= 2) {
                ex.getResponseHeaders().add("Retry-After", "1");
            }
            ex.sendResponseHeaders(n == 1 ? 429 : n == 2 ? 503 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        try {
            IngestClient c = new IngestClient("http://127.0.0.1:" + http.getAddress().getPort() + "/", "tok\n");
            assertThat(c.postAudit(List.of("{\"auditID\":\"a\"}", "{\"auditID\":\"b\"}"))).isEqualTo(2);
            assertThat(calls.get()).isEqualTo(3);
            assertThat(bodies).allSatisfy(b -> assertThat(b).startsWith("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\"")
                    .endsWith("\"items\":[{\"auditID\":\"a\"},{\"auditID\":\"b\"}]}"));
            assertThat(times.get(2) - times.get(0)).isGreaterThanOrEqualTo(1_900_000_000L);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void otherErrorsAreNotRetried() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger calls = new AtomicInteger();
        http.createContext("/", ex -> {
            calls.incrementAndGet();
            byte[] body = "{\"error\":\"unknown or revoked token\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        try {
            IngestClient c = new IngestClient("http://127.0.0.1:" + http.getAddress().getPort(), "bad");
            assertThatThrownBy(() -> c.postTetragon("{}\n")).isInstanceOf(IOException.class).hasMessageContaining("HTTP 401")
                    .hasMessageContaining("revoked");
            assertThat(calls.get()).isEqualTo(1);
        } finally {
            http.stop(0);
        }
    }

    @Test
    void retryAfterIsReadInSecondsWithADefault() {
        assertThat(IngestClient.retryAfterMillis("3")).isEqualTo(3000);
        assertThat(IngestClient.retryAfterMillis(null)).isEqualTo(1000);
        assertThat(IngestClient.retryAfterMillis("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(1000);
    }

    @Test
    void timestampsOfSimulatedLines() {
        assertThat(LiveStream.timestampNanos("{\"process_exec\":{\"time\":\"x\"},\"node_name\":\"n\",\"time\":\"2026-01-01T00:00:01.5Z\"}", false))
                .isEqualTo(1767225601_500_000_000L);
        assertThat(LiveStream.timestampNanos("{\"requestReceivedTimestamp\":\"2026-01-01T00:00:00.000001Z\",\"stageTimestamp\":\"2026-01-01T00:00:02.000000Z\"}", true))
                .isEqualTo(1767225602_000_000_000L);
    }
}
