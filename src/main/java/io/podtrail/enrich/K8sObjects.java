package io.podtrail.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import io.podtrail.enrich.HistoryRecord.Kind;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one Kubernetes object (as the API serves it in JSON) says about the cluster's context: the history
 * records it implies, each starting at the object's own time (creationTimestamp, a container's startedAt, a
 * pod's startTime). Shared by the snapshot reader and the informers so both read objects the same way.
 *
 * <p>Only the fields Podtrail needs are read: metadata name/namespace/uid/labels/ownerReferences/
 * creationTimestamp; for pods spec.nodeName/hostNetwork, status podIP(s)/startTime/phase and
 * (init/ephemeral)containerStatuses[] containerID/image/imageID/state/lastState; node podCIDR(s) and
 * addresses; service clusterIP(s).
 */
final class K8sObjects {

    private K8sObjects() {
    }

    /** The object kinds Podtrail reads and the history kinds each one feeds. */
    static Set<Kind> kindsOf(String objectKind) {
        return switch (objectKind) {
            case "Pod" -> Set.of(Kind.POD, Kind.POD_NAME, Kind.POD_IP, Kind.CONTAINER);
            case "Node" -> Set.of(Kind.NODE, Kind.NODE_IP);
            case "Service" -> Set.of(Kind.SERVICE_IP);
            case "Namespace" -> Set.of(Kind.NAMESPACE);
            case "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob" -> Set.of(Kind.OWNER);
            default -> Set.of();
        };
    }

    /**
     * The records {@code obj} implies. Open records are what holds now; closed ones are past intervals the object
     * still shows (a restarted container's previous ID in lastState, a finished container, a finished pod's IP).
     *
     * @param kind the object's kind when the JSON does not carry it (informers), else null
     */
    static List<HistoryRecord> records(JsonNode obj, String kind, String cluster) {
        String k = kind != null ? kind : text(obj, "kind");
        JsonNode md = obj.path("metadata");
        String uid = text(md, "uid");
        String name = text(md, "name");
        String ns = text(md, "namespace");
        long created = time(text(md, "creationTimestamp"));
        List<HistoryRecord> out = new ArrayList<>();
        if (k == null || name == null) {
            return out;
        }
        switch (k) {
            case "Namespace" -> out.add(rec(Kind.NAMESPACE, cluster, name, new Ref(uid, null, name).toMap(), created));
            case "Node" -> node(obj, name, created, cluster, out);
            case "Service" -> {
                Set<String> ips = new LinkedHashSet<>();
                for (JsonNode ip : obj.path("spec").path("clusterIPs")) {
                    ips.add(ip.asText());
                }
                String single = text(obj.path("spec"), "clusterIP");
                if (single != null) {
                    ips.add(single);
                }
                for (String ip : ips) {
                    if (Ips.key(ip) != null) {
                        out.add(rec(Kind.SERVICE_IP, cluster, ip, new Ref(uid, ns, name).toMap(), created));
                    }
                }
            }
            case "ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob" -> {
                if (uid != null) {
                    JsonNode ctl = controller(md);
                    OwnerInfo o = new OwnerInfo(uid, k, ns, name, text(ctl, "kind"), text(ctl, "name"), text(ctl, "uid"));
                    out.add(rec(Kind.OWNER, cluster, uid, o.toMap(), created));
                }
            }
            case "Pod" -> pod(obj, uid, ns, name, created, cluster, out);
            default -> { }
        }
        return out;
    }

    private static void node(JsonNode obj, String name, long created, String cluster, List<HistoryRecord> out) {
        Set<String> cidrs = new LinkedHashSet<>();
        for (JsonNode c : obj.path("spec").path("podCIDRs")) {
            cidrs.add(c.asText());
        }
        String single = text(obj.path("spec"), "podCIDR");
        if (single != null) {
            cidrs.add(single);
        }
        cidrs.removeIf(c -> !CidrSet.valid(c));
        List<String> addrs = new ArrayList<>();
        for (JsonNode a : obj.path("status").path("addresses")) {
            String type = text(a, "type");
            String ip = text(a, "address");
            if (("InternalIP".equals(type) || "ExternalIP".equals(type)) && Ips.key(ip) != null && !addrs.contains(ip)) {
                addrs.add(ip);
            }
        }
        out.add(rec(Kind.NODE, cluster, name, new NodeInfo(name, List.copyOf(cidrs), addrs).toMap(), created));
        for (String ip : addrs) {
            out.add(rec(Kind.NODE_IP, cluster, ip, new Ref(null, null, name).toMap(), created));
        }
    }

