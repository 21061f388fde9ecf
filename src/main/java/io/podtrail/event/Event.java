package io.podtrail.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One normalized event: a value per stored catalogue field ({@link Fields#stored()}), plus the
 * original payload as received, kept for forensics.
 *
 * <p>Values are {@link String}, {@link Long} (LONG and TIME), {@link Boolean}, {@code List<String>}
 * or {@code Map<String,String>} according to the field's {@link FieldType}; absent values are null.
 * Not thread-safe: an event is built by one adapter thread and then handed on, not shared while mutated.
 */
public final class Event {

    private final Object[] values = new Object[Fields.stored().size()];
    private byte[] raw;

    public Event() {
    }

    /** A copy with the same values and payload (values themselves are immutable or copied on set). */
    public Event copy() {
        Event e = new Event();
        System.arraycopy(values, 0, e.values, 0, values.length);
        e.raw = raw;
        return e;
    }

    public Event set(Field field, Object value) {
        if (!field.stored()) {
            throw new IllegalArgumentException(field.name() + " is computed at query time and cannot be set");
        }
        values[field.index()] = check(field, value);
        return this;
    }

    /** Sets the value only when it is not null and, for strings, not empty. */
    public Event setIfPresent(Field field, Object value) {
        if (value == null || (value instanceof String s && s.isEmpty())) {
            return this;
        }
        return set(field, value);
    }

    public Object get(Field field) {
        return field.stored() ? values[field.index()] : null;
    }

    public String getString(Field field) {
        Object v = get(field);
        return v == null ? null : v.toString();
    }

    public Long getLong(Field field) {
        return (Long) get(field);
    }

    public long time() {
        Long t = getLong(Fields.TIME);
        return t == null ? 0L : t;
    }

    public long id() {
        Long id = getLong(Fields.ID);
        return id == null ? 0L : id;
    }

    public EventKind kind() {
        String k = getString(Fields.KIND);
        return k == null ? EventKind.OTHER : EventKind.fromLabel(k);
    }

    public Event kind(EventKind kind) {
        return set(Fields.KIND, kind.label());
    }

    /** The original payload (UTF-8 JSON as received), or null. */
    public byte[] raw() {
        return raw;
    }

    public Event raw(byte[] payload) {
        this.raw = payload;
        return this;
    }

    public Event raw(String payload) {
        return raw(payload == null ? null : payload.getBytes(StandardCharsets.UTF_8));
    }

    /** The non-null values by field name, in catalogue order (for JSON output and tests). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Field f : Fields.stored()) {
            Object v = values[f.index()];
            if (v != null) {
                m.put(f.name(), v);
            }
        }
        return m;
    }

    private static Object check(Field field, Object value) {
        if (value == null) {
            return null;
        }
        boolean ok = switch (field.type()) {
            case STRING, IP -> value instanceof String;
            case LONG, TIME -> value instanceof Long;
            case BOOL -> value instanceof Boolean;
            case STRING_LIST -> value instanceof List<?>;
            case STRING_MAP -> value instanceof Map<?, ?>;
        };
        if (!ok) {
            throw new IllegalArgumentException(field.name() + " expects " + field.type() + " but got "
                    + value.getClass().getSimpleName() + " " + value);
        }
        if (value instanceof List<?> l) {
            return List.copyOf(l);
        }
        if (value instanceof Map<?, ?> mp) {
            return Map.copyOf(mp);
        }
        return value;
    }

    @Override
    public String toString() {
        return "Event" + toMap();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e && Arrays.equals(values, e.values) && Arrays.equals(raw, e.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}
