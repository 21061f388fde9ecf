package io.podtrail.enrich;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The history log as append-only JSON lines in {@code DATA/context/history.jsonl}, one record per line:
 * <pre>
 * {"kind":"POD_IP","cluster":"prod","key":"10.244.1.7","value":{"name":"web-1","ns":"shop","uid":"..."},"from":1700000000000000000,"to":null}
 * </pre>
 * Times are nanoseconds since the epoch, {@code "to":null} while open. {@link #flush} writes buffered lines and
 * fsyncs. A torn last line (a crash mid-write) is skipped on load and counted in {@link #skippedLines}.
 */
public final class FileHistoryLog implements HistoryLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final StringBuilder pending = new StringBuilder();
    private long skipped;

    public FileHistoryLog(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** The log of data directory {@code dataDir}: {@code dataDir/context/history.jsonl}. */
    public static FileHistoryLog inDataDir(Path dataDir) throws IOException {
        return new FileHistoryLog(dataDir.resolve("context").resolve("history.jsonl"));
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized void append(HistoryRecord r) {
        pending.append(toJson(r)).append('\n');
        if (pending.length() > 1 << 16) {
            write();
        }
    }

    @Override
    public synchronized void flush() {
        write();
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync " + file, e);
        }
    }

    private void write() {
        if (pending.isEmpty()) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(pending.toString().getBytes(StandardCharsets.UTF_8));
        try {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
        pending.setLength(0);
    }

    @Override
    public synchronized void load(Consumer<HistoryRecord> into) {
        write();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                HistoryRecord r;
                try {
                    r = fromJson(line);
                } catch (IllegalArgumentException | JsonProcessingException e) {
                    skipped++;
                    continue;
                }
                into.accept(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Lines that could not be read back (a torn last line after a crash). */
    public synchronized long skippedLines() {
        return skipped;
    }

    @Override
    public synchronized void close() {
        try {
            flush();
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + file, e);
            }
        }
    }

    static String toJson(HistoryRecord r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", r.kind().name());
        o.put("cluster", r.cluster());
        o.put("key", r.key());
        ObjectNode v = o.putObject("value");
        new TreeMap<>(r.value()).forEach(v::put);
        o.put("from", r.from());
        if (r.open()) {
            o.putNull("to");
        } else {
            o.put("to", r.to());
        }
        return o.toString();
    }

    static HistoryRecord fromJson(String line) throws JsonProcessingException {
        JsonNode o = JSON.readTree(line);
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Map<String, String> value = new TreeMap<>();
        JsonNode v = o.path("value");
        for (Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            value.put(e.getKey(), e.getValue().asText());
        }
        JsonNode to = o.get("to");
        if (!o.path("from").isIntegralNumber() || o.path("kind").isMissingNode() || o.path("key").isMissingNode()) {
            throw new IllegalArgumentException("incomplete record");
        }
        return new HistoryRecord(HistoryRecord.Kind.valueOf(o.path("kind").asText()), o.path("cluster").asText(),
                o.path("key").asText(), value, o.path("from").asLong(),
                to == null || to.isNull() ? HistoryRecord.OPEN : to.asLong());
    }
}
