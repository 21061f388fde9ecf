package io.podtrail.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * {@code DATA/access.log}: one JSON line per read request, allowed or not: when, who (token id and role),
 * what (method, path, filter, time range) and how many results. Flushed per line.
 */
final class AccessLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter out;

    AccessLog(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
    }

    /** A new entry with time and who; the caller adds what and how many, then {@link #write}s it. */
    ObjectNode entry(TokenStore.Token who, String method, String path, String remote) {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", Instant.now().toString());
        o.put("token", who == null ? null : who.id());
        o.put("role", who == null ? null : who.role().id());
        if (who != null && who.scoped()) {
            o.put("scope", who.scopeText());
        }
        o.put("remote", remote);
        o.put("method", method);
        o.put("path", path);
        return o;
    }

    synchronized void write(ObjectNode entry) {
        try {
            out.write(JSON.writeValueAsString(entry));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the access log", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // closing at shutdown
        }
    }
}
