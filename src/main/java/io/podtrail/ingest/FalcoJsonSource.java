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
 * Falco JSON alerts ({@code json_output: true}; file output, stdout, or http_output bodies with one
 * or more newline-delimited alerts). An alert is both activity and a detection: falco.rule,
 * falco.priority, falco.tags and falco.output are set, and output_fields are mapped onto the
 * catalogue by name. {@code <NA>} values are absent; unknown output fields go to evt.args.
 */
public final class FalcoJsonSource extends JsonEventSource {

    static final String NA = "<NA>";

    @Override
    public SourceFormat format() {
        return SourceFormat.FALCO;
    }

    /** The tag of the rules in integrations/falco/podtrail_activity_rules.yaml. */
    static final String ACTIVITY_TAG = "podtrail";

    @Override
    void map(JsonNode node, Raw raw, Emitter out) {
        requireObject(node, "a Falco alert");
        String rule = text(node, "rule");
        if (rule == null) {
            rule = text(node, "Rule"); // falcosidekick / falco-talon test payloads
        }
        if (rule == null) {
            throw new RecordException("not a Falco alert: missing field 'rule'");
        }
        Event e = new Event();
        e.set(Fields.FORMAT, SourceFormat.FALCO.id());
        JsonNode tags = node.get("tags");
        List<String> tagList = tags != null && tags.isArray() ? K8sAuditSource.stringList(tags) : List.of();
        // Alerts of Podtrail's own catch-all rules (tag "podtrail") report activity, not detections: they are
        // stored as activity only (their rule and output text stay in the original payload), so that every
        // process and connection does not carry a detection's columns. Any other rule is a sensor detection.
        if (!tagList.contains(ACTIVITY_TAG)) {
            e.setIfPresent(Fields.FALCO_RULE, rule);
            e.setIfPresent(Fields.FALCO_PRIORITY, text(node, "priority"));
            e.setIfPresent(Fields.FALCO_OUTPUT, text(node, "output"));
            if (!tagList.isEmpty()) {
                e.set(Fields.FALCO_TAGS, tagList);
            }
        }
        String source = text(node, "source");
        boolean audit = "k8s_audit".equals(source) || "k8saudit".equals(source);
        e.set(Fields.SOURCE, audit ? "k8s_audit" : source == null || source.isEmpty() ? "syscall" : source);
        String hostname = text(node, "hostname");
        e.setIfPresent(Fields.HOSTNAME, hostname);

        Map<String, String> extra = new LinkedHashMap<>();
        Long time = null;
        Long timeIso = null;
        String rip = null;
        Long rport = null;
        String lip = null;
        Long lport = null;
        JsonNode of = node.get("output_fields");
        if (of != null && of.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = of.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> en = it.next();
                String k = en.getKey();
                JsonNode v = en.getValue();
                if (v == null || v.isNull() || (v.isTextual() && (NA.equals(v.textValue()) || v.textValue().isEmpty()))) {
                    continue;
                }
                switch (k) {
                    case "evt.time" -> {
                        time = timeValue(v, k);
                        continue;
                    }
                    case "evt.time.iso8601" -> {
                        timeIso = timeValue(v, k);
                        continue;
                    }
                    case "fd.rip" -> {
                        rip = text(v);
                        continue;
                    }
                    case "fd.lip" -> {
                        lip = text(v);
                        continue;
                    }
                    case "fd.rport" -> {
                        rport = longOf(v);
                        continue;
                    }
                    case "fd.lport" -> {
                        lport = longOf(v);
                        continue;
                    }
                    default -> {
                    }
                }
                Optional<Field> f = Fields.byName(k);
                if (f.isPresent() && f.get().stored() && f.get() != Fields.ID && f.get() != Fields.FORMAT) {
                    Object val = convert(f.get(), v);
                    if (val != null) {
                        e.set(f.get(), val);
                        continue;
                    }
                }
                extra.put(k, v.isContainerNode() ? v.toString() : v.asText());
            }
        }
        if (time == null) {
            time = timeIso;
        }
        if (time == null) {
            JsonNode t = node.get("time");
            if (t != null && !t.isNull()) {
                time = timeValue(t, "time");
            }
        }
        if (time == null) {
            throw new RecordException("missing event time (output_fields 'evt.time' / 'evt.time.iso8601' or top-level 'time')");
        }
        e.set(Fields.TIME, time);
        e.set(Fields.ID, EventIds.derive(time, raw.hash()));

        // kind
        EventKind kind;
        if (audit) {
            kind = EventKind.K8S_API;
            if (e.get(Fields.TYPE) == null) {
                e.setIfPresent(Fields.TYPE, e.getString(Fields.KA_VERB));
            }
        } else {
            kind = EventKinds.fromEvtType(e.getString(Fields.TYPE));
        }
        e.kind(kind);

        // remote/local -> client/server by direction
        if (rip != null || rport != null || lip != null || lport != null) {
            boolean accept = kind == EventKind.NETWORK_ACCEPT;
            if (rip != null) {
                if (e.get(accept ? Fields.FD_CIP : Fields.FD_SIP) == null) {
                    e.set(accept ? Fields.FD_CIP : Fields.FD_SIP, rip);
                }
            }
            if (rport != null && e.get(accept ? Fields.FD_CPORT : Fields.FD_SPORT) == null) {
                e.set(accept ? Fields.FD_CPORT : Fields.FD_SPORT, rport);
            }
            if (lip != null && e.get(accept ? Fields.FD_SIP : Fields.FD_CIP) == null) {
                e.set(accept ? Fields.FD_SIP : Fields.FD_CIP, lip);
            }
            if (lport != null && e.get(accept ? Fields.FD_SPORT : Fields.FD_CPORT) == null) {
                e.set(accept ? Fields.FD_SPORT : Fields.FD_CPORT, lport);
            }
        }

