package io.podtrail.correlate;

import io.podtrail.event.Event;
import io.podtrail.event.Fields;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One exec session as persisted in the store's {@code sessions} table and joined onto every event of its
 * processes (the {@code session.*} fields), plus where it happened.
 *
 * @param confidence exact, ambiguous, unmatched or pending (see {@code session.confidence})
 * @param candidates for an ambiguous session, every root process that fits it equally
 */
public record SessionRecord(String id, String kind, String userName, List<String> userGroups, String impUserName,
                            String sourceIp, String userAgent, List<String> command, String container, Boolean tty,
                            Boolean stdin, Long start, Long end, Boolean allowed, Long responseCode, String confidence,
                            String rootExecId, List<String> candidates, String cluster, String namespace, String pod,
                            String node, String containerId) {

    public static final String EXACT = "exact";
    public static final String AMBIGUOUS = "ambiguous";
    public static final String UNMATCHED = "unmatched";
    public static final String PENDING = "pending";
    public static final String OUTSIDE_API = "outside_api";

    /**
     * The session as JSON-ready key/values named like the fields ({@code session.user.name}, ...) and the place
     * as the scope fields ({@code k8s.cluster.name}, {@code k8s.ns.name}, {@code k8s.pod.name},
     * {@code k8s.node.name}, {@code container.id}); nulls left out.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, Fields.SESSION_ID.name(), id);
        put(m, Fields.SESSION_KIND.name(), kind);
        put(m, Fields.SESSION_USER_NAME.name(), userName);
        put(m, Fields.SESSION_USER_GROUPS.name(), userGroups);
        put(m, Fields.SESSION_IMPUSER_NAME.name(), impUserName);
        put(m, Fields.SESSION_SOURCE_IP.name(), sourceIp);
        put(m, Fields.SESSION_USERAGENT.name(), userAgent);
        put(m, Fields.SESSION_COMMAND.name(), command);
        put(m, Fields.SESSION_CONTAINER.name(), container);
        put(m, Fields.SESSION_TTY.name(), tty);
        put(m, Fields.SESSION_STDIN.name(), stdin);
        put(m, Fields.SESSION_START.name(), start);
        put(m, Fields.SESSION_END.name(), end);
        put(m, Fields.SESSION_ALLOWED.name(), allowed);
        put(m, Fields.SESSION_RESPONSE_CODE.name(), responseCode);
        put(m, Fields.SESSION_CONFIDENCE.name(), confidence);
        put(m, Fields.SESSION_ROOT_EXEC_ID.name(), rootExecId);
        put(m, Fields.SESSION_CANDIDATES.name(), candidates);
        put(m, Fields.K8S_CLUSTER_NAME.name(), cluster);
        put(m, Fields.K8S_NS_NAME.name(), namespace);
        put(m, Fields.K8S_POD_NAME.name(), pod);
        put(m, Fields.K8S_NODE_NAME.name(), node);
        put(m, Fields.CONTAINER_ID.name(), containerId);
        return m;
    }

    /** The inverse of {@link #toMap()} (for the CLI reading the API). */
    public static SessionRecord fromMap(Map<String, Object> m) {
        return new SessionRecord(str(m, Fields.SESSION_ID), str(m, Fields.SESSION_KIND), str(m, Fields.SESSION_USER_NAME),
                list(m, Fields.SESSION_USER_GROUPS), str(m, Fields.SESSION_IMPUSER_NAME), str(m, Fields.SESSION_SOURCE_IP),
                str(m, Fields.SESSION_USERAGENT), list(m, Fields.SESSION_COMMAND), str(m, Fields.SESSION_CONTAINER),
                (Boolean) m.get(Fields.SESSION_TTY.name()), (Boolean) m.get(Fields.SESSION_STDIN.name()),
                num(m, Fields.SESSION_START), num(m, Fields.SESSION_END), (Boolean) m.get(Fields.SESSION_ALLOWED.name()),
                num(m, Fields.SESSION_RESPONSE_CODE), str(m, Fields.SESSION_CONFIDENCE), str(m, Fields.SESSION_ROOT_EXEC_ID),
                list(m, Fields.SESSION_CANDIDATES), str(m, Fields.K8S_CLUSTER_NAME), str(m, Fields.K8S_NS_NAME),
                str(m, Fields.K8S_POD_NAME), str(m, Fields.K8S_NODE_NAME), str(m, Fields.CONTAINER_ID));
    }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    private static String str(Map<String, Object> m, io.podtrail.event.Field f) {
        Object v = m.get(f.name());
        return v == null ? null : v.toString();
    }

    private static Long num(Map<String, Object> m, io.podtrail.event.Field f) {
        return m.get(f.name()) instanceof Number n ? n.longValue() : null;
    }

    @SuppressWarnings("unchecked")
    private static List<String> list(Map<String, Object> m, io.podtrail.event.Field f) {
        return m.get(f.name()) instanceof List<?> l ? (List<String>) l : null;
    }

    /** Sets the session.* fields of an event of one of this session's processes. */
    public void applyTo(Event e, boolean root) {
        e.set(Fields.SESSION_ID, id);
        e.set(Fields.SESSION_KIND, kind);
        e.set(Fields.SESSION_USER_NAME, userName);
        e.set(Fields.SESSION_USER_GROUPS, userGroups);
        e.set(Fields.SESSION_IMPUSER_NAME, impUserName);
        e.set(Fields.SESSION_SOURCE_IP, sourceIp);
        e.set(Fields.SESSION_USERAGENT, userAgent);
        e.set(Fields.SESSION_COMMAND, command);
        e.set(Fields.SESSION_CONTAINER, container);
        e.set(Fields.SESSION_TTY, tty);
        e.set(Fields.SESSION_STDIN, stdin);
        e.set(Fields.SESSION_START, start);
        e.set(Fields.SESSION_END, end);
        e.set(Fields.SESSION_ALLOWED, allowed);
        e.set(Fields.SESSION_RESPONSE_CODE, responseCode);
        e.set(Fields.SESSION_CONFIDENCE, confidence);
        e.set(Fields.SESSION_ROOT, root);
        e.set(Fields.SESSION_ROOT_EXEC_ID, rootExecId);
        e.set(Fields.SESSION_CANDIDATES, candidates);
    }
}
