package io.podtrail.enrich;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live informers against fabric8's mock API server in CRUD mode: a real client and real watches. Observation
 * time is a fake clock moved by the test between steps; the test waits on the history's state (bounded), never
 * sleeps. Times are seconds after the test's start.
 * <pre>
 *  t(s) 100  Deployment shop/web ── ReplicaSet web-5d4c ── pod web-5d4c-a1 (10.244.1.5, container c-a1-1)
 *       200  container restarted: c-a1-2 (lastState c-a1-1)
 *       300  pod web-5d4c-a1 deleted
 *       400  pod web-5d4c-b2 replaces it, reusing 10.244.1.5 (container c-b2-1)
 * </pre>
 */
@EnableKubernetesMockClient(crud = true)
class InformerSourceTest {

    static KubernetesClient client;

    private static final long S = 1_000_000_000L;
    /**
     * The API server (and the mock) sets uid and creationTimestamp itself, at wall-clock time: the test's times
     * are seconds after the test starts, so objects created now start before the steps' times.
     */
    private static final Instant BASE = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private static final String CA1 = "ca1" + "1".repeat(61);
    private static final String CA2 = "ca1" + "2".repeat(61);
    private static final String CB1 = "cb2" + "1".repeat(61);

    private final AtomicLong clock = new AtomicLong();
    private final ClusterHistory history = new ClusterHistory();
    private InformerSource source;

    private static String ts(long s) {
        return BASE.plusSeconds(s).toString();
    }

    private static long at(long s) {
        return (BASE.getEpochSecond() + s) * S;
    }