        if (!audit) {
            // process: exepath / exe / name
            String exepath = e.getString(Fields.PROC_EXEPATH);
            String exe = e.getString(Fields.PROC_EXE);
            if (exepath == null && exe != null) {
                e.set(Fields.PROC_EXEPATH, exe);
                exepath = exe;
            } else if (exe == null && exepath != null) {
                e.set(Fields.PROC_EXE, exepath);
            }
            if (e.get(Fields.PROC_NAME) == null && exepath != null) {
                e.setIfPresent(Fields.PROC_NAME, basename(exepath));
            }
            if (e.get(Fields.PROC_EXEC_ID) == null && e.get(Fields.PROC_PID) != null) {
                e.setIfPresent(Fields.PROC_EXEC_ID, ProcessIdentity.execId(hostname, e.getLong(Fields.PROC_PID),
                        e.getLong(Fields.PROC_PID_TS), e.getString(Fields.CONTAINER_ID)));
            }
            if (e.get(Fields.PROC_PEXEC_ID) == null) {
                e.setIfPresent(Fields.PROC_PEXEC_ID, ProcessIdentity.parentExecId(hostname, e.getLong(Fields.PROC_PPID),
                        e.getLong(Fields.PROC_PPID_TS)));
            }
            String cid = e.getString(Fields.CONTAINER_ID);
            String full = e.getString(Fields.CONTAINER_FULL_ID);
            if (cid == null && full != null) {
                e.set(Fields.CONTAINER_ID, full.length() > 12 ? full.substring(0, 12) : full);
            }
        }
        if (!extra.isEmpty()) {
            Object existing = e.get(Fields.ARGS);
            if (existing instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> x : m.entrySet()) {
                    extra.putIfAbsent(String.valueOf(x.getKey()), String.valueOf(x.getValue()));
                }
            }
            e.set(Fields.ARGS, extra);
        }
        e.raw(raw.copy());
        out.emit(e);
    }

    private static Long timeValue(JsonNode v, String name) {
        if (v.isNumber()) {
            Long l = longOf(v);
            if (l == null) {
                throw new RecordException("unparsable time '" + name + "': " + shorten(v.toString()));
            }
            return l;
        }
        if (v.isTextual()) {
            Long l = parseLong(v.textValue());
            if (l != null) {
                return l;
            }
            try {
                return Times.parseRfc3339Nanos(v.textValue());
            } catch (IllegalArgumentException ex) {
                throw new RecordException("unparsable time '" + name + "': " + ex.getMessage());
            }
        }
        throw new RecordException("unparsable time '" + name + "': " + describe(v));
    }

    /** A value for the field from a Falco output value, or null when it does not fit (kept in evt.args). */
    static Object convert(Field f, JsonNode v) {
        switch (f.type()) {
            case LONG, TIME:
                return longOf(v);
            case BOOL:
                if (v.isBoolean()) {
                    return v.booleanValue();
                }
                String b = text(v);
                return "true".equals(b) ? Boolean.TRUE : "false".equals(b) ? Boolean.FALSE : null;
            case STRING_LIST: {
                if (v.isArray()) {
                    return K8sAuditSource.stringList(v);
                }
                String s = text(v);
                if (s == null) {
                    return null;
                }
                return splitList(s);
            }
            case STRING_MAP: {
                if (v.isObject()) {
                    Map<String, String> m = new LinkedHashMap<>();
                    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> x = it.next();
                        m.put(x.getKey(), x.getValue().isContainerNode() ? x.getValue().toString() : x.getValue().asText());
                    }
                    return m;
                }
                String s = text(v);
                if (s == null) {
                    return null;
                }
                // Falco prints maps as "k1:v1, k2:v2" (sometimes in parentheses)
                Map<String, String> m = new LinkedHashMap<>();
                for (String item : splitList(s)) {
                    int c = item.indexOf(':');
                    if (c > 0) {
                        m.put(item.substring(0, c).trim(), item.substring(c + 1).trim());
                    } else if (!item.isEmpty()) {
                        m.put(item, "");
                    }
                }
                return m;
            }
            default:
                if (v.isContainerNode()) {
                    return null;
                }
                return v.asText();
        }
    }

    /** "(a,b,c)" or "a, b, c" or "[a,b]" -> [a, b, c]. */
    static List<String> splitList(String s) {
        String t = s.trim();
        if (t.length() >= 2 && ((t.charAt(0) == '(' && t.charAt(t.length() - 1) == ')')
                || (t.charAt(0) == '[' && t.charAt(t.length() - 1) == ']'))) {
            t = t.substring(1, t.length() - 1);
        }
        List<String> l = new ArrayList<>();
        if (t.isEmpty()) {
            return l;
        }
        int start = 0;
        for (int i = 0; i <= t.length(); i++) {
            if (i == t.length() || t.charAt(i) == ',') {
                String item = t.substring(start, i).trim();
                if (!item.isEmpty()) {
                    l.add(item);
                }
                start = i + 1;
            }
        }
        return l;
    }
}
