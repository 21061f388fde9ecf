package io.podtrail.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Small helpers shared by the API handlers: JSON answers, errors, bearer authentication. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    static void json(ServerResponse res, int status, Object body) {
        try {
            res.status(Status.create(status));
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode error(String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        return o;
    }

    static void error(ServerResponse res, int status, String message) {
        json(res, status, error(message));
    }

    static String remote(ServerRequest req) {
        return String.valueOf(req.remotePeer().address());
    }

    /** Outcome of checking a request's bearer token against the roles an endpoint allows. */
    record Auth(TokenStore.Token token, int status, String message) {
        boolean ok() {
            return status == 0;
        }
    }

    /**
     * Checks {@code Authorization: Bearer TOKEN}: 401 without a known token, 403 when its role may not use
     * the endpoint. On failure the answer has been sent.
     */
    static Auth authenticate(TokenStore tokens, ServerRequest req, ServerResponse res, boolean ingest) {
        Optional<String> h = req.headers().first(HeaderNames.AUTHORIZATION);
        String secret = h.map(Http::secret).orElse(null);
        Auth a;
        if (secret == null) {
            a = new Auth(null, 401, "missing bearer token (Authorization: Bearer TOKEN)");
        } else {
            Optional<TokenStore.Token> t = tokens.authenticate(secret);
            if (t.isEmpty()) {
                a = new Auth(null, 401, "unknown or revoked token");
            } else if (ingest ? !t.get().role().mayIngest() : !t.get().role().mayRead()) {
                a = new Auth(t.get(), 403, "a " + t.get().role().id() + " token may not "
                        + (ingest ? "send events" : "read events"));
            } else {
                a = new Auth(t.get(), 0, null);
            }
        }
        if (!a.ok()) {
            if (a.status == 401) {
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"podtrail\"");
            }
            error(res, a.status, a.message);
        }
        return a;
    }

    /**
     * The token of an Authorization header: {@code Bearer TOKEN}, or {@code Basic} with the token as the
     * password (any user name), for senders that can only put credentials in the URL (Falco's http_output:
     * {@code http://falco:TOKEN@podtrail:7070/...}).
     */
    static String secret(String header) {
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String userPass = new String(java.util.Base64.getDecoder().decode(header.substring(6).trim()),
                        java.nio.charset.StandardCharsets.UTF_8);
                int colon = userPass.indexOf(':');
                return colon < 0 ? null : java.net.URLDecoder.decode(userPass.substring(colon + 1),
                        java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }
}
