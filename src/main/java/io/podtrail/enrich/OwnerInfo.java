package io.podtrail.enrich;

import java.util.Map;
import java.util.TreeMap;

/** A controller object (ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, CronJob) and its own controller. */
public record OwnerInfo(String uid, String kind, String ns, String name, String ownerKind, String ownerName,
                        String ownerUid) {

    Map<String, String> toMap() {
        Map<String, String> m = new TreeMap<>();
        PodInfo.put(m, "kind", kind);
        PodInfo.put(m, "ns", ns);
        PodInfo.put(m, "name", name);
        PodInfo.put(m, "ownerKind", ownerKind);
        PodInfo.put(m, "ownerName", ownerName);
        PodInfo.put(m, "ownerUid", ownerUid);
        return m;
    }

    static OwnerInfo fromMap(String uid, Map<String, String> m) {
        return new OwnerInfo(uid, m.get("kind"), m.get("ns"), m.get("name"), m.get("ownerKind"), m.get("ownerName"),
                m.get("ownerUid"));
    }
}
