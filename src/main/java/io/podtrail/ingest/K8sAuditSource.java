package io.podtrail.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.podtrail.event.Event;
import io.podtrail.event.EventIds;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.event.SourceFormat;
import io.podtrail.normalize.Hashing;
import io.podtrail.normalize.Times;

import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes API audit events ({@code audit.k8s.io/v1}, {@code v1beta1}, or without apiVersion):
 * the log backend's JSON lines and the webhook backend's {@code EventList} bodies. Each audit event
 * (one stage of one request) becomes one K8S_API event whose {@code podtrail.id} is the hash of the
 * auditID, so the stages of a request share the id; see {@link io.podtrail.normalize.AuditStages}.
 */
public final class K8sAuditSource extends JsonEventSource {

    @Override
    public SourceFormat format() {
        return SourceFormat.K8S_AUDIT;
    }

    @Override
    void map(JsonNode node, Raw raw, Emitter out) {
        requireObject(node, "an audit event");
        JsonNode kind = node.get("kind");
        if (kind != null && kind.isTextual() && "EventList".equals(kind.textValue())) {
            checkApiVersion(node);
            JsonNode items = node.get("items");
            if (items == null || items.isNull()) {
                return; // an empty list
            }
            if (!items.isArray()) {
                throw new RecordException("EventList 'items' is " + describe(items) + ", expected an array");
            }
            // validate all first: a batch is accepted or rejected item by item, with the item index
            List<Event> events = new ArrayList<>(items.size());
            List<String> errors = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                JsonNode item = items.get(i);
                try {
                    requireObject(item, "an audit event");
                    JsonNode ik = item.get("kind");
                    if (ik != null && !(ik.isTextual() && "Event".equals(ik.textValue()))) {
                        throw new RecordException("not an audit event: 'kind' is " + shownValue(ik) + ", expected Event");
                    }
                    byte[] itemRaw;
                    try {
                        itemRaw = MAPPER.writeValueAsBytes(item);
                    } catch (JsonProcessingException e) {
                        itemRaw = null;
                    }
                    events.add(toEvent(item, itemRaw));
                } catch (RecordException e) {
                    errors.add("items[" + i + "]: " + e.getMessage());
                }
            }
            events.forEach(out::emit);
            if (!errors.isEmpty()) {
                throw new RecordException("EventList: " + errors.size() + " of " + items.size()
                        + " items rejected: " + String.join("; ", errors.subList(0, Math.min(5, errors.size())))
                        + (errors.size() > 5 ? "; ..." : ""));
            }
            return;
        }
        if (kind != null && !(kind.isTextual() && "Event".equals(kind.textValue()))) {
            throw new RecordException("not an audit event: 'kind' is " + shownValue(kind) + ", expected Event or EventList");
        }
        out.emit(toEvent(node, raw.copy()));
    }

    private static String shownValue(JsonNode n) {
        return n.isTextual() ? "'" + shorten(n.textValue()) + "'" : shorten(n.toString());
    }

    private static void checkApiVersion(JsonNode node) {
        JsonNode av = node.get("apiVersion");
        if (av != null && !av.isNull() && !(av.isTextual() && av.textValue().startsWith("audit.k8s.io/"))) {
            throw new RecordException("not an audit event: 'apiVersion' is " + shownValue(av) + ", expected audit.k8s.io/v1 or v1beta1");
        }
    }

    static Event toEvent(JsonNode n, byte[] raw) {
        checkApiVersion(n);
        JsonNode idNode = n.get("auditID");
        if (idNode == null || idNode.isNull()) {
            throw new RecordException("missing field 'auditID'");
        }
        if (!idNode.isTextual() || idNode.textValue().isEmpty()) {
            throw new RecordException("'auditID' is " + describe(idNode) + (idNode.isTextual() ? " (empty)" : "") + ", expected a non-empty string");
        }
        String auditId = idNode.textValue();
        Long time = timeField(n, "requestReceivedTimestamp");
        if (time == null) {
            time = timeField(n, "timestamp"); // v1beta1 / v1alpha1
        }
        Long stageTime = timeField(n, "stageTimestamp");
        // Every stage of a request carries its received time, so its stages share the id; without one (a stage's
        // own time differs per stage) the id is the auditID's hash alone.
        long id = time != null ? EventIds.derive(time, Hashing.hash64(auditId)) : Hashing.hash64(auditId);
        if (time == null) {
            time = stageTime;
        }
        if (time == null) {
            throw new RecordException("missing field 'requestReceivedTimestamp' (nor 'timestamp' or 'stageTimestamp')");
        }
        Event e = new Event();
        e.kind(EventKind.K8S_API);
        e.set(Fields.ID, id);
        e.set(Fields.FORMAT, SourceFormat.K8S_AUDIT.id());
        e.set(Fields.SOURCE, "k8s_audit");
        e.set(Fields.TIME, time);
        e.set(Fields.END_TIME, stageTime != null ? Math.max(stageTime, time) : time);
        e.set(Fields.KA_AUDITID, auditId);
        String verb = text(n, "verb");
        e.setIfPresent(Fields.TYPE, verb);
        e.setIfPresent(Fields.KA_VERB, verb);
        e.setIfPresent(Fields.KA_STAGE, text(n, "stage"));
        e.setIfPresent(Fields.KA_LEVEL, text(n, "level"));
        e.setIfPresent(Fields.KA_URI, text(n, "requestURI"));
        JsonNode user = n.get("user");
        if (user != null && user.isObject()) {
            e.setIfPresent(Fields.KA_USER_NAME, text(user, "username"));
            e.setIfPresent(Fields.KA_USER_GROUPS, stringList(user.get("groups")));
        }
        JsonNode imp = n.get("impersonatedUser");
        if (imp != null && imp.isObject()) {
            e.setIfPresent(Fields.KA_IMPUSER_NAME, text(imp, "username"));
        }
        e.setIfPresent(Fields.KA_SOURCEIPS, stringList(n.get("sourceIPs")));
        e.setIfPresent(Fields.KA_USERAGENT, text(n, "userAgent"));
        JsonNode ref = n.get("objectRef");
        if (ref != null && ref.isObject()) {
            String resource = text(ref, "resource");
            String ns = text(ref, "namespace");
            String name = text(ref, "name");
            e.setIfPresent(Fields.KA_TARGET_RESOURCE, resource);
            e.setIfPresent(Fields.KA_TARGET_SUBRESOURCE, text(ref, "subresource"));
            e.setIfPresent(Fields.KA_TARGET_NAMESPACE, ns);
            e.setIfPresent(Fields.KA_TARGET_NAME, name);
            String group = text(ref, "apiGroup");
            if (group != null) {
                e.set(Fields.KA_TARGET_APIGROUP, group);
            } else if (ref.has("apiVersion")) {
                // core group objects carry apiVersion "v1" and no apiGroup
                String av = text(ref, "apiVersion");
                if (av != null && av.indexOf('/') < 0) {
                    e.set(Fields.KA_TARGET_APIGROUP, "");
                }
            }
            if ("pods".equals(resource)) {
                e.setIfPresent(Fields.K8S_NS_NAME, ns);
                e.setIfPresent(Fields.K8S_POD_NAME, name);
                e.setIfPresent(Fields.K8S_POD_UID, text(ref, "uid"));
            }
        }
        JsonNode rs = n.get("responseStatus");
        if (rs != null && rs.isObject()) {
            e.setIfPresent(Fields.KA_RESPONSE_CODE, longOf(rs, "code"));
            e.setIfPresent(Fields.KA_RESPONSE_REASON, text(rs, "reason"));
        }
        JsonNode ann = n.get("annotations");
        if (ann != null && ann.isObject()) {
            e.setIfPresent(Fields.KA_AUTH_DECISION, text(ann, "authorization.k8s.io/decision"));
            e.setIfPresent(Fields.KA_AUTH_REASON, text(ann, "authorization.k8s.io/reason"));
        }
        K8sAuditObjects.extract(n, ref != null && ref.isObject() ? text(ref, "resource") : null, e);
        e.raw(raw);
        return e;
    }

    private static Long timeField(JsonNode n, String field) {
        JsonNode t = n.get(field);
        if (t == null || t.isNull()) {
            return null;
        }
        if (!t.isTextual()) {
            throw new RecordException("unparsable timestamp '" + field + "': " + describe(t) + ", expected an RFC 3339 string");
        }
        try {
            return Times.parseRfc3339Nanos(t.textValue());
        } catch (IllegalArgumentException ex) {
            throw new RecordException("unparsable timestamp '" + field + "': " + ex.getMessage());
        }
    }

    static List<String> stringList(JsonNode a) {
        if (a == null || !a.isArray()) {
            return null;
        }
        List<String> l = new ArrayList<>(a.size());
        for (JsonNode x : a) {
            String s = text(x);
            if (s != null) {
                l.add(s);
            }
        }
        return l;
    }
}
