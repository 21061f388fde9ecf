package io.podtrail.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.podtrail.event.SourceFormat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Adapter factory and input format auto-detection. */
public final class Formats {

    /** How much of a stream detection peeks at. */
    public static final int PEEK_BYTES = 64 * 1024;

    private static final Set<String> TETRAGON_KINDS = Set.of("process_exec", "process_exit", "process_kprobe",
            "process_tracepoint", "process_uprobe", "process_lsm", "process_usdt", "process_loader", "process_throttle",
            "rate_limit_info", "process_connect", "process_close", "process_listen");

    private Formats() {
    }

    /** A new adapter for the format. */
    public static EventSource forFormat(SourceFormat format) {
        return switch (format) {
            case K8S_AUDIT -> new K8sAuditSource();
            case TETRAGON -> new TetragonJsonSource();
            case FALCO -> new FalcoJsonSource();
            case PODTRAIL -> new PodtrailJsonSource();
        };
    }

    /** Thrown when the first record matches no known format. */
    public static final class UnknownFormatException extends IOException {
        public UnknownFormatException(String message) {
            super(message);
        }
    }

    /**
     * Detects the format from the first non-blank record, peeking at most {@link #PEEK_BYTES} with
     * mark/reset (the stream is left where it was).
     *
     * @return the format, or empty when the stream has no data (blank or empty)
     * @throws UnknownFormatException when the first record matches no known format
     */
    public static Optional<SourceFormat> detect(BufferedInputStream in) throws IOException {
        in.mark(PEEK_BYTES + 1);
        byte[] buf = new byte[PEEK_BYTES];
        int n = 0;
        try {
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } finally {
            in.reset();
        }
        return detect(buf, 0, n);
    }

    /**
     * Detection on a byte prefix of the input (see {@link #detect(BufferedInputStream)}): the first record
     * that some format recognizes decides, so a broken first line does not hide a good file behind it.
     */
    public static Optional<SourceFormat> detect(byte[] buf, int off, int len) throws UnknownFormatException {
        int end = off + len;
        long line = 1;
        String firstProblem = null;
        int i = off;
        while (i < end) {
            int lineEnd = i;
            while (lineEnd < end && buf[lineEnd] != '\n') {
                lineEnd++;
            }
            int j = i;
            while (j < lineEnd && (buf[j] == ' ' || buf[j] == '\t' || buf[j] == '\r'
                    || (buf[j] == (byte) 0xEF && j + 2 < lineEnd && buf[j + 1] == (byte) 0xBB && buf[j + 2] == (byte) 0xBF))) {
                j += buf[j] == (byte) 0xEF ? 3 : 1;
            }
            if (j < lineEnd) {
                String problem;
                if (buf[j] != '{') {
                    problem = "the first record (line " + line + ") is not a JSON object";
                } else {
                    List<String> keys = new ArrayList<>();
                    SourceFormat f = classify(topLevel(buf, j, end - j, keys));
                    if (f != null) {
                        return Optional.of(f);
                    }
                    problem = "the first record (line " + line + ") has keys " + keys;
                }
                if (firstProblem == null) {
                    firstProblem = problem;
                }
            }
            i = lineEnd + 1;
            line++;
        }
        if (firstProblem == null) {
            return Optional.empty();
        }
        throw new UnknownFormatException("cannot detect the input format: " + firstProblem
                + " and no later record in the first " + (PEEK_BYTES / 1024) + " KiB is recognized; " + EXPECTED);
    }

    /** Top-level keys of the JSON object at buf[from], with scalar values as text and "{}"/"[]" for containers. */
    private static Map<String, String> topLevel(byte[] buf, int from, int len, List<String> keys) {
        Map<String, String> top = new HashMap<>();
        try (JsonParser p = JsonEventSource.MAPPER.getFactory().createParser(buf, from, len)) {
            p.nextToken(); // START_OBJECT
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (keys.size() < 50) {
                    keys.add(name);
                }
                if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    top.put(name, v == JsonToken.START_OBJECT ? "{}" : "[]");
                    p.skipChildren();
                } else {
                    top.put(name, v == JsonToken.VALUE_NULL ? null : p.getText());
                }
            }
        } catch (IOException e) {
            // a truncated or broken record: decide on the keys seen so far
        }
        return top;
    }

    private static final String EXPECTED = "expected a Kubernetes audit event (auditID, stage, kind Event/EventList), "
            + "a Tetragon event (process_exec, process_exit, process_kprobe, ... with node_name/time), "
            + "a Falco alert (rule, priority, output) or a Podtrail native event (podtrail.kind or evt.type); "
            + "give the format explicitly (k8s-audit, tetragon, falco, podtrail)";

    static SourceFormat classify(Map<String, String> top) {
        if (top.containsKey("podtrail.kind") || top.containsKey("evt.type") || top.containsKey("evt.time")) {
            return SourceFormat.PODTRAIL;
        }
        String kind = top.get("kind");
        String apiVersion = top.get("apiVersion");
        boolean auditApi = apiVersion == null || apiVersion.startsWith("audit.k8s.io/");
        if (top.containsKey("auditID") || top.containsKey("stage") && top.containsKey("verb")
                || auditApi && ("Event".equals(kind) || "EventList".equals(kind)) && (apiVersion != null || top.containsKey("items") || top.containsKey("requestURI"))) {
            return SourceFormat.K8S_AUDIT;
        }
        for (String k : top.keySet()) {
            if (TETRAGON_KINDS.contains(k) && "{}".equals(top.get(k))) {
                return SourceFormat.TETRAGON;
            }
        }
        if (top.containsKey("node_name")) {
            for (String k : top.keySet()) {
                if (k.startsWith("process_") && "{}".equals(top.get(k))) {
                    return SourceFormat.TETRAGON;
                }
            }
        }
        boolean rule = top.containsKey("rule") || top.containsKey("Rule");
        if (rule && top.containsKey("priority") && (top.containsKey("output") || top.containsKey("output_fields"))) {
            return SourceFormat.FALCO;
        }
        return null;
    }

    /** Reads {@code in} in the detected format (nothing for an empty stream). */
    public static SourceFormat readDetected(InputStream in, String origin, EventSink sink) throws IOException {
        BufferedInputStream b = in instanceof BufferedInputStream bb ? bb : new BufferedInputStream(in, PEEK_BYTES + 1);
        Optional<SourceFormat> f = detect(b);
        if (f.isEmpty()) {
            return null;
        }
        forFormat(f.get()).read(b, origin, sink);
        return f.get();
    }
}
