package io.podtrail.simulate;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends sensor output to a running Podtrail server through its ingest endpoints, as the sensors and the API
 * server's audit webhook do: {@code POST /api/v1/ingest/tetragon} with JSON lines, {@code POST
 * /api/v1/ingest/k8s-audit} with an audit {@code EventList}. A 429 or 503 is retried after its Retry-After
 * (the server answers only once the events are durable, and a retried batch is not stored twice).
 */
public final class IngestClient {

    static final String TETRAGON = "/api/v1/ingest/tetragon";

    static final String FALCO = "/api/v1/ingest/falco";
    static final String AUDIT = "/api/v1/ingest/k8s-audit";
    private static final Pattern ACCEPTED = Pattern.compile("\"accepted\"\\s*:\\s*(\\d+)");
    private static final int MAX_ATTEMPTS = 60;

    private final HttpClient http;
    private final String base;
    private final String token;

    public IngestClient(String baseUrl, String token) {
        this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token.strip();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    public String baseUrl() {
        return base;
    }

    /** POSTs Tetragon JSON lines (one event per line); returns the number of events the server accepted. */
    public long postTetragon(String jsonLines) throws IOException, InterruptedException {
        return post(TETRAGON, jsonLines);
    }

    /** POSTs Falco JSON alerts, newline-delimited (as Falco's http_output batches them); returns the accepted count. */
    public long postFalco(String jsonLines) throws IOException, InterruptedException {
        return post(FALCO, jsonLines);
    }

    /** POSTs audit events (one JSON object per element) as one {@code audit.k8s.io/v1 EventList}. */
    public long postAudit(List<String> events) throws IOException, InterruptedException {
        return post(AUDIT, eventList(events));
    }

    static String eventList(List<String> events) {
        StringBuilder sb = new StringBuilder(events.size() * 700 + 64);
        sb.append("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":[");
        for (int i = 0; i < events.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(events.get(i));
        }
        return sb.append("]}").toString();
    }

    private long post(String path, String body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofMinutes(3))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", path.equals(AUDIT) ? "application/json" : "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> res;
            try {
                res = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (ConnectException e) {
                if (attempt >= 5) {
                    throw new IOException("cannot connect to " + base + ": " + e.getMessage(), e);
                }
                Thread.sleep(1000L * attempt);
                continue;
            }
            int code = res.statusCode();
            if (code == 200 || code == 207) {
                Matcher m = ACCEPTED.matcher(res.body());
                return m.find() ? Long.parseLong(m.group(1)) : 0;
            }
            if ((code == 429 || code == 503) && attempt < MAX_ATTEMPTS) {
                Thread.sleep(retryAfterMillis(res.headers().firstValue("Retry-After").orElse(null)));
                continue;
            }
            throw new IOException("POST " + base + path + ": HTTP " + code + ": " + res.body().strip());
        }
    }

    static long retryAfterMillis(String header) {
        if (header != null) {
            try {
                return Math.max(100, Math.min(60_000, Long.parseLong(header.strip()) * 1000));
            } catch (NumberFormatException ignored) {
                // an HTTP date: fall through to the default
            }
        }
        return 1000;
    }
}
