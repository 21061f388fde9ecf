package io.podtrail.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.podtrail.event.Event;
import io.podtrail.event.EventIds;
import io.podtrail.event.EventKind;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;
import io.podtrail.event.SourceFormat;
import io.podtrail.normalize.EventKinds;
import io.podtrail.normalize.ProcessIdentity;
import io.podtrail.normalize.Times;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Podtrail native events: one flat JSON object per line keyed by catalogue field names (see
 * docs/native-format.md). Strict: an unknown key or a value of the wrong type rejects the record,
 * naming the key, so typos are caught at ingest.
 */
public final class PodtrailJsonSource extends JsonEventSource {

    @Override
    public SourceFormat format() {
        return SourceFormat.PODTRAIL;
    }

    @Override
    void map(JsonNode node, Raw raw, Emitter out) {
        requireObject(node, "a Podtrail native event");
        Event e = new Event();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> en = it.next();
            String k = en.getKey();
            JsonNode v = en.getValue();
            Optional<Field> of = Fields.byName(k);
            if (of.isEmpty()) {
                String hint = suggest(k);
                throw new RecordException("unknown field '" + shorten(k) + "'" + (hint == null ? "" : " (did you mean '" + hint + "'?)"));
            }
            Field f = of.get();
            if (!f.stored()) {
                throw new RecordException("field '" + k + "' is computed at query time and cannot be given");
            }
            if (v == null || v.isNull()) {
                continue;
            }
            e.set(f, convert(f, v));
        }
        if (e.get(Fields.TIME) == null) {
            throw new RecordException("missing field 'evt.time'");
        }
        String kind = e.getString(Fields.KIND);
        if (kind == null) {
            String type = e.getString(Fields.TYPE);
            if (type == null) {
                throw new RecordException("missing field 'podtrail.kind' (or 'evt.type' to derive it from)");
            }
            e.kind(EventKinds.fromEvtType(type));
        } else {
            try {
                EventKind.fromLabel(kind);
            } catch (IllegalArgumentException ex) {
                throw new RecordException("field 'podtrail.kind': " + ex.getMessage());
            }
        }
        e.set(Fields.FORMAT, SourceFormat.PODTRAIL.id());
        if (e.get(Fields.ID) == null) {
            e.set(Fields.ID, EventIds.derive(e.time(), raw.hash()));
        }
        if (e.get(Fields.SOURCE) == null) {
            e.set(Fields.SOURCE, e.kind() == EventKind.K8S_API ? "k8s_audit" : "syscall");
        }
        if (e.get(Fields.PROC_EXEC_ID) == null && e.get(Fields.PROC_PID) != null) {
            e.set(Fields.PROC_EXEC_ID, ProcessIdentity.execId(e.getString(Fields.HOSTNAME), e.getLong(Fields.PROC_PID),
                    e.getLong(Fields.PROC_PID_TS), e.getString(Fields.CONTAINER_ID)));
        }
        if (e.get(Fields.PROC_PEXEC_ID) == null) {
            e.setIfPresent(Fields.PROC_PEXEC_ID, ProcessIdentity.parentExecId(e.getString(Fields.HOSTNAME),
                    e.getLong(Fields.PROC_PPID), e.getLong(Fields.PROC_PPID_TS)));
        }
        e.raw(raw.copy());
        out.emit(e);
    }

    private static Object convert(Field f, JsonNode v) {
        switch (f.type()) {
            case STRING, IP:
                if (!v.isTextual()) {
                    throw wrong(f, v, "a string");
                }
                return v.textValue();
            case LONG:
                if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                    throw wrong(f, v, "an integer");
                }
                return v.longValue();
            case TIME:
                if (v.isIntegralNumber() && v.canConvertToLong()) {
                    return v.longValue();
                }
                if (v.isTextual()) {
                    try {
                        return Times.parseRfc3339Nanos(v.textValue());
                    } catch (IllegalArgumentException ex) {
                        throw new RecordException("field '" + f.name() + "': " + ex.getMessage());
                    }
                }
                throw wrong(f, v, "an integer (ns since the epoch) or an RFC 3339 string");
            case BOOL:
                if (!v.isBoolean()) {
                    throw wrong(f, v, "a boolean");
                }
                return v.booleanValue();
            case STRING_LIST: {
                if (!v.isArray()) {
                    throw wrong(f, v, "an array of strings");
                }
                List<String> l = new ArrayList<>(v.size());
                for (JsonNode x : v) {
                    if (!x.isTextual()) {
                        throw wrong(f, v, "an array of strings");
                    }
                    l.add(x.textValue());
                }
                return l;
            }
            case STRING_MAP: {
                if (!v.isObject()) {
                    throw wrong(f, v, "an object of string values");
                }
                Map<String, String> m = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> x = it.next();
                    if (!x.getValue().isTextual()) {
                        throw wrong(f, v, "an object of string values");
                    }
                    m.put(x.getKey(), x.getValue().textValue());
                }
                return m;
            }
            default:
                throw wrong(f, v, f.type().toString());
        }
    }

    private static RecordException wrong(Field f, JsonNode v, String expected) {
        return new RecordException("field '" + f.name() + "' is " + describe(v) + ", expected " + expected);
    }

    /** The closest stored field name when the key looks like a typo of one, or null. */
    static String suggest(String key) {
        return Fields.closest(key, true).orElse(null);
    }
}