    /** Waits (bounded) for the informers to have brought the history to the expected state. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
    }

    private static Pod pod(String name, String uid, String rsUid, String ip, long createdS, String containerId,
                           long startedS) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("shop").withUid(uid)
                .withCreationTimestamp(ts(createdS)).addToLabels("app", "web").addToLabels("pod-template-hash", "5d4c")
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                        .withName("web-5d4c").withUid(rsUid).withController(true).build())
                .endMetadata()
                .withNewSpec().withNodeName("n1").addNewContainer().withName("web").withImage("nginx:1.27").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip).withStartTime(ts(createdS))
                .addToContainerStatuses(new ContainerStatusBuilder().withName("web").withImage("nginx:1.27")
                        .withContainerID("containerd://" + containerId).withNewState().withNewRunning()
                        .withStartedAt(ts(startedS)).endRunning().endState().build())
                .endStatus().build();
    }

    @Test
    void deploymentChainRestartDeletionAndIpReuse() {
        clock.set(at(100));
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").withUid("ns-shop")
                .withCreationTimestamp(ts(10)).endMetadata().build()).create();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").withUid("node-1")
                .withCreationTimestamp(ts(1)).endMetadata().withNewSpec().withPodCIDR("10.244.1.0/24").endSpec()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress("10.0.0.11").endAddress().endStatus()
                .build()).create();
        client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName("web")
                .withNamespace("shop").withUid("svc-web").withCreationTimestamp(ts(50)).endMetadata()
                .withNewSpec().withClusterIP("10.96.0.30").endSpec().build()).create();
        Deployment d = client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder().withNewMetadata()
                .withName("web").withNamespace("shop").withUid("dep-web").withCreationTimestamp(ts(90)).endMetadata()
                .build()).create();
        ReplicaSet rs = client.apps().replicaSets().inNamespace("shop").resource(new ReplicaSetBuilder().withNewMetadata()
                .withName("web-5d4c").withNamespace("shop").withUid("rs-web").withCreationTimestamp(ts(90))
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                        .withName("web").withUid(d.getMetadata().getUid()).withController(true).build())
                .endMetadata().build()).create();
        Pod a1 = client.pods().inNamespace("shop").resource(
                pod("web-5d4c-a1", "pod-a1", rs.getMetadata().getUid(), "10.244.1.5", 100, CA1, 101)).create();
        String a1Uid = a1.getMetadata().getUid();

        // objects that exist before the informers start are listed; later ones arrive through the watch
        source = new InformerSource(client, "mock", history, clock::get).start();
        assertThat(source.synced()).isTrue();
        await("pod a1", () -> history.container("mock", CA1, at(150)) != null);
        PodInfo p = history.pod("mock", a1Uid, at(150));
        assertThat(history.workload("mock", p, at(150)))
                .isEqualTo(new Workload("Deployment", "web", "web", "web-5d4c", null, null, null, null, true));
        assertThat(history.serviceByIp("mock", "10.96.0.30", at(150)).name()).isEqualTo("web");
        assertThat(history.nodeByIp("mock", "10.0.0.11", at(150)).name()).isEqualTo("n1");

        // container restart: a new container ID in the same pod, the previous one in lastState
        clock.set(at(200));
        Pod restarted = new PodBuilder(client.pods().inNamespace("shop").withName("web-5d4c-a1").get())
                .editStatus().withContainerStatuses(new ContainerStatusBuilder().withName("web").withImage("nginx:1.27")
                        .withRestartCount(1).withContainerID("containerd://" + CA2)
                        .withNewState().withNewRunning().withStartedAt(ts(200)).endRunning().endState()
                        .withNewLastState().withNewTerminated().withContainerID("containerd://" + CA1).withExitCode(137)
                        .withStartedAt(ts(101)).withFinishedAt(ts(199)).endTerminated().endLastState().build())
                .endStatus().build();
        client.pods().inNamespace("shop").resource(restarted).updateStatus();
        await("restarted container", () -> history.container("mock", CA2, at(250)) != null);
        assertThat(history.container("mock", CA1, at(150)).podUid()).isEqualTo(a1Uid);
        assertThat(history.container("mock", CA2, at(250)).podUid()).isEqualTo(a1Uid);

        // deletion, then a replacement pod with the same IP
        clock.set(at(300));
        client.pods().inNamespace("shop").withName("web-5d4c-a1").delete();
        await("a1 deleted", () -> history.podByIp("mock", "10.244.1.5", at(350)) == null);
        clock.set(at(400));
        client.pods().inNamespace("shop").resource(
                pod("web-5d4c-b2", "pod-b2", rs.getMetadata().getUid(), "10.244.1.5", 400, CB1, 401)).create();
        await("pod b2", () -> history.podByIp("mock", "10.244.1.5", at(450)) != null);

        assertThat(history.podByIp("mock", "10.244.1.5", at(150)).name()).isEqualTo("web-5d4c-a1");
        assertThat(history.podByIp("mock", "10.244.1.5", at(350))).isNull();
        assertThat(history.podByIp("mock", "10.244.1.5", at(450)).name()).isEqualTo("web-5d4c-b2");
        assertThat(history.podByName("mock", "shop", "web-5d4c-a1", at(250)).uid()).isEqualTo(a1Uid);
        assertThat(history.podByName("mock", "shop", "web-5d4c-a1", at(450))).isNull();

        // an event from the deleted pod's past, enriched after the fact
        HistoryEnricher enricher = new HistoryEnricher(history, PodtrailConfig.DEFAULTS);
        Event e = new Event().kind(EventKind.NETWORK_CONNECT).set(Fields.TIME, at(150)).set(Fields.CONTAINER_ID, CA1.substring(0, 12))
                .set(Fields.FD_SIP, "10.96.0.30");
        enricher.enrich(e);
        assertThat(e.toMap()).containsEntry("k8s.cluster.name", "mock").containsEntry("k8s.pod.name", "web-5d4c-a1")
                .containsEntry("k8s.deployment.name", "web").containsEntry("k8s.node.name", "n1")
                .containsEntry("peer.service", "web").doesNotContainKey("podtrail.unresolved");
    }

    @Test
    void objectsDeletedWhileDownAreClosedAfterTheInitialListing() {
        HistoryRecord stale = new HistoryRecord(HistoryRecord.Kind.POD_IP, "mock", "10.244.9.9",
                java.util.Map.of("uid", "gone", "ns", "shop", "name", "gone-1"), at(10), HistoryRecord.OPEN);
        history.apply(stale);
        clock.set(at(500));
        source = new InformerSource(client, "mock", history, clock::get).start();
        assertThat(history.podByIp("mock", "10.244.9.9", at(100)).name()).isEqualTo("gone-1");
        assertThat(history.podByIp("mock", "10.244.9.9", at(500))).isNull();
    }
}