    private static void pod(JsonNode obj, String uid, String ns, String name, long created, String cluster,
                            List<HistoryRecord> out) {
        if (uid == null) {
            return;
        }
        JsonNode md = obj.path("metadata");
        JsonNode spec = obj.path("spec");
        JsonNode status = obj.path("status");
        Map<String, String> labels = new TreeMap<>();
        md.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        JsonNode ctl = controller(md);
        PodInfo p = new PodInfo(ns, name, uid, text(spec, "nodeName"), text(ctl, "kind"), text(ctl, "name"),
                text(ctl, "uid"), labels);
        out.add(rec(Kind.POD, cluster, uid, p.toMap(), created));
        out.add(rec(Kind.POD_NAME, cluster, ns + "/" + name, new Ref(uid, ns, name).toMap(), created));

        long lastFinish = 0;
        boolean terminal = "Succeeded".equals(text(status, "phase")) || "Failed".equals(text(status, "phase"));
        for (String list : List.of("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses")) {
            for (JsonNode cs : status.path(list)) {
                String cname = text(cs, "name");
                String image = text(cs, "image");
                String imageId = text(cs, "imageID");
                String id = text(cs, "containerID");
                JsonNode state = cs.path("state");
                if (id != null) {
                    JsonNode running = state.path("running");
                    JsonNode terminated = state.path("terminated");
                    ContainerInfo c = new ContainerInfo(ClusterHistory.stripRuntime(id), uid, cname, image, imageId);
                    if (terminated.isObject()) {
                        long start = orElse(time(text(terminated, "startedAt")), created);
                        long end = Math.max(start, orElse(time(text(terminated, "finishedAt")), start));
                        lastFinish = Math.max(lastFinish, end);
                        out.add(rec(Kind.CONTAINER, cluster, c.id(), c.toMap(), start).withTo(end));
                    } else {
                        long start = orElse(time(text(running, "startedAt")), created);
                        out.add(rec(Kind.CONTAINER, cluster, c.id(), c.toMap(), start));
                    }
                }
                // the container's previous instance (before its last restart) keeps its ID in lastState
                JsonNode last = cs.path("lastState").path("terminated");
                String lastId = text(last, "containerID");
                if (lastId != null && !lastId.equals(id)) {
                    long start = orElse(time(text(last, "startedAt")), created);
                    long end = Math.max(start, orElse(time(text(last, "finishedAt")), start));
                    ContainerInfo prev = new ContainerInfo(ClusterHistory.stripRuntime(lastId), uid, cname, image, imageId);
                    out.add(rec(Kind.CONTAINER, cluster, prev.id(), prev.toMap(), start).withTo(end));
                }
            }
        }
        if (spec.path("hostNetwork").asBoolean(false)) {
            return; // the pod has its node's address: NODE_IP answers for it
        }
        Set<String> ips = new LinkedHashSet<>();
        for (JsonNode ip : status.path("podIPs")) {
            String s = text(ip, "ip");
            if (s != null) {
                ips.add(s);
            }
        }
        String single = text(status, "podIP");
        if (single != null) {
            ips.add(single);
        }
        long ipFrom = orElse(time(text(status, "startTime")), created);
        for (String ip : ips) {
            if (Ips.key(ip) == null) {
                continue;
            }
            HistoryRecord r = rec(Kind.POD_IP, cluster, ip, new Ref(uid, ns, name).toMap(), ipFrom);
            // a finished pod's IP goes back to the pool when its last container ends
            out.add(terminal && lastFinish > 0 ? r.withTo(Math.max(ipFrom, lastFinish)) : r);
        }
    }

    /** The ownerReference with controller=true (the first one when none says so). */
    private static JsonNode controller(JsonNode md) {
        JsonNode first = null;
        for (JsonNode ref : md.path("ownerReferences")) {
            if (ref.path("controller").asBoolean(false)) {
                return ref;
            }
            if (first == null) {
                first = ref;
            }
        }
        return first == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : first;
    }

    private static HistoryRecord rec(Kind kind, String cluster, String key, Map<String, String> value, long from) {
        return new HistoryRecord(kind, cluster, key, value, from, HistoryRecord.OPEN);
    }

    private static long orElse(long t, long other) {
        return t > 0 ? t : other;
    }

    /** An RFC 3339 timestamp in ns since the epoch; 0 when absent or unreadable. */
    static long time(String rfc3339) {
        if (rfc3339 == null) {
            return 0;
        }
        try {
            Instant i = Instant.parse(rfc3339);
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        String s = v.asText();
        return s.isEmpty() || "None".equals(s) && field.startsWith("clusterIP") ? null : s;
    }
}
