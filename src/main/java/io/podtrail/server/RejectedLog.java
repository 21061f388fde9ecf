package io.podtrail.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podtrail.ingest.Rejection;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Keeps records the server rejected in {@code DATA/rejected/server-TIMESTAMP-PID.jsonl}, one JSON line each
 * with the same keys as {@code podtrail ingest} writes ({@code rejected_at, origin, line, reason, payload}).
 */
final class RejectedLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);
    private final Path dir;
    private BufferedWriter out;

    RejectedLog(Path dir) {
        this.dir = dir;
    }

    synchronized void keep(List<Rejection> rejections) {
        if (rejections.isEmpty()) {
            return;
        }
        try {
            if (out == null) {
                Files.createDirectories(dir);
                Path p = dir.resolve("server-" + FILE_TIME.format(Instant.now()) + "-" + ProcessHandle.current().pid() + ".jsonl");
                out = Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            for (Rejection r : rejections) {
                ObjectNode o = JSON.createObjectNode();
                o.put("rejected_at", Instant.now().toString());
                o.put("origin", r.origin());
                o.put("line", r.line());
                o.put("reason", r.reason());
                o.put("payload", r.payload());
                out.write(JSON.writeValueAsString(o));
                out.newLine();
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep rejected records under " + dir, e);
        }
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // shutdown
            }
        }
    }
}
