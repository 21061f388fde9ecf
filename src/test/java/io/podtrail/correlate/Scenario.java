package io.podtrail.correlate;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.normalize.Hashing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the events of an arrival-order case: processes in pods (as Tetragon reports them: exec_id, parent
 * exec_id, parent name) and the audit stages of session requests, at times given in seconds from T0. The
 * correlator's clock is the events' time, so a case is fully deterministic.
 */
final class Scenario {

    static final long T0 = 1_800_000_000_000_000_000L;
    static final String NODE = "node-1";

    final SessionCorrelator correlator;
    final Map<String, String> attributed = new LinkedHashMap<>();
    final Map<String, SessionRecord> sessions = new LinkedHashMap<>();
    final List<String> removed = new ArrayList<>();
    final List<Event> seen = new ArrayList<>();

    Scenario() {
        this(SessionCorrelator.Config.defaults(), ProcessArchive.NONE);
    }

    Scenario(SessionCorrelator.Config config, ProcessArchive archive) {
        this.correlator = new SessionCorrelator(config, archive);
    }

    static long at(double seconds) {
        return T0 + (long) (seconds * 1e9);
    }

    /** A process of pod billing/api-1 (container api) unless given otherwise. */
    static Event exec(double t, String execId, String parentExecId, String parentName, String binary, String args) {
        return exec(t, "billing", "api-1", "api", "c0ffee000001", execId, parentExecId, parentName, binary, args);
    }

    static Event exec(double t, String ns, String pod, String container, String containerId, String execId,
                      String parentExecId, String parentName, String binary, String args) {
        Event e = process(EventKind.PROCESS_EXEC, "execve", t, ns, pod, container, containerId, execId, parentExecId,
                parentName, binary, args);
        e.set(Fields.PROC_PID_TS, at(t));
        return e;
    }

    static Event exit(double t, Event exec) {
        Event e = exec.copy();
        e.kind(EventKind.PROCESS_EXIT).set(Fields.TYPE, "procexit").set(Fields.TIME, at(t))
                .set(Fields.ID, Hashing.hash64("exit:" + exec.getString(Fields.PROC_EXEC_ID)));
        return e;
    }

    static Event connect(double t, Event exec, String ip, long port) {
        Event e = exec.copy();
        e.kind(EventKind.NETWORK_CONNECT).set(Fields.TYPE, "connect").set(Fields.TIME, at(t))
                .set(Fields.FD_SIP, ip).set(Fields.FD_SPORT, port)
                .set(Fields.ID, Hashing.hash64("connect:" + exec.getString(Fields.PROC_EXEC_ID) + ":" + t));
        return e;
    }

    private static Event process(EventKind kind, String type, double t, String ns, String pod, String container,
                                 String containerId, String execId, String parentExecId, String parentName,
                                 String binary, String args) {
        Event e = new Event().kind(kind);
        e.set(Fields.ID, Hashing.hash64(kind + ":" + execId));
        e.set(Fields.TIME, at(t));
        e.set(Fields.TYPE, type);
        e.set(Fields.HOSTNAME, NODE);
        e.setIfPresent(Fields.K8S_NS_NAME, ns);
        e.setIfPresent(Fields.K8S_POD_NAME, pod);
        e.setIfPresent(Fields.CONTAINER_NAME, container);
        e.set(Fields.CONTAINER_ID, containerId);
        e.set(Fields.PROC_EXEC_ID, execId);
        e.setIfPresent(Fields.PROC_PEXEC_ID, parentExecId);
        e.setIfPresent(Fields.PROC_PNAME, parentName);
        e.set(Fields.PROC_EXEPATH, binary);
        e.set(Fields.PROC_NAME, binary.substring(binary.lastIndexOf('/') + 1));
        e.set(Fields.PROC_ARGS, args);
        return e;
    }

    /** The audit stages of a session request on billing/api-1 (RequestReceived at t, ResponseStarted, ResponseComplete). */
    static List<Event> execRequest(double t, double end, String auditId, String user, String query, long code) {
        return request(t, end, auditId, user, "billing", "api-1", "exec", "get", query, code);
    }

    static List<Event> request(double t, double end, String auditId, String user, String ns, String pod,
                               String subresource, String verb, String query, long code) {
        List<Event> stages = new ArrayList<>();
        String[] names = code == 101 ? new String[] {"RequestReceived", "ResponseStarted", "ResponseComplete"}
                : new String[] {"RequestReceived", "ResponseComplete"};
        double[] times = code == 101 ? new double[] {t, t + 0.03, end} : new double[] {t, t + 0.003};
        for (int i = 0; i < names.length; i++) {
            Event e = new Event().kind(EventKind.K8S_API);
            e.set(Fields.ID, Hashing.hash64(auditId));
            e.set(Fields.TIME, at(t));
            e.set(Fields.END_TIME, at(times[i]));
            e.set(Fields.TYPE, verb);
            e.set(Fields.SOURCE, "k8s_audit");
            e.set(Fields.KA_AUDITID, auditId);
            e.set(Fields.KA_STAGE, names[i]);
            e.set(Fields.KA_VERB, verb);
            e.set(Fields.KA_URI, "/api/v1/namespaces/" + ns + "/pods/" + pod + "/" + subresource + "?" + query);
            e.set(Fields.KA_USER_NAME, user);
            e.set(Fields.KA_USER_GROUPS, List.of("system:authenticated", "sre"));
            e.set(Fields.KA_SOURCEIPS, List.of("203.0.113.45"));
            e.set(Fields.KA_USERAGENT, "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350");
            e.set(Fields.KA_TARGET_RESOURCE, "pods");
            e.set(Fields.KA_TARGET_SUBRESOURCE, subresource);
            e.set(Fields.KA_TARGET_NAMESPACE, ns);
            e.set(Fields.KA_TARGET_NAME, pod);
            e.set(Fields.K8S_NS_NAME, ns);
            e.set(Fields.K8S_POD_NAME, pod);
            if (i > 0 || code != 101) {
                e.set(Fields.KA_RESPONSE_CODE, code);
            }
            stages.add(e);
        }
        return stages;
    }

    /** Feeds events in the order given and collects what the correlator persists. */
    Scenario feed(Object... eventsOrLists) {
        for (Object o : eventsOrLists) {
            if (o instanceof Event e) {
                one(e);
            } else if (o instanceof List<?> l) {
                for (Object x : l) {
                    one((Event) x);
                }
            } else {
                throw new IllegalArgumentException(String.valueOf(o));
            }
        }
        drain();
        return this;
    }

    private void one(Event e) {
        correlator.accept(e);
        seen.add(e);
    }

    /** Moves the clock (as later sensor events would) and collects the outcome. */
    Scenario advance(double seconds) {
        correlator.advanceTo(at(seconds));
        drain();
        return this;
    }

    private void drain() {
        Attributions a = correlator.drain();
        attributed.putAll(a.processes());
        for (SessionRecord s : a.sessions()) {
            sessions.put(s.id(), s);
        }
        for (String id : a.removed()) {
            sessions.remove(id);
            attributed.values().removeIf(id::equals);
            removed.add(id);
        }
    }

    SessionRecord session(String id) {
        return sessions.get(id);
    }

    /** Exec ids attributed to a session, in attribution order. */
    List<String> processesOf(String sessionId) {
        List<String> out = new ArrayList<>();
        attributed.forEach((p, s) -> {
            if (s.equals(sessionId)) {
                out.add(p);
            }
        });
        return out;
    }
}
