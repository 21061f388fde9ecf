package io.podtrail.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podtrail.event.Event;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --server URL} and {@code --token T} (or $PODTRAIL_TOKEN): read through a running server's API. */
final class RemoteOptions {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--server", paramLabel = "URL",
            description = "Read through a Podtrail server's API (e.g. https://podtrail:7070) instead of --data.")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Bearer token for --server (default: $PODTRAIL_TOKEN).")
    String token;

    boolean remote() {
        return server != null && !server.isBlank();
    }

    /** GETs a path (with its query string) and returns the JSON answer; API errors become user errors. */
    JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        String t = token != null ? token : System.getenv("PODTRAIL_TOKEN");
        if (t == null || t.isBlank()) {
            throw new IllegalArgumentException("--server needs a token: --token TOKEN or $PODTRAIL_TOKEN (podtrail token create)");
        }
        String base = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + t.trim())
                .header("Accept", "application/json")
                .GET().build();
        HttpResponse<String> res;
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            res = client.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IllegalArgumentException("cannot connect to " + base + " (is 'podtrail serve' running there?)");
        }
        JsonNode body;
        try {
            body = JSON.readTree(res.body());
        } catch (IOException e) {
            body = null;
        }
        if (res.statusCode() != 200) {
            String msg = body != null && body.hasNonNull("error") ? body.get("error").asText() : res.body();
            if (body != null && body.hasNonNull("rendered")) {
                msg = "invalid filter\n" + body.get("rendered").asText();
            }
            String text = "server answered " + res.statusCode() + ": " + msg;
            if (res.statusCode() < 500) {
                throw new IllegalArgumentException(text);
            }
            throw new IllegalStateException(text);
        }
        if (body == null) {
            throw new IllegalStateException("server answered with something that is not JSON");
        }
        return body;
    }

    /** An event from the API's JSON (keys are catalogue names), typed as the catalogue says. */
    static Event event(JsonNode o) {
        Event e = new Event();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> en = it.next();
            Field f = Fields.byName(en.getKey()).filter(Field::stored).orElse(null);
            JsonNode v = en.getValue();
            if (f == null || v.isNull()) {
                continue; // a newer server may know more fields
            }
            Object value = switch (f.type()) {
                case STRING, IP -> v.asText();
                case LONG, TIME -> v.asLong();
                case BOOL -> v.asBoolean();
                case STRING_LIST -> {
                    List<String> l = new ArrayList<>();
                    v.forEach(x -> l.add(x.asText()));
                    yield l;
                }
                case STRING_MAP -> {
                    Map<String, String> m = new LinkedHashMap<>();
                    v.fields().forEachRemaining(x -> m.put(x.getKey(), x.getValue().asText()));
                    yield m;
                }
            };
            e.set(f, value);
        }
        return e;
    }
}
