package io.podtrail.correlate;

import io.podtrail.event.Event;
import io.podtrail.event.Fields;

import java.util.List;

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
