package io.podtrail.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web UI's static files, served from the jar ({@code io/podtrail/server/ui/}): {@code GET /} is
 * {@code index.html}, {@code GET /ui/NAME} the modules, styles and icons. They hold no data and need no token;
 * every piece of data comes from the read API with the user's bearer token.
 *
 * <p>Caching: the files change only with the jar, but carry no version in their names (there is no build step),
 * so every answer says {@code Cache-Control: no-cache} with a strong {@code ETag} (SHA-256 of the content) and
 * a matching {@code If-None-Match} is answered 304 without a body. Files are read once and kept in memory.
 */
final class WebUi {

    private static final String ROOT = "ui/";
    /** Flat names only: no directories, no dot files, so no path can leave the UI folder. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");
    /** Only this origin's scripts, styles and the API; nothing inline, no framing. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private record Asset(byte[] body, String type, String etag) {
    }

    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    void routes(HttpRouting.Builder r) {
        r.get("/", (req, res) -> send(req, res, "index.html"));
        r.get("/index.html", (req, res) -> send(req, res, "index.html"));
        r.get("/ui/{name}", (req, res) -> send(req, res, req.path().pathParameters().get("name")));
    }

    private void send(ServerRequest req, ServerResponse res, String name) {
        Optional<Asset> a = NAME.matcher(name).matches() ? cache.computeIfAbsent(name, WebUi::load) : Optional.empty();
        if (a.isEmpty()) {
            res.status(404);
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.send(("no such file: " + name + "\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        Asset asset = a.get();
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.ETAG, asset.etag());
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        if (asset.type().startsWith("text/html")) {
            res.header(HeaderNames.create("Content-Security-Policy"), CSP);
        }
        boolean fresh = req.headers().first(HeaderNames.IF_NONE_MATCH).map(v -> v.contains(asset.etag())).orElse(false);
        if (fresh) {
            res.status(304);
            res.send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, asset.type());
        res.send(asset.body());
    }

    private static Optional<Asset> load(String name) {
        try (InputStream in = WebUi.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] body = in.readAllBytes();
            String ext = name.substring(name.lastIndexOf('.') + 1);
            String etag = '"' + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16) + '"';
            return Optional.of(new Asset(body, TYPES.get(ext), etag));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
