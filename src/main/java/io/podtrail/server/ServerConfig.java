package io.podtrail.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * How {@code podtrail serve} runs. Read from a YAML file ({@link #load}); the command line overrides
 * {@code data} and {@code listen}.
 *
 * <pre>
 * data: /var/lib/podtrail
 * listen: 0.0.0.0:7070
 * tls:                         # optional; PEM files
 *   cert: /etc/podtrail/tls.crt
 *   key: /etc/podtrail/tls.key     # PKCS#8 (BEGIN PRIVATE KEY, RSA or EC) or PKCS#1 RSA (BEGIN RSA PRIVATE KEY)
 *   clientCa: /etc/podtrail/sensor-ca.crt  # optional: mutual TLS; the ingest endpoints need a client
 *                                          # certificate signed by one of these CAs (PEM bundle)
 * limits:
 *   maxBodyBytes: 16777216     # larger request bodies get 413
 *   queueRequests: 256         # ingest requests waiting for the writer; past it 429 + Retry-After
 *   queueEvents: 500000        # events waiting for the writer; past it 429 + Retry-After
 *   commitEvents: 50000        # most events per group commit
 *   maxConcurrentRequests: 256 # HTTP requests in progress; past it 503
 *   maxQueryLimit: 10000       # largest page a query may ask for
 * </pre>
 *
 * @param dataDir               data directory (trail, tokens, access log, rejected records)
 * @param host                  address to bind
 * @param port                  port to bind; 0 picks a free one
 * @param tlsCert               PEM certificate chain, or null for plain HTTP
 * @param tlsKey                PEM private key: PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or EC) or PKCS#1 RSA
 *                              ({@code BEGIN RSA PRIVATE KEY}); not SEC1 ({@code BEGIN EC PRIVATE KEY}) nor
 *                              encrypted; or null
 * @param tlsClientCa           PEM bundle of the CAs that sign sensors' client certificates (mutual TLS), or
 *                              null. When set, the TLS listener asks every client for a certificate (Helidon's
 *                              {@code TlsClientAuth.OPTIONAL}): a certificate that is not signed by one of these
 *                              CAs fails the handshake on every path; the ingest endpoints also refuse a
 *                              connection without one (403), while reads, probes and metrics do not need one
 *                              (tokens still decide who may do what)
 * @param maxBodyBytes          largest accepted request body
 * @param queueRequests         ingest requests that may wait for the writer
 * @param queueEvents           events that may wait for the writer
 * @param commitEvents          most events the writer commits at once
 * @param maxConcurrentRequests HTTP requests served at once
 * @param maxQueryLimit         largest {@code limit} a query may ask for
 */
public record ServerConfig(Path dataDir, String host, int port, Path tlsCert, Path tlsKey, Path tlsClientCa,
                           long maxBodyBytes, int queueRequests, long queueEvents, int commitEvents,
                           int maxConcurrentRequests, int maxQueryLimit) {

    public static final int DEFAULT_PORT = 7070;

    public ServerConfig {
        if (dataDir == null) {
            throw new IllegalArgumentException("no data directory");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("tls needs both cert and key");
        }
        if (tlsClientCa != null && tlsCert == null) {
            throw new IllegalArgumentException("tls.clientCa (mutual TLS) needs tls.cert and tls.key");
        }
        if (maxBodyBytes <= 0 || queueRequests <= 0 || queueEvents <= 0 || commitEvents <= 0
                || maxConcurrentRequests <= 0 || maxQueryLimit <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** Defaults: 127.0.0.1:7070, no TLS, 16 MiB bodies. */
    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig(dataDir, "127.0.0.1", DEFAULT_PORT, null, null, null,
                16L << 20, 256, 500_000, 50_000, 256, 10_000);
    }

    public boolean tls() {
        return tlsCert != null;
    }

    /** Whether sensors must present a client certificate (mutual TLS) on the ingest endpoints. */
    public boolean mutualTls() {
        return tlsClientCa != null;
    }

    public ServerConfig withListen(String hostPort) {
        int i = hostPort.lastIndexOf(':');
        if (i < 0) {
            throw new IllegalArgumentException("--listen: '" + hostPort + "' is not HOST:PORT (e.g. 0.0.0.0:7070)");
        }
        String h = hostPort.substring(0, i);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        int p;
        try {
            p = Integer.parseInt(hostPort.substring(i + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen: '" + hostPort + "' has no port number");
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("--listen: port " + p + " out of range");
        }
        return new ServerConfig(dataDir, h.isEmpty() ? "0.0.0.0" : h, p, tlsCert, tlsKey, tlsClientCa, maxBodyBytes,
                queueRequests, queueEvents, commitEvents, maxConcurrentRequests, maxQueryLimit);
    }

    public ServerConfig withDataDir(Path dir) {
        return new ServerConfig(dir, host, port, tlsCert, tlsKey, tlsClientCa, maxBodyBytes, queueRequests, queueEvents,
                commitEvents, maxConcurrentRequests, maxQueryLimit);
    }

    public ServerConfig withTls(Path cert, Path key) {
        return new ServerConfig(dataDir, host, port, cert, key, tlsClientCa, maxBodyBytes, queueRequests, queueEvents,
                commitEvents, maxConcurrentRequests, maxQueryLimit);
    }

    /** Mutual TLS: the ingest endpoints need a client certificate signed by one of the CAs in this PEM bundle. */
    public ServerConfig withClientCa(Path caBundle) {
        return new ServerConfig(dataDir, host, port, tlsCert, tlsKey, caBundle, maxBodyBytes, queueRequests, queueEvents,
                commitEvents, maxConcurrentRequests, maxQueryLimit);
    }

    public ServerConfig withLimits(long maxBody, int qRequests, long qEvents, int commit) {
        return new ServerConfig(dataDir, host, port, tlsCert, tlsKey, tlsClientCa, maxBody, qRequests, qEvents, commit,
                maxConcurrentRequests, maxQueryLimit);
    }

    private static final Set<String> TOP = Set.of("data", "listen", "tls", "limits");
    private static final Set<String> TLS = Set.of("cert", "key", "clientCa");
    private static final Set<String> LIMITS = Set.of("maxBodyBytes", "queueRequests", "queueEvents", "commitEvents",
            "maxConcurrentRequests", "maxQueryLimit");

    /**
     * Reads a YAML config file. Relative paths in it are resolved against the file's directory. Unknown keys
     * are errors (a typo must not silently turn TLS off).
     *
     * @param base the config to start from (its data dir is kept unless the file sets one)
     */
    public static ServerConfig load(Path file, ServerConfig base) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null || root.isNull() || root.isMissingNode()) {
            return base;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a mapping at the top level");
        }
        checkKeys(file, "", root, TOP);
        Path dir = file.toAbsolutePath().getParent();
        ServerConfig c = base;
        if (root.hasNonNull("data")) {
            c = c.withDataDir(dir.resolve(root.get("data").asText()));
        }
        if (root.hasNonNull("listen")) {
            c = c.withListen(root.get("listen").asText());
        }
        JsonNode tls = root.get("tls");
        if (tls != null && !tls.isNull()) {
            checkKeys(file, "tls.", tls, TLS);
            if (!tls.hasNonNull("cert") || !tls.hasNonNull("key")) {
                throw new IllegalArgumentException(file + ": tls needs both cert and key (PEM files)");
            }
            c = c.withTls(dir.resolve(tls.get("cert").asText()), dir.resolve(tls.get("key").asText()));
            if (tls.hasNonNull("clientCa")) {
                c = c.withClientCa(dir.resolve(tls.get("clientCa").asText()));
            }
        }
        JsonNode l = root.get("limits");
        if (l != null && !l.isNull()) {
            checkKeys(file, "limits.", l, LIMITS);
            c = new ServerConfig(c.dataDir, c.host, c.port, c.tlsCert, c.tlsKey, c.tlsClientCa,
                    l.path("maxBodyBytes").asLong(c.maxBodyBytes),
                    l.path("queueRequests").asInt(c.queueRequests),
                    l.path("queueEvents").asLong(c.queueEvents),
                    l.path("commitEvents").asInt(c.commitEvents),
                    l.path("maxConcurrentRequests").asInt(c.maxConcurrentRequests),
                    l.path("maxQueryLimit").asInt(c.maxQueryLimit));
        }
        for (Path p : new Path[] {c.tlsCert, c.tlsKey, c.tlsClientCa}) {
            if (p != null && !Files.isReadable(p)) {
                throw new IllegalArgumentException(file + ": cannot read " + p);
            }
        }
        return c;
    }

    private static void checkKeys(Path file, String prefix, JsonNode node, Set<String> allowed) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(file + ": " + (prefix.isEmpty() ? "top level" : prefix) + " must be a mapping");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(file + ": unknown key '" + prefix + k + "' (expected one of "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }
}
