package io.podtrail.enrich;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A node: its pod CIDRs (where the cluster's pod IPs come from) and addresses. */
public record NodeInfo(String name, List<String> podCidrs, List<String> addresses) {

    public NodeInfo {
        podCidrs = podCidrs == null ? List.of() : List.copyOf(podCidrs);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    Map<String, String> toMap() {
        Map<String, String> m = new TreeMap<>();
        PodInfo.put(m, "podCidrs", String.join(",", podCidrs));
        PodInfo.put(m, "addresses", String.join(",", addresses));
        return m;
    }

    static NodeInfo fromMap(String name, Map<String, String> m) {
        return new NodeInfo(name, split(m.get("podCidrs")), split(m.get("addresses")));
    }

    private static List<String> split(String s) {
        return s == null || s.isEmpty() ? List.of() : List.of(s.split(","));
    }
}
