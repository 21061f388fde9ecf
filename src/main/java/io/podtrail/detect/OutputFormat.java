package io.podtrail.detect;

import io.podtrail.event.Event;
import io.podtrail.query.Condition;
import io.podtrail.query.FilterEvaluator;
import io.podtrail.query.FilterResolver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A rule's output format compiled once: literal text and {@code %field} / {@code %field[arg]} / {@code %(field)}
 * placeholders, replaced by the event's values as Falco prints them ({@code <NA>} when absent or when Podtrail
 * has no such field). {@code %container.info} prints container id and image. Immutable and thread-safe.
 */
public final class OutputFormat {

    private final String format;
    private final List<Object> parts; // String literal or Function<Event, String>
    private final List<String> unknownFields;

    private OutputFormat(String format, List<Object> parts, List<String> unknownFields) {
        this.format = format;
        this.parts = parts;
        this.unknownFields = unknownFields;
    }

    public static OutputFormat compile(String format) {
        String f = format == null ? "" : format.strip().replace("%container.info",
                "container_id=%container.id container_image=%container.image");
        List<Object> parts = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < f.length()) {
            char c = f.charAt(i);
            if (c != '%' || i + 1 >= f.length()) {
                lit.append(c);
                i++;
                continue;
            }
            int start = i + 1;
            boolean paren = f.charAt(start) == '(';
            int j = paren ? start + 1 : start;
            while (j < f.length() && (Character.isLetterOrDigit(f.charAt(j)) || f.charAt(j) == '.' || f.charAt(j) == '_')) {
                j++;
            }
            while (j > start && f.charAt(j - 1) == '.') {
                j--; // a sentence's full stop after the field
            }
            String name = f.substring(paren ? start + 1 : start, j);
            String arg = null;
            if (j < f.length() && f.charAt(j) == '[') {
                int close = f.indexOf(']', j);
                if (close > j) {
                    arg = f.substring(j + 1, close);
                    j = close + 1;
                }
            }
            if (paren && j < f.length() && f.charAt(j) == ')') {
                j++;
            }
            if (name.isEmpty() || name.indexOf('.') < 0) {
                lit.append(c);
                i++;
                continue;
            }
            if (!lit.isEmpty()) {
                parts.add(lit.toString());
                lit.setLength(0);
            }
            Optional<Condition.Target> t = FilterResolver.outputTarget(name, arg);
            if (t.isEmpty()) {
                unknown.add(arg == null ? name : name + "[" + arg + "]");
                parts.add("<NA>");
            } else {
                Function<Event, Object> v = FilterEvaluator.valueOf(t.get());
                boolean time = t.get().field().type() == io.podtrail.event.FieldType.TIME;
                Function<Event, String> text = e -> text(v.apply(e), time);
                parts.add(text);
            }
            i = j;
        }
        if (!lit.isEmpty()) {
            parts.add(lit.toString());
        }
        return new OutputFormat(format, List.copyOf(parts), List.copyOf(unknown));
    }

    /** The output with the event's values. */
    @SuppressWarnings("unchecked")
    public String format(Event e) {
        StringBuilder sb = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof String s) {
                sb.append(s);
            } else {
                sb.append(((Function<Event, String>) p).apply(e));
            }
        }
        return sb.toString();
    }

    public String text() {
        return format;
    }

    /** Placeholders naming fields Podtrail does not have (printed as {@code <NA>}). */
    public List<String> unknownFields() {
        return unknownFields;
    }

    static String text(Object v, boolean time) {
        if (v == null) {
            return "<NA>";
        }
        if (time && v instanceof Long l) {
            return Instant.ofEpochSecond(0, l).toString();
        }
        if (v instanceof List<?> l) {
            List<String> items = l.stream().map(String::valueOf).toList();
            return "(" + String.join(",", items) + ")";
        }
        if (v instanceof Map<?, ?> m) {
            List<String> items = new ArrayList<>();
            m.forEach((k, val) -> items.add(k + "=" + val));
            return String.join(",", items);
        }
        return v.toString();
    }
}
