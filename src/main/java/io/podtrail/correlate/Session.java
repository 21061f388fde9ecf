package io.podtrail.correlate;

import java.util.ArrayList;
import java.util.List;

/** A session as the correlator tracks it (mutable, owned by the correlator's thread). */
final class Session {
    final String id;
    final String kind;
    SessionRequest request; // null for an outside_api session
    String cluster;
    String namespace;
    String pod;
    String container;
    String node;
    String containerId;
    long received;
    Long start;
    Long end;
    Long responseCode;
    String confidence = SessionRecord.PENDING;
    Proc root;
    List<String> candidates;
    /** The matching window has closed: no new root can come. */
    boolean decided;
    private SessionRecord record;

    Session(String id, String kind) {
        this.id = id;
        this.kind = kind;
    }

    boolean outsideApi() {
        return SessionRecord.OUTSIDE_API.equals(kind);
    }

    /** A session whose root is a process the request started (exec, debug): attach and port-forward start none. */
    boolean startsProcess() {
        return SessionRequest.EXEC.equals(kind) || SessionRequest.DEBUG.equals(kind);
    }

    Boolean allowed() {
        if (responseCode == null) {
            return null;
        }
        return responseCode == 101 || (responseCode >= 200 && responseCode < 300);
    }

    void changed() {
        record = null;
    }

    SessionRecord record() {
        if (record == null) {
            SessionRequest r = request;
            record = new SessionRecord(id, kind, r == null ? null : r.userName(), r == null ? null : r.userGroups(),
                    r == null ? null : r.impUserName(), r == null ? null : r.sourceIp(), r == null ? null : r.userAgent(),
                    r == null ? (root == null ? null : commandOf(root)) : r.command().isEmpty() ? null : r.command(),
                    container != null ? container : root == null ? null : root.container, r == null ? null : r.tty(),
                    r == null ? null : r.stdin(), start, end, allowed(), responseCode, confidence,
                    root == null ? null : root.execId, candidates == null ? null : List.copyOf(candidates), cluster,
                    namespace, pod, node != null ? node : root == null ? null : root.node,
                    containerId != null ? containerId : root == null ? null : root.containerId);
        }
        return record;
    }

    private static List<String> commandOf(Proc p) {
        List<String> argv = new ArrayList<>();
        argv.add(p.name);
        if (p.args != null && !p.args.isBlank()) {
            argv.add(p.args);
        }
        return argv;
    }
}
