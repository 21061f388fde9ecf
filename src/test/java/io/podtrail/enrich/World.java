package io.podtrail.enrich;

import io.podtrail.enrich.HistoryRecord.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The drawn fixture world shared by the enrichment tests: cluster {@code prod}, times in seconds.
 * <pre>
 *  time (s)        0    50   100       150       200  210        300       400
 *  node n1 192.168.1.11, podCIDR 10.244.1.0/24 ├──────────────────────────────────────────▶
 *  node n2 192.168.1.12, podCIDR 10.244.2.0/24 ├──────────────────────────────────────────▶
 *  svc shop/web 10.96.0.10               ├────────────────────────────────────────────────▶
 *  Deployment shop/web ── ReplicaSet web-7d9f (pod-template-hash 7d9f)
 *    pod web-7d9f-aaaaa (p1) n1 10.244.1.5    ├─────────────────────┤ deleted at 200
 *      container app  c1old…                  ├─────────┤ restarted at 150
 *      container app  c1new…                            ├───────────┤
 *    pod web-7d9f-bbbbb (p2) n2 10.244.1.5 (the same IP, reused)     ├────────────────────▶
 *      container app  c2…                                            ├────────────────────▶
 *  StatefulSet shop/db ── pod db-0 (p3) n1 10.244.1.9   ├──────────────────────────────────▶
 *  CronJob shop/nightly ── Job nightly-28000000 ── pod nightly-28000000-x (p4) n2 10.244.2.7   ├──────────┤
 *  ReplicaSet shop/legacy-5c6d (not in history, hash label 5c6d) ── pod legacy-5c6d-q (p6) n2 10.244.2.8 ├──▶
 *  bare pod shop/debug (p7) n1 10.244.1.20, no owner                        ├──────────────────▶
 * </pre>
 */
final class World {

    static final String CLUSTER = "prod";
    static final long S = 1_000_000_000L;
    static final String C1_OLD = "c1000000000aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static final String C1_NEW = "c1000000000bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    static final String C2 = "c2000000000ccccccccccccccccccccccccccccccccccccccccccccccccccccccc";
    static final String C3 = "c3000000000ddddddddddddddddddddddddddddddddddddddddddddddddddddddd";
    static final String C4 = "c4000000000eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
    static final String C6 = "c6000000000fffffffffffffffffffffffffffffffffffffffffffffffffffffff";

    private World() {
    }

    static List<HistoryRecord> records() {
        List<HistoryRecord> r = new ArrayList<>();
        r.add(rec(Kind.NODE, "n1", Map.of("podCidrs", "10.244.1.0/24", "addresses", "192.168.1.11"), 0, null));
        r.add(rec(Kind.NODE, "n2", Map.of("podCidrs", "10.244.2.0/24", "addresses", "192.168.1.12"), 0, null));
        r.add(rec(Kind.NODE_IP, "192.168.1.11", Map.of("name", "n1"), 0, null));
        r.add(rec(Kind.NODE_IP, "192.168.1.12", Map.of("name", "n2"), 0, null));
        r.add(rec(Kind.SERVICE_IP, "10.96.0.10", Map.of("ns", "shop", "name", "web"), 50, null));
        r.add(rec(Kind.OWNER, "d-web", Map.of("kind", "Deployment", "ns", "shop", "name", "web"), 90, null));
        r.add(rec(Kind.OWNER, "rs-web", Map.of("kind", "ReplicaSet", "ns", "shop", "name", "web-7d9f",
                "ownerKind", "Deployment", "ownerName", "web", "ownerUid", "d-web"), 90, null));
        r.add(rec(Kind.OWNER, "sts-db", Map.of("kind", "StatefulSet", "ns", "shop", "name", "db"), 90, null));
        r.add(rec(Kind.OWNER, "cj-n", Map.of("kind", "CronJob", "ns", "shop", "name", "nightly"), 10, null));
        r.add(rec(Kind.OWNER, "job-n", Map.of("kind", "Job", "ns", "shop", "name", "nightly-28000000",
                "ownerKind", "CronJob", "ownerName", "nightly", "ownerUid", "cj-n"), 300, null));
        pod(r, "p1", "web-7d9f-aaaaa", "n1", "10.244.1.5", "ReplicaSet", "web-7d9f", "rs-web",
                Map.of("app", "web", "pod-template-hash", "7d9f"), 100, 200L);
        container(r, C1_OLD, "p1", "app", "nginx:1.25", 100, 150L);
        container(r, C1_NEW, "p1", "app", "nginx:1.25", 150, 200L);
        pod(r, "p2", "web-7d9f-bbbbb", "n2", "10.244.1.5", "ReplicaSet", "web-7d9f", "rs-web",
                Map.of("app", "web", "pod-template-hash", "7d9f"), 210, null);
        container(r, C2, "p2", "app", "nginx:1.25", 210, null);
        pod(r, "p3", "db-0", "n1", "10.244.1.9", "StatefulSet", "db", "sts-db", Map.of("app", "db"), 100, null);
        container(r, C3, "p3", "postgres", "postgres:16", 100, null);
        pod(r, "p4", "nightly-28000000-x", "n2", "10.244.2.7", "Job", "nightly-28000000", "job-n", Map.of(), 300, 400L);
        container(r, C4, "p4", "report", "report:2", 300, 400L);
        pod(r, "p6", "legacy-5c6d-q", "n2", "10.244.2.8", "ReplicaSet", "legacy-5c6d", "rs-legacy",
                Map.of("pod-template-hash", "5c6d"), 300, null);
        container(r, C6, "p6", "legacy", "legacy:1", 300, null);
        pod(r, "p7", "debug", "n1", "10.244.1.20", null, null, null, Map.of(), 250, null);
        return r;
    }

    static ClusterHistory history() {
        ClusterHistory h = new ClusterHistory();
        records().forEach(h::apply);
        return h;
    }

    static void pod(List<HistoryRecord> r, String uid, String name, String node, String ip, String ownerKind,
                    String ownerName, String ownerUid, Map<String, String> labels, long from, Long to) {
        PodInfo p = new PodInfo("shop", name, uid, node, ownerKind, ownerName, ownerUid, labels);
        r.add(rec(Kind.POD, uid, p.toMap(), from, to));
        r.add(rec(Kind.POD_NAME, "shop/" + name, Map.of("uid", uid), from, to));
        r.add(rec(Kind.POD_IP, ip, Map.of("uid", uid, "ns", "shop", "name", name), from, to));
    }

    static void container(List<HistoryRecord> r, String id, String podUid, String name, String image, long from, Long to) {
        r.add(rec(Kind.CONTAINER, id, Map.of("podUid", podUid, "name", name, "image", image), from, to));
    }

    static HistoryRecord rec(Kind kind, String key, Map<String, String> value, long fromS, Long toS) {
        return new HistoryRecord(kind, CLUSTER, key, new TreeMap<>(value), fromS * S,
                toS == null ? HistoryRecord.OPEN : toS * S);
    }
}
