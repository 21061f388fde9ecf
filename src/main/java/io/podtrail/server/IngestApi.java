package io.podtrail.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.podtrail.event.Event;
import io.podtrail.event.SourceFormat;
import io.podtrail.enrich.Enricher;
import io.podtrail.ingest.EventSink;
import io.podtrail.ingest.Formats;
import io.podtrail.ingest.Rejection;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /api/v1/ingest/{k8s-audit,falco,tetragon,events}}: parses the body with the format's adapter,
 * hands the good events to the group committer and answers once they are durable.
 *
 * <p>Answers: 200 {@code {"accepted":N,"duplicates":D,"rejected":[]}} when every record was good; 207 with the
 * rejected lines when some were bad (the good ones are stored, the bad ones kept under DATA/rejected/); 400
 * when none was good; 413 past the size limit; 429 + Retry-After when the queue is full; 503 when the store
 * failed.
 */
final class IngestApi {

    private final Enricher enricher;
    static final int MAX_REJECTIONS_LISTED = 100;

    private final TokenStore tokens;
    private final GroupCommitter committer;
    private final RejectedLog rejectedLog;
    private final Metrics metrics;
    private final long maxBody;
    private final boolean clientCertRequired;

    /**
     * @param clientCertRequired mutual TLS: refuse (403) a request whose connection presented no client
     *                           certificate (the TLS layer has already verified any certificate presented)
     */
    IngestApi(TokenStore tokens, GroupCommitter committer, Enricher enricher, RejectedLog rejectedLog, Metrics metrics,
              long maxBody, boolean clientCertRequired) {
        this.clientCertRequired = clientCertRequired;
        this.enricher = enricher;
        this.tokens = tokens;
        this.committer = committer;
        this.rejectedLog = rejectedLog;
        this.metrics = metrics;
        this.maxBody = maxBody;
    }

    void routes(HttpRouting.Builder r) {
        r.post("/api/v1/ingest/k8s-audit", (req, res) -> ingest(req, res, "k8s-audit", SourceFormat.K8S_AUDIT));
        r.post("/api/v1/ingest/falco", (req, res) -> ingest(req, res, "falco", SourceFormat.FALCO));
        r.post("/api/v1/ingest/tetragon", (req, res) -> ingest(req, res, "tetragon", SourceFormat.TETRAGON));
        r.post("/api/v1/ingest/events", (req, res) -> ingest(req, res, "events", SourceFormat.PODTRAIL));
    }

    private void ingest(ServerRequest req, ServerResponse res, String source, SourceFormat format) {
        String client = "";
        if (clientCertRequired) {
            Optional<Principal> peer = req.remotePeer().tlsPrincipal();
            if (peer.isEmpty()) {
                Http.error(res, 403, "this server requires a client certificate (mutual TLS) to send events; "
                        + "connect with the sensor's certificate and key");
                return;
            }
            client = ", " + peer.get().getName();
        }
        Http.Auth auth = Http.authenticate(tokens, req, res, true);
        if (!auth.ok()) {
            return;
        }
        OptionalLong length = req.headers().contentLength();
        if (length.isPresent() && length.getAsLong() > maxBody) {
            res.header(HeaderNames.CONNECTION, "close");
            Http.error(res, 413, "request body of " + length.getAsLong() + " bytes is larger than the limit of "
                    + maxBody + " bytes; send smaller batches");
            return;
        }
        String origin = "http " + source + " from " + Http.remote(req) + " (" + auth.token().id() + client + ")";
        List<Event> events = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        long bytes;
        try (InputStream body = req.content().inputStream()) {
            LimitedInputStream limited = new LimitedInputStream(body, maxBody);
            Formats.forFormat(format).read(new BufferedInputStream(limited, 1 << 16), origin, new EventSink() {
                @Override
                public void accept(Event event) {
                    enricher.enrich(event);
                    events.add(event);
                }

                @Override
                public void reject(Rejection rejection) {
                    rejections.add(rejection);
                }
            });
            bytes = limited.count();
        } catch (LimitedInputStream.TooLarge e) {
            res.header(HeaderNames.CONNECTION, "close");
            Http.error(res, 413, e.getMessage() + "; send smaller batches");
            return;
        } catch (Exception e) {
            Http.error(res, 400, "cannot read the request body: " + e.getMessage());
            return;
        }
        if (events.isEmpty() && rejections.isEmpty()) {
            Http.error(res, 400, bytes == 0 ? "empty request body" : "no event in the request body");
            return;
        }
        GroupCommitter.Commit commit = null;
        if (!events.isEmpty()) {
            CompletableFuture<GroupCommitter.Commit> f = committer.submit(events);
            if (f == null) {
                metrics.overloaded(source);
                res.header(HeaderNames.RETRY_AFTER, "1");
                Http.error(res, 429, "ingest queue full; retry after 1 second");
                return;
            }
            try {
                commit = f.get(120, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                res.header(HeaderNames.RETRY_AFTER, "5");
                Http.error(res, 503, "storing failed: " + e.getCause().getMessage());
                return;
            } catch (TimeoutException e) {
                // may still be committed: the sender retries and duplicates are detected by id
                res.header(HeaderNames.RETRY_AFTER, "5");
                Http.error(res, 503, "storing took too long; retry (a retried batch is not stored twice)");
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Http.error(res, 503, "interrupted");
                return;
            }
        }
        rejectedLog.keep(rejections);
        metrics.ingested(source, events.size());
        metrics.rejected(source, rejections.size());

        ObjectNode out = Http.JSON.createObjectNode();
        out.put("accepted", events.size());
        Long dups = duplicates(commit, events.size());
        if (dups == null) {
            out.putNull("duplicates");
        } else {
            out.put("duplicates", dups);
        }
        ArrayNode rej = out.putArray("rejected");
        for (Rejection r : rejections.subList(0, Math.min(rejections.size(), MAX_REJECTIONS_LISTED))) {
            rej.addObject().put("line", r.line()).put("reason", r.reason());
        }
        if (rejections.size() > MAX_REJECTIONS_LISTED) {
            out.put("rejected_count", rejections.size());
        }
        if (commit != null) {
            ObjectNode c = out.putObject("commit");
            c.put("requests", commit.requests());
            c.put("events", commit.events());
            c.put("stored", commit.store().stored());
            c.put("duplicates", commit.store().duplicates());
            c.put("merged", commit.store().merged());
        }
        if (events.isEmpty()) {
            Rejection first = rejections.get(0);
            out.put("error", "no valid record: line " + first.line() + ": " + first.reason());
            Http.json(res, 400, out);
        } else {
            Http.json(res, rejections.isEmpty() ? 200 : 207, out);
        }
    }

    /**
     * This request's duplicates: exact when it was committed alone, or when its commit had no duplicates or
     * nothing but duplicates; otherwise null (the store reports one count per commit).
     */
    static Long duplicates(GroupCommitter.Commit c, long events) {
        if (c == null) {
            return 0L;
        }
        if (c.requests() == 1) {
            return c.store().duplicates();
        }
        if (c.store().duplicates() == 0) {
            return 0L;
        }
        if (c.store().stored() == 0 && c.store().merged() == 0 && c.store().duplicates() == c.events()) {
            return events;
        }
        return null;
    }
}
