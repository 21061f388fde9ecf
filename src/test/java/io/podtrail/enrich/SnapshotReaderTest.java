package io.podtrail.enrich;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Snapshots as {@code kubectl get ... -A -o json} prints them, written here. Two snapshots of cluster "lab":
 * <pre>
 *  10:00 ns shop, node n1 (10.0.0.11, podCIDR 10.244.1.0/24), svc shop/api 10.96.0.20,
 *        Deployment api ── ReplicaSet api-6f8b ── pod api-6f8b-x1 (10.244.1.5), container restarted once
 *        CronJob backup ── Job backup-29000000 ── pod backup-29000000-z (Succeeded 10:05-10:06, 10.244.1.6)
 *  11:00 (second snapshot) api-6f8b-x1 gone; api-6f8b-x2 created 10:40 with the same IP 10.244.1.5
 * </pre>
 */
class SnapshotReaderTest {

    static final String FIRST = """
            {"apiVersion":"v1","kind":"List","items":[
             {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","uid":"ns-1","creationTimestamp":"2024-05-01T09:00:00Z"}},
             {"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","uid":"node-1","creationTimestamp":"2024-05-01T08:00:00Z"},
              "spec":{"podCIDR":"10.244.1.0/24","podCIDRs":["10.244.1.0/24"]},
              "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.11"},{"type":"Hostname","address":"n1"}]}},
             {"apiVersion":"v1","kind":"Service","metadata":{"name":"api","namespace":"shop","uid":"svc-1","creationTimestamp":"2024-05-01T09:10:00Z"},
              "spec":{"clusterIP":"10.96.0.20","clusterIPs":["10.96.0.20"]}},
             {"apiVersion":"v1","kind":"Service","metadata":{"name":"api-headless","namespace":"shop","uid":"svc-2","creationTimestamp":"2024-05-01T09:10:00Z"},
              "spec":{"clusterIP":"None","clusterIPs":["None"]}},
             {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"api","namespace":"shop","uid":"dep-1","creationTimestamp":"2024-05-01T09:10:00Z"}},
             {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"api-6f8b","namespace":"shop","uid":"rs-1","creationTimestamp":"2024-05-01T09:10:00Z",
              "ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"api","uid":"dep-1","controller":true}]}},
             {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"backup","namespace":"shop","uid":"cj-1","creationTimestamp":"2024-05-01T09:00:00Z"}},
             {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"backup-29000000","namespace":"shop","uid":"job-1","creationTimestamp":"2024-05-01T10:05:00Z",
              "ownerReferences":[{"apiVersion":"batch/v1","kind":"CronJob","name":"backup","uid":"cj-1","controller":true}]}},
             {"apiVersion":"v1","kind":"Pod","metadata":{"name":"api-6f8b-x1","namespace":"shop","uid":"pod-1","creationTimestamp":"2024-05-01T09:20:00Z",
               "labels":{"app":"api","pod-template-hash":"6f8b"},
               "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"api-6f8b","uid":"rs-1","controller":true}]},
              "spec":{"nodeName":"n1","containers":[{"name":"api","image":"shop/api:1.4"}]},
              "status":{"phase":"Running","podIP":"10.244.1.5","podIPs":[{"ip":"10.244.1.5"}],"startTime":"2024-05-01T09:20:00Z",
               "containerStatuses":[{"name":"api","image":"shop/api:1.4","imageID":"docker.io/shop/api@sha256:aa","restartCount":1,
                 "containerID":"containerd://bbbb000000000000000000000000000000000000000000000000000000000002",
                 "state":{"running":{"startedAt":"2024-05-01T09:40:00Z"}},
                 "lastState":{"terminated":{"exitCode":137,"startedAt":"2024-05-01T09:20:05Z","finishedAt":"2024-05-01T09:39:59Z",
                   "containerID":"containerd://aaaa000000000000000000000000000000000000000000000000000000000001"}}}]}},
             {"apiVersion":"v1","kind":"Pod","metadata":{"name":"backup-29000000-z","namespace":"shop","uid":"pod-2","creationTimestamp":"2024-05-01T10:05:00Z",
               "ownerReferences":[{"apiVersion":"batch/v1","kind":"Job","name":"backup-29000000","uid":"job-1","controller":true}]},
              "spec":{"nodeName":"n1"},
              "status":{"phase":"Succeeded","podIP":"10.244.1.6","startTime":"2024-05-01T10:05:00Z",
               "containerStatuses":[{"name":"backup","image":"backup:2","containerID":"containerd://cccc000000000000000000000000000000000000000000000000000000000003",
                 "state":{"terminated":{"exitCode":0,"startedAt":"2024-05-01T10:05:01Z","finishedAt":"2024-05-01T10:06:00Z"}}}]}}
            ]}
            """;

