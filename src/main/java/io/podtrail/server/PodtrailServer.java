package io.podtrail.server;

import io.helidon.common.configurable.Resource;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.podtrail.store.EventStore;
import io.podtrail.correlate.SessionCorrelator;
import io.podtrail.enrich.KubernetesContext;
import io.podtrail.pipeline.TrailWriter;
import io.podtrail.enrich.PodtrailConfig;
import io.podtrail.store.duckdb.DuckDbEventStore;
import io.podtrail.store.duckdb.DuckDbFilterSql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * {@code podtrail serve}: the HTTP API in front of one data directory. {@link #start} opens the trail, the
 * token file, the access log and the group committer, then listens; {@link #close} stops listening, commits
 * what is queued and closes the trail.
 *
 * <p>Routes: ingest ({@link IngestApi}), reads ({@link QueryApi}), {@code /api/v1/openapi.json},
 * {@code /healthz}, {@code /readyz}, {@code /metrics} (the last four open, without a token), and the web UI's
 * static files at {@code /} and {@code /ui/...} ({@link WebUi}, open: they hold no data).
 */
public final class PodtrailServer implements AutoCloseable {

    private static final Set<String> KNOWN_PATHS = Set.of("/api/v1/ingest/k8s-audit", "/api/v1/ingest/falco",
            "/api/v1/ingest/tetragon", "/api/v1/ingest/events", "/api/v1/events", "/api/v1/policy-events", "/api/v1/sessions", "/api/v1/facets", "/api/v1/histogram", "/api/v1/fields",
            "/api/v1/openapi.json", "/healthz", "/readyz", "/metrics", "/");

    private final ServerConfig config;
    private final EventStore store;
    private final KubernetesContext context;
    private final TokenStore tokens;
    private final SessionCorrelator correlator;
    private final GroupCommitter committer;
    private final AccessLog access;
    private final RejectedLog rejected;
    private final Metrics metrics = new Metrics();
    private final Optional<Path> createdAdminToken;
    private WebServer web;

    private final io.podtrail.detect.RuleEngine detector;

    private PodtrailServer(ServerConfig config, io.podtrail.detect.RuleSet rules) {
        this.config = config;
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + config.dataDir(), e);
        }
        this.tokens = new TokenStore(config.dataDir());
        this.createdAdminToken = tokens.bootstrapAdmin();
        this.store = DuckDbEventStore.open(config.dataDir(), DuckDbFilterSql.TEXT_COMPILER);
        try {
            this.context = KubernetesContext.open(config.dataDir());
        } catch (IOException | PodtrailConfig.ConfigException e) {
            store.close();
            throw new IllegalArgumentException("cannot load the Kubernetes context in " + config.dataDir() + ": " + e.getMessage(), e);
        }
        this.correlator = new SessionCorrelator(store.archive());
        this.detector = io.podtrail.detect.RuleEngine.of(rules);
        metrics.policies(detector);
        TrailWriter trail = new TrailWriter(store, correlator, detector);
        metrics.correlation(trail::stats);
        this.committer = new GroupCommitter(trail, config.queueRequests(), config.queueEvents(),
                config.commitEvents(), metrics);
        this.access = new AccessLog(config.dataDir().resolve("access.log"));
        this.rejected = new RejectedLog(config.dataDir().resolve("rejected"));
    }

    /** The Kubernetes context behind enrichment (to add live sources). */
    public KubernetesContext context() {
        return context;
    }

    /**
     * The trail this server writes, for reading in the same process (the demo answers its questions through it);
     * writes go through the ingest API.
     */
    public EventStore store() {
        return store;
    }

    /** Opens everything and starts listening. */
    public static PodtrailServer start(ServerConfig config) {
        return start(config, io.podtrail.detect.RuleLoader.load(io.podtrail.detect.DefaultRules.file()));
    }

    /** Starts with these rules (instead of the default policy set). */
    public static PodtrailServer start(ServerConfig config, io.podtrail.detect.RuleSet rules) {
        PodtrailServer s = new PodtrailServer(config, rules);
        try {
            s.listen();
            if (s.port() < 0) { // Helidon does not throw when the bind fails (port taken): it reports port -1
                throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port());
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void listen() {
        byte[] openapi = resource("openapi.json");
        IngestApi ingest = new IngestApi(tokens, committer, context.enricher(), rejected, metrics, config.maxBodyBytes(),
                config.mutualTls());
        QueryApi query = new QueryApi(tokens, store, access, config.maxQueryLimit());
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter((chain, req, res) -> {
            try {
                chain.proceed();
            } finally {
                String p = req.path().path();
                metrics.http(req.prologue().method().text(), metricPath(p), res.status().code());
            }
        });
        ingest.routes(routing);
        query.routes(routing);
        new WebUi().routes(routing);
        routing.get("/api/v1/openapi.json", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(openapi);
        });
        routing.get("/healthz", (req, res) -> res.send("ok\n"));
        routing.get("/readyz", (req, res) -> {
            if (committer.healthy()) {
                res.send("ready\n");
            } else {
                res.status(503).send("not ready: the writer stopped or failed\n");
            }
        });
        routing.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(metrics.render().getBytes(StandardCharsets.UTF_8));
        });
        var builder = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                .maxConcurrentRequests(config.maxConcurrentRequests())
                .addRouting(routing);
        if (config.tls()) {
            var tls = Tls.builder()
                    .privateKey(k -> k.pem(p -> p.key(Resource.create(config.tlsKey()))))
                    .privateKeyCertChain(k -> k.pem(p -> p.certChain(Resource.create(config.tlsCert()))));
            if (config.mutualTls()) {
                // OPTIONAL, not REQUIRED: every client is asked for a certificate and one that the CAs do not
                // sign fails the handshake, but probes (the kubelet sends none), metrics scrapers and analysts
                // may connect without one; IngestApi refuses ingest requests on a connection without one.
                tls.trust(k -> k.pem(p -> p.certificates(Resource.create(config.tlsClientCa()))))
                        .clientAuth(TlsClientAuth.OPTIONAL);
            }
            builder.tls(tls.build());
        }
        web = builder.build().start();
        if (web.port() <= 0) {
            // Helidon logs a failed bind (address in use) and answers port -1 instead of throwing
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port()
                    + " (address in use or not available)");
        }
    }

    /** The path label of the request metrics: a known path, {@code /ui/*} for any UI file, else {@code other}. */
    private static String metricPath(String p) {
        if (KNOWN_PATHS.contains(p)) {
            return p;
        }
        return p.startsWith("/ui/") ? "/ui/*" : "other";
    }

    private static byte[] resource(String name) {
        try (InputStream in = PodtrailServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return web.port();
    }

    /** http(s)://host:port, with 127.0.0.1 for a wildcard bind. */
    public String url() {
        String h = config.host();
        if (h.equals("0.0.0.0") || h.equals("::")) {
            h = "127.0.0.1";
        } else if (h.contains(":")) {
            h = "[" + h + "]";
        }
        return (config.tls() ? "https" : "http") + "://" + h + ":" + port();
    }

    /** The admin token file this start created (first start on a data directory), if any. */
    public Optional<Path> createdAdminToken() {
        return createdAdminToken;
    }

    public TokenStore tokens() {
        return tokens;
    }

    public ServerConfig config() {
        return config;
    }

    @Override
    public void close() {
        if (web != null) {
            web.stop();
        }
        committer.close();
        access.close();
        rejected.close();
        context.close();
        store.close();
    }
}
