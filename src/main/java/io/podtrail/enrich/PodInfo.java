package io.podtrail.enrich;

import java.util.Map;
import java.util.TreeMap;

/**
 * A pod as it was during one interval: where it ran, its controller and its labels.
 *
 * @param ownerKind kind of the controller ownerReference (ReplicaSet, StatefulSet, DaemonSet, Job, ...), null for a bare pod
 */
public record PodInfo(String ns, String name, String uid, String node, String ownerKind, String ownerName,
                      String ownerUid, Map<String, String> labels) {

    public PodInfo {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    Map<String, String> toMap() {
        Map<String, String> m = new TreeMap<>();
        put(m, "ns", ns);
        put(m, "name", name);
        put(m, "node", node);
        put(m, "ownerKind", ownerKind);
        put(m, "ownerName", ownerName);
        put(m, "ownerUid", ownerUid);
        labels.forEach((k, v) -> m.put("label." + k, v));
        return m;
    }

    static PodInfo fromMap(String uid, Map<String, String> m) {
        Map<String, String> labels = new TreeMap<>();
        m.forEach((k, v) -> {
            if (k.startsWith("label.")) {
                labels.put(k.substring(6), v);
            }
        });
        return new PodInfo(m.get("ns"), m.get("name"), uid, m.get("node"), m.get("ownerKind"), m.get("ownerName"),
                m.get("ownerUid"), labels);
    }

    static void put(Map<String, String> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }
}
