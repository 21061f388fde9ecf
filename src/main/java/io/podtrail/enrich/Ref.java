package io.podtrail.enrich;

import java.util.Map;
import java.util.TreeMap;

/** What an IP address or a name pointed to: a pod (uid, ns, name), a service (ns, name), a node (name), a namespace (uid). */
public record Ref(String uid, String ns, String name) {

    Map<String, String> toMap() {
        Map<String, String> m = new TreeMap<>();
        PodInfo.put(m, "uid", uid);
        PodInfo.put(m, "ns", ns);
        PodInfo.put(m, "name", name);
        return m;
    }

    static Ref fromMap(Map<String, String> m) {
        return new Ref(m.get("uid"), m.get("ns"), m.get("name"));
    }
}
