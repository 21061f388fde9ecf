package io.podtrail.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The web UI's static files over HTTP: open, from the jar, typed, revalidated by ETag; the data stays behind tokens. */
class WebUiTest {

    @TempDir
    static Path data;
    static PodtrailServer server;
    static Api api;

    @BeforeAll
    static void start() {
        server = PodtrailServer.start(ServerConfig.defaults(data).withListen("127.0.0.1:0"));
        api = new Api(server.url());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theIndexAndItsModulesAreServedWithoutAToken() {
        Api.Reply index = api.get("/", null);
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.header("Content-Type")).startsWith("text/html");
        assertThat(index.header("Content-Security-Policy")).contains("default-src 'self'", "frame-ancestors 'none'");
        assertThat(index.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(index.body()).contains("<script type=\"module\" src=\"/ui/app.js\">").doesNotContain("http://", "https://");
        for (String module : new String[]{"app.js", "api.js", "activity.js", "histogram.js", "table.js", "tree.js", "filterbar.js",
                "detail.js", "format.js", "kinds.js", "login.js"}) {
            Api.Reply r = api.get("/ui/" + module, null);
            assertThat(r.status()).as(module).isEqualTo(200);
            assertThat(r.header("Content-Type")).as(module).isEqualTo("text/javascript; charset=utf-8");
            // the SVG namespace is a name, not an address that is fetched
            assertThat(r.body().replace("'http://www.w3.org/2000/svg'", "")).as(module + " loads nothing from elsewhere")
                    .doesNotContain("https://", "http://");
        }
        assertThat(api.get("/ui/style.css", null).header("Content-Type")).startsWith("text/css");
        assertThat(api.get("/ui/icon.svg", null).header("Content-Type")).isEqualTo("image/svg+xml");
    }

    @Test
    void anUnchangedFileIsRevalidatedWith304() throws Exception {
        Api.Reply first = api.get("/ui/app.js", null);
        String etag = first.header("ETag");
        assertThat(etag).startsWith("\"");
        HttpResponse<String> again = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "/ui/app.js"))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void onlyTheUiFolderIsReachable() {
        assertThat(api.get("/ui/missing.js", null).status()).isEqualTo(404);
        assertThat(api.get("/ui/..%2Fopenapi.json", null).status()).isEqualTo(404);
        assertThat(api.get("/ui/.hidden.js", null).status()).isEqualTo(404);
        assertThat(api.get("/ui/WebUi.class", null).status()).isEqualTo(404);
    }

    @Test
    void theDataStillNeedsAToken() throws Exception {
        assertThat(api.get("/api/v1/events", null).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/facets", null).status()).isEqualTo(401);
        String admin = Files.readString(data.resolve("admin.token")).strip();
        assertThat(api.get("/api/v1/fields", admin).status()).isEqualTo(200);
    }
}
