package io.podtrail.correlate;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Kubernetes API request that opens a session into a pod, read from one audit stage: exec and attach
 * (verbs create and get: kubectl 1.30+ upgrades with get), portforward, and ephemeralcontainers (kubectl debug).
 *
 * @param command argv from the repeated {@code command=} parameters (exec only, else empty)
 */
record SessionRequest(String auditId, String kind, String cluster, String namespace, String pod, String container,
                      List<String> command, Boolean tty, Boolean stdin, String userName, List<String> userGroups,
                      String impUserName, String sourceIp, String userAgent, String stage, long received,
                      Long stageTime, Long responseCode) {

    static final String EXEC = "exec";
    static final String ATTACH = "attach";
    static final String PORTFORWARD = "portforward";
    static final String DEBUG = "debug";

    /** The session request this audit event is a stage of, or null when it opens no session. */
    static SessionRequest of(Event e) {
        if (e.kind() != EventKind.K8S_API || !"pods".equals(e.getString(Fields.KA_TARGET_RESOURCE))) {
            return null;
        }
        String sub = e.getString(Fields.KA_TARGET_SUBRESOURCE);
        String verb = e.getString(Fields.KA_VERB);
        String auditId = e.getString(Fields.KA_AUDITID);
        if (sub == null || verb == null || auditId == null) {
            return null;
        }
        String kind = switch (sub) {
            case "exec" -> EXEC;
            case "attach" -> ATTACH;
            case "portforward" -> PORTFORWARD;
            case "ephemeralcontainers" -> DEBUG;
            default -> null;
        };
        if (kind == null) {
            return null;
        }
        boolean opens = kind.equals(DEBUG) ? verb.equals("patch") || verb.equals("update")
                : verb.equals("create") || verb.equals("get");
        if (!opens) {
            return null;
        }
        String ns = e.getString(Fields.KA_TARGET_NAMESPACE);
        String pod = e.getString(Fields.KA_TARGET_NAME);
        if (ns == null || pod == null) {
            return null;
        }
        List<String> command = new ArrayList<>();
        String container = null;
        Boolean tty = null;
        Boolean stdin = null;
        String uri = e.getString(Fields.KA_URI);
        int q = uri == null ? -1 : uri.indexOf('?');
        if (q >= 0) {
            for (String pair : uri.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (k) {
                    case "command" -> command.add(v);
                    case "container" -> container = v;
                    case "tty" -> tty = truthy(v);
                    case "stdin" -> stdin = truthy(v);
                    default -> { }
                }
            }
        }
        if (kind.equals(EXEC) || kind.equals(ATTACH)) {
            tty = tty == null ? Boolean.FALSE : tty;
            stdin = stdin == null ? Boolean.FALSE : stdin;
        }
        List<String> sourceIps = castList(e.get(Fields.KA_SOURCEIPS));
        return new SessionRequest(auditId, kind, e.getString(Fields.K8S_CLUSTER_NAME), ns, pod, container,
                List.copyOf(command), tty, stdin, e.getString(Fields.KA_USER_NAME), castList(e.get(Fields.KA_USER_GROUPS)),
                e.getString(Fields.KA_IMPUSER_NAME), sourceIps == null || sourceIps.isEmpty() ? null : sourceIps.get(0),
                e.getString(Fields.KA_USERAGENT), e.getString(Fields.KA_STAGE), e.time(), e.getLong(Fields.END_TIME),
                e.getLong(Fields.KA_RESPONSE_CODE));
    }

    private static Boolean truthy(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        return s.equals("1") || s.equals("true") || s.equals("yes");
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException ex) {
            return s; // a malformed escape: keep the text as sent
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object o) {
        return o instanceof List<?> l ? (List<String>) l : null;
    }
}
