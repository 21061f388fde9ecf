package io.podtrail.enrich;

import io.podtrail.enrich.HistoryRecord.Kind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.podtrail.enrich.World.CLUSTER;
import static io.podtrail.enrich.World.S;
import static org.assertj.core.api.Assertions.assertThat;

/** Interval resolution at t over the {@link World} fixture. */
class ClusterHistoryTest {

    private final ClusterHistory h = World.history();

    @Test
    void podIpResolvesBeforeDuringAndAfterAndWhenReused() {
        assertThat(h.podByIp(CLUSTER, "10.244.1.5", 99 * S)).isNull();
        assertThat(h.podByIp(CLUSTER, "10.244.1.5", 100 * S).name()).isEqualTo("web-7d9f-aaaaa");
        assertThat(h.podByIp(CLUSTER, "10.244.1.5", 199 * S).name()).isEqualTo("web-7d9f-aaaaa");
        assertThat(h.podByIp(CLUSTER, "10.244.1.5", 200 * S)).as("deleted, not yet reused").isNull();
        assertThat(h.podByIp(CLUSTER, "10.244.1.5", 210 * S).name()).isEqualTo("web-7d9f-bbbbb");
        assertThat(h.podByIp(CLUSTER, "10.244.1.5", 10_000 * S).name()).isEqualTo("web-7d9f-bbbbb");
        assertThat(h.podByIp("other-cluster", "10.244.1.5", 150 * S)).isNull();
    }

    @Test
    void restartedContainerKeepsItsPodAndEachIdItsOwnInterval() {
        assertThat(h.container(CLUSTER, World.C1_OLD, 120 * S).podUid()).isEqualTo("p1");
        assertThat(h.container(CLUSTER, World.C1_NEW, 160 * S).podUid()).isEqualTo("p1");
        assertThat(h.container(null, World.C1_NEW.substring(0, 12), 160 * S).id())
                .as("the 12-character short ID finds the full one").isEqualTo(World.C1_NEW);
        assertThat(h.clusterOfContainer(World.C2, 300 * S)).isEqualTo(CLUSTER);
        assertThat(h.container(CLUSTER, "0123456789ab", 160 * S)).isNull();
    }

    @Test
    void deletedPodStillResolvesForItsPast() {
        PodInfo p = h.pod(CLUSTER, "p1", 150 * S);
        assertThat(p.name()).isEqualTo("web-7d9f-aaaaa");
        assertThat(p.node()).isEqualTo("n1");
        assertThat(h.podByName(CLUSTER, "shop", "web-7d9f-aaaaa", 150 * S).uid()).isEqualTo("p1");
        assertThat(h.podByName(CLUSTER, "shop", "web-7d9f-aaaaa", 250 * S)).isNull();
    }

    @Test
    void ownerChains() {
        assertThat(h.workload(CLUSTER, h.pod(CLUSTER, "p1", 150 * S), 150 * S))
                .isEqualTo(new Workload("Deployment", "web", "web", "web-7d9f", null, null, null, null, true));
        assertThat(h.workload(CLUSTER, h.pod(CLUSTER, "p3", 150 * S), 150 * S))
                .isEqualTo(new Workload("StatefulSet", "db", null, null, "db", null, null, null, true));
        assertThat(h.workload(CLUSTER, h.pod(CLUSTER, "p4", 350 * S), 350 * S))
                .isEqualTo(new Workload("CronJob", "nightly", null, null, null, null, "nightly-28000000", "nightly", true));
        assertThat(h.workload(CLUSTER, h.pod(CLUSTER, "p6", 350 * S), 350 * S))
                .as("ReplicaSet not in history: the Deployment follows from pod-template-hash")
                .isEqualTo(new Workload("Deployment", "legacy", "legacy", "legacy-5c6d", null, null, null, null, true));
        assertThat(h.workload(CLUSTER, h.pod(CLUSTER, "p7", 350 * S), 350 * S))
                .isEqualTo(new Workload("Pod", "debug", null, null, null, null, null, null, true));
        PodInfo orphan = new PodInfo("shop", "x-1", "px", "n1", "ReplicaSet", "weird", "rs-unknown", Map.of());
        assertThat(h.workload(CLUSTER, orphan, 1).complete()).isFalse();
    }

    @Test
    void openingAnotherValueClosesThePreviousOneAndReopeningIsANoOp() {
        List<HistoryRecord> log = new ArrayList<>();
        ClusterHistory x = new ClusterHistory(log::add);
        x.apply(World.rec(Kind.POD_IP, "10.0.0.1", Map.of("uid", "a", "ns", "n", "name", "a"), 10, null));
        x.apply(World.rec(Kind.POD_IP, "10.0.0.1", Map.of("uid", "a", "ns", "n", "name", "a"), 12, null));
        assertThat(log).hasSize(1);
        // the new pod's IP is seen before the old pod's deletion: the old interval closes where the new one starts
        x.apply(World.rec(Kind.POD_IP, "10.0.0.1", Map.of("uid", "b", "ns", "n", "name", "b"), 20, null));
        assertThat(log).hasSize(3);
        assertThat(log.get(1).to()).isEqualTo(20 * S);
        assertThat(x.podByIp("prod", "10.0.0.1", 15 * S).uid()).isEqualTo("a");
        assertThat(x.podByIp("prod", "10.0.0.1", 25 * S).uid()).isEqualTo("b");
        x.close(Kind.POD_IP, "prod", "10.0.0.1", 30 * S);
        assertThat(x.podByIp("prod", "10.0.0.1", 31 * S)).isNull();
        assertThat(x.openKeys("prod", Kind.POD_IP)).isEmpty();
        // a start inside a closed interval moves to its end: intervals never overlap
        x.apply(World.rec(Kind.POD_IP, "10.0.0.1", Map.of("uid", "c", "ns", "n", "name", "c"), 25, null));
        assertThat(x.podByIp("prod", "10.0.0.1", 27 * S).uid()).isEqualTo("b");
        assertThat(x.podByIp("prod", "10.0.0.1", 30 * S).uid()).isEqualTo("c");
    }

    @Test
    void ipv6AndPodCidrs() {
        ClusterHistory x = new ClusterHistory();
        x.apply(World.rec(Kind.POD_IP, "fd00::5", Map.of("uid", "v6", "ns", "n", "name", "v6"), 1, null));
        assertThat(x.podByIp("prod", "fd00:0:0::5", 2 * S).uid()).isEqualTo("v6");
        assertThat(h.podCidrs(CLUSTER).contains("10.244.2.200")).isTrue();
        assertThat(h.podCidrs(CLUSTER).contains("10.245.0.1")).isFalse();
    }

    @Test
    void recordsRoundTripThroughReplay() {
        ClusterHistory copy = new ClusterHistory();
        h.records().forEach(copy::replay);
        assertThat(copy.records()).isEqualTo(h.records());
    }
}
