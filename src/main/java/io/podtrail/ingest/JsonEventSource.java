package io.podtrail.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podtrail.event.Event;
import io.podtrail.normalize.Hashing;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Common reading loop of the JSON adapters: records from {@link JsonRecordReader}, each mapped by
 * {@link #map}; a {@link RecordException} or any unexpected exception becomes a {@link Rejection}.
 */
abstract class JsonEventSource implements EventSource {

    /** One mapper for all adapters (thread-safe once configured). */
    static final ObjectMapper MAPPER = createMapper();

    private static ObjectMapper createMapper() {
        JsonFactory f = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(200)
                        .maxStringLength(JsonRecordReader.MAX_RECORD_BYTES)
                        .build())
                .build();
        ObjectMapper m = new ObjectMapper(f);
        m.disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return m;
    }

    /** The raw bytes of the current record and helpers on them. */
    static final class Raw {
        byte[] buf;
        int off;
        int len;
        long line;

        byte[] copy() {
            return Arrays.copyOfRange(buf, off, off + len);
        }

        long hash() {
            return Hashing.hash64(buf, off, len);
        }

        String text() {
            return JsonRecordReader.payload(buf, off, Math.min(len, JsonRecordReader.MAX_PAYLOAD_CHARS));
        }
    }

    /**
     * A fast mapping of a record that is alone on its line, used before (and instead of) building a
     * tree: returns the event, or null to fall back to the tree-model {@link #map}. Must not emit.
     */
    interface LineMapper {
        Event map(Raw raw) throws IOException;
    }

    /** A line mapper for one {@link #read} call (one thread), or null when the adapter has none. */
    LineMapper acquireLineMapper() {
        return null;
    }

    /** Gives back what {@link #acquireLineMapper} returned, at the end of the read. */
    void releaseLineMapper(LineMapper m) {
    }

    /** Delivers events of one record. */
    interface Emitter {
        void emit(Event e);
    }

    @Override
    public void read(InputStream in, String origin, EventSink sink) throws IOException {
        Raw raw = new Raw();
        LineMapper fast = acquireLineMapper();
        JsonRecordReader.Handler h = new JsonRecordReader.Handler() {
            @Override
            public boolean line(byte[] buf, int off, int len, long line) {
                if (fast == null) {
                    return false;
                }
                raw.buf = buf;
                raw.off = off;
                raw.len = len;
                raw.line = line;
                Event e;
                try {
                    e = fast.map(raw);
                } catch (IOException | RuntimeException | StackOverflowError ex) {
                    return false;
                }
                if (e == null) {
                    return false;
                }
                try {
                    sink.accept(e);
                } catch (EventSink.Failed ex) {
                    throw ex;
                } catch (RuntimeException ex) {
                    sink.reject(new Rejection(origin, line, "internal error mapping the record: " + ex, raw.text()));
                }
                return true;
            }

            @Override
            public void value(JsonNode node, byte[] buf, int off, int len, long line) {
                raw.buf = buf;
                raw.off = off;
                raw.len = len;
                raw.line = line;
                try {
                    map(node, raw, sink::accept);
                } catch (RecordException e) {
                    sink.reject(new Rejection(origin, line, e.getMessage(), raw.text()));
                } catch (EventSink.Failed e) {
                    throw e;
                } catch (RuntimeException | StackOverflowError e) {
                    sink.reject(new Rejection(origin, line, "internal error mapping the record: " + e, raw.text()));
                }
            }

            @Override
            public void error(long line, String message, String payload) {
                sink.reject(new Rejection(origin, line, "invalid JSON: " + message, payload));
            }
        };
        try {
            new JsonRecordReader(MAPPER, in, h).run();
        } finally {
            if (fast != null) {
                releaseLineMapper(fast);
            }
        }
    }

    /** Maps one JSON value to zero or more events; throws {@link RecordException} to reject it. */
    abstract void map(JsonNode node, Raw raw, Emitter out);

    // --- helpers shared by the adapters ---

    static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "missing";
        }
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> n.getNodeType().toString().toLowerCase();
        };
    }

    static void requireObject(JsonNode n, String what) {
        if (!n.isObject()) {
            throw new RecordException("not " + what + ": expected a JSON object, got " + describe(n));
        }
    }

    /** Text of a scalar node, or null for missing/null/containers. */
    static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode() || n.isContainerNode()) {
            return null;
        }
        return n.asText();
    }

    static String text(JsonNode parent, String field) {
        return parent == null ? null : text(parent.get(field));
    }

    /** A long from an integral number or a numeric string; null when absent or not a number. */
    static Long longOf(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n.isNumber()) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? (long) d : null;
        }
        if (n.isTextual()) {
            return parseLong(n.textValue());
        }
        return null;
    }

    static Long longOf(JsonNode parent, String field) {
        return parent == null ? null : longOf(parent.get(field));
    }

    static Long parseLong(String s) {
        if (s == null || s.isEmpty() || s.length() > 20) {
            return null;
        }
        int i = 0;
        boolean neg = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            neg = s.charAt(0) == '-';
            i = 1;
            if (s.length() == 1) {
                return null;
            }
        }
        long v = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            long nv = v * 10 + (c - '0');
            if (nv < v) {
                return null;
            }
            v = nv;
        }
        return neg ? -v : v;
    }

    static String basename(String path) {
        if (path == null) {
            return null;
        }
        int i = path.lastIndexOf('/');
        return i >= 0 && i < path.length() - 1 ? path.substring(i + 1) : path;
    }

    static String shorten(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
