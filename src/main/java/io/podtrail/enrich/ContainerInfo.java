package io.podtrail.enrich;

import java.util.Map;
import java.util.TreeMap;

/** A container (one container ID: a restart gets a new one) and the pod it belonged to. */
public record ContainerInfo(String id, String podUid, String name, String image, String imageId) {

    Map<String, String> toMap() {
        Map<String, String> m = new TreeMap<>();
        PodInfo.put(m, "podUid", podUid);
        PodInfo.put(m, "name", name);
        PodInfo.put(m, "image", image);
        PodInfo.put(m, "imageId", imageId);
        return m;
    }

    static ContainerInfo fromMap(String id, Map<String, String> m) {
        return new ContainerInfo(id, m.get("podUid"), m.get("name"), m.get("image"), m.get("imageId"));
    }
}