    static final String SECOND = """
            {"apiVersion":"v1","kind":"List","items":[
             {"apiVersion":"v1","kind":"Node","metadata":{"name":"n1","uid":"node-1","creationTimestamp":"2024-05-01T08:00:00Z"},
              "spec":{"podCIDR":"10.244.1.0/24"},"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.11"}]}},
             {"apiVersion":"v1","kind":"Pod","metadata":{"name":"api-6f8b-x2","namespace":"shop","uid":"pod-3","creationTimestamp":"2024-05-01T10:40:00Z",
               "labels":{"app":"api","pod-template-hash":"6f8b"},
               "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"api-6f8b","uid":"rs-1","controller":true}]},
              "spec":{"nodeName":"n1"},
              "status":{"phase":"Running","podIP":"10.244.1.5","startTime":"2024-05-01T10:40:00Z",
               "containerStatuses":[{"name":"api","image":"shop/api:1.5","containerID":"containerd://dddd000000000000000000000000000000000000000000000000000000000004",
                 "state":{"running":{"startedAt":"2024-05-01T10:40:02Z"}}}]}}
            ]}
            """;

    static long at(String hhmm) {
        Instant i = Instant.parse("2024-05-01T" + hhmm + ":00Z");
        return i.getEpochSecond() * 1_000_000_000L;
    }

    private static SnapshotReader.Result read(ClusterHistory h, String json, String hhmm) throws IOException {
        return new SnapshotReader(h).read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "lab", at(hhmm));
    }

    @Test
    void oneSnapshotGivesPodsContainersOwnersServicesAndNodes() throws IOException {
        ClusterHistory h = new ClusterHistory();
        SnapshotReader.Result r = read(h, FIRST, "11:00");
        assertThat(r.objects()).isEqualTo(10);
        assertThat(h.container("lab", "aaaa00000000", at("09:30")).podUid()).as("previous container, from lastState").isEqualTo("pod-1");
        assertThat(h.container("lab", "bbbb0000000000000000", at("09:50")).image()).isEqualTo("shop/api:1.4");
        PodInfo p = h.pod("lab", "pod-1", at("10:00"));
        assertThat(h.workload("lab", p, at("10:00")))
                .isEqualTo(new Workload("Deployment", "api", "api", "api-6f8b", null, null, null, null, true));
        PodInfo b = h.podByName("lab", "shop", "backup-29000000-z", at("10:05"));
        assertThat(h.workload("lab", b, at("10:05")).kind()).isEqualTo("CronJob");
        assertThat(h.podByIp("lab", "10.244.1.6", at("10:05")).name()).isEqualTo("backup-29000000-z");
        assertThat(h.podByIp("lab", "10.244.1.6", at("10:07"))).as("a finished pod's IP is released").isNull();
        assertThat(h.serviceByIp("lab", "10.96.0.20", at("10:00")).name()).isEqualTo("api");
        assertThat(h.nodeByIp("lab", "10.0.0.11", at("10:00")).name()).isEqualTo("n1");
        assertThat(h.podCidrs("lab").contains("10.244.1.200")).isTrue();
        assertThat(h.podByIp("lab", "10.244.1.5", at("09:00"))).as("before the pod existed").isNull();
    }

    @Test
    void aSecondSnapshotClosesWhatIsGoneAndTheReusedIpResolvesByTime() throws IOException {
        ClusterHistory h = new ClusterHistory();
        read(h, FIRST, "10:30");
        SnapshotReader.Result r = read(h, SECOND, "11:00");
        assertThat(r.closedAsGone()).isPositive();
        assertThat(h.podByIp("lab", "10.244.1.5", at("10:00")).name()).isEqualTo("api-6f8b-x1");
        assertThat(h.podByIp("lab", "10.244.1.5", at("10:50")).name()).isEqualTo("api-6f8b-x2");
        // snapshots only bound a deletion: valid until seen gone
        assertThat(h.podByName("lab", "shop", "api-6f8b-x1", at("10:59")).uid()).isEqualTo("pod-1");
        assertThat(h.podByName("lab", "shop", "api-6f8b-x1", at("11:00"))).as("gone by the second snapshot").isNull();
        assertThat(h.container("lab", "bbbb00000000", at("10:50")).podUid()).as("a container ID names one container forever")
                .isEqualTo("pod-1");
        assertThat(h.serviceByIp("lab", "10.96.0.20", at("11:30"))).as("the second snapshot lists no services: they stay open")
                .isNotNull();
    }

    @Test
    void enrichesAnEventFromASnapshotFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("snapshot.json");
        Files.writeString(file, FIRST);
        ClusterHistory h = new ClusterHistory();
        new SnapshotReader(h).read(file, "lab");
        Event e = new Event().kind(EventKind.NETWORK_CONNECT).set(Fields.TIME, at("09:30"))
                .set(Fields.CONTAINER_ID, "aaaa00000000").set(Fields.FD_SIP, "10.96.0.20");
        new HistoryEnricher(h, PodtrailConfig.DEFAULTS).enrich(e);
        assertThat(e.toMap()).containsEntry("k8s.cluster.name", "lab").containsEntry("k8s.pod.name", "api-6f8b-x1")
                .containsEntry("k8s.deployment.name", "api").containsEntry("peer.kind", "service")
                .containsEntry("peer.service", "api").containsEntry("peer.known", true);
    }
}
