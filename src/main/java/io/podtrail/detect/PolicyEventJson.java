package io.podtrail.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;
import java.util.List;

/** A policy event as {@code /api/v1/policy-events} and {@code podtrail policy-events -o json} print it. */
public final class PolicyEventJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The scope fields every object carries (null when the triggering event has none). */
    public static final List<Field> SCOPE = List.of(Fields.K8S_CLUSTER_NAME, Fields.K8S_NS_NAME, Fields.K8S_WORKLOAD_KIND,
            Fields.K8S_WORKLOAD_NAME, Fields.K8S_POD_NAME, Fields.CONTAINER_NAME, Fields.CONTAINER_ID, Fields.HOSTNAME,
            Fields.PROC_EXEC_ID);

    private PolicyEventJson() {
    }

    /**
     * {@code rule}, {@code priority}, {@code tags}, {@code output}, {@code evt.time}, {@code source},
     * {@code session.id}, {@code podtrail.id} (the triggering event), the {@link #SCOPE} fields, and
     * {@code event}: every field of the triggering event.
     */
    public static ObjectNode toJson(PolicyEvent p) {
        ObjectNode o = JSON.createObjectNode();
        o.put("rule", p.rule());
        o.put("priority", p.priority().label());
        ArrayNode tags = o.putArray("tags");
        p.tags().forEach(tags::add);
        o.put("output", p.output());
        o.put("evt.time", p.time());
        o.put("source", p.source());
        if (p.sessionId() == null) {
            o.putNull("session.id");
        } else {
            o.put("session.id", p.sessionId());
        }
        o.put("podtrail.id", p.eventId());
        for (Field f : SCOPE) {
            Object v = p.event() == null ? null : p.event().get(f);
            if (v == null) {
                o.putNull(f.name());
            } else {
                o.put(f.name(), v.toString());
            }
        }
        if (p.event() != null) {
            o.set("event", JSON.valueToTree(p.event().toMap()));
        }
        return o;
    }
}
