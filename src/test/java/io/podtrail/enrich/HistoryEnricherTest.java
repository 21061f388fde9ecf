package io.podtrail.enrich;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.podtrail.enrich.World.S;
import static org.assertj.core.api.Assertions.assertThat;

/** Enrichment of events over the {@link World} fixture. */
class HistoryEnricherTest {

    private static final PodtrailConfig CONFIG = new PodtrailConfig("prod", List.of(), List.of("10.96.0.0/12"),
            List.of("52.94.0.0/16", "2001:db8::/32"), List.of(), Duration.ofHours(24));

    private final HistoryEnricher enricher = new HistoryEnricher(World.history(), CONFIG);

    private static Event exec(String containerId, long t) {
        return new Event().kind(EventKind.PROCESS_EXEC).set(Fields.TIME, t).set(Fields.CONTAINER_ID, containerId);
    }

    @Test
    void containerIdResolvesPodWorkloadNodeAndCluster() {
        Event e = exec(World.C1_OLD.substring(0, 12), 120 * S);
        enricher.enrich(e);
        assertThat(e.toMap()).containsEntry("k8s.cluster.name", "prod").containsEntry("k8s.ns.name", "shop")
                .containsEntry("k8s.pod.name", "web-7d9f-aaaaa").containsEntry("k8s.pod.uid", "p1")
                .containsEntry("container.full_id", World.C1_OLD).containsEntry("container.name", "app")
                .containsEntry("container.image", "nginx:1.25").containsEntry("k8s.node.name", "n1")
                .containsEntry("k8s.workload.kind", "Deployment").containsEntry("k8s.workload.name", "web")
                .containsEntry("k8s.deployment.name", "web").containsEntry("k8s.rs.name", "web-7d9f")
                .containsEntry("k8s.pod.labels", Map.of("app", "web", "pod-template-hash", "7d9f"))
                .doesNotContainKey("podtrail.unresolved");
        assertThat(enricher.stats().resolvedCount()).isEqualTo(1);
    }

    @Test
    void tetragonStylePodNameWithoutWorkloadGetsTheCronJob() {
        Event e = new Event().kind(EventKind.PROCESS_EXEC).set(Fields.TIME, 350 * S).set(Fields.CONTAINER_ID, "host")
                .set(Fields.K8S_NS_NAME, "shop").set(Fields.K8S_POD_NAME, "nightly-28000000-x");
        enricher.enrich(e);
        assertThat(e.toMap()).containsEntry("k8s.workload.kind", "CronJob").containsEntry("k8s.cronjob.name", "nightly")
                .containsEntry("k8s.job.name", "nightly-28000000").containsEntry("k8s.node.name", "n2");
    }

    @Test
    void sensorWinsForPodFieldsHistoryForWorkloadAndBothAreRecorded() {
        Event e = exec(World.C3, 150 * S).set(Fields.K8S_POD_NAME, "db-zero").set(Fields.K8S_NODE_NAME, "n9");
        enricher.enrich(e);
        assertThat(e.getString(Fields.K8S_POD_NAME)).isEqualTo("db-zero");
        assertThat(e.getString(Fields.K8S_NODE_NAME)).isEqualTo("n1");
        assertThat(e.toMap().get("evt.args")).isEqualTo(Map.of(
                "enrich.conflict.k8s.pod.name", "sensor=db-zero history=db-0",
                "enrich.conflict.k8s.node.name", "sensor=n9 history=n1"));
        assertThat(enricher.stats().conflictsByField()).containsEntry("k8s.pod.name", 1L).containsEntry("k8s.node.name", 1L);
    }

    @Test
    void earlyEventIsKeptMarkedAndCounted() {
        Event e = exec("0123456789ab", 150 * S).set(Fields.HOSTNAME, "n1");
        enricher.enrich(e);
        assertThat(e.get(Fields.UNRESOLVED)).isEqualTo(List.of("container"));
        assertThat(e.getString(Fields.K8S_CLUSTER_NAME)).isEqualTo("prod");
        assertThat(enricher.stats().unresolvedByReason()).containsEntry("container", 1L);
        assertThat(enricher.stats().unresolvedCount()).isEqualTo(1);
    }

    @Test
    void hostProcessGetsItsNodeFromTheHostname() {
        Event e = exec("host", 150 * S).set(Fields.HOSTNAME, "n2");
        enricher.enrich(e);
        assertThat(e.getString(Fields.K8S_NODE_NAME)).isEqualTo("n2");
        assertThat(e.get(Fields.UNRESOLVED)).isNull();
    }

    @ParameterizedTest(name = "{0} at {1}s -> {2}")
    @CsvSource(nullValues = "-", value = {
            // remote IP,   t,   kind,     known, ns,   pod,              workload, service, node, unresolved
            "10.244.1.5,   150, pod,      true,  shop, web-7d9f-aaaaa,   web,      -,       -,    -",
            "10.244.1.5,   250, pod,      true,  shop, web-7d9f-bbbbb,   web,      -,       -,    -",
            "10.244.1.5,   205, pod,      true,  -,    -,                -,        -,       -,    peer",
            "10.244.1.9,   150, pod,      true,  shop, db-0,             db,       -,       -,    -",
            "10.96.0.10,   150, service,  true,  shop, -,                -,        web,     -,    -",
            "10.96.0.99,   150, service,  true,  -,    -,                -,        -,       -,    peer",
            "192.168.1.12, 150, node,     true,  -,    -,                -,        -,       n2,   -",
            "127.0.0.1,    150, loopback, true,  -,    -,                -,        -,       -,    -",
            "127.8.0.3,    150, loopback, true,  -,    -,                -,        -,       -,    -",
            "::1,          150, loopback, true,  -,    -,                -,        -,       -,    -",
            "52.94.3.4,    150, trusted,  true,  -,    -,                -,        -,       -,    -",
            "2001:db8::7,  150, trusted,  true,  -,    -,                -,        -,       -,    -",
            "192.0.2.77,   150, external, false, -,    -,                -,        -,       -,    -",
    })
    void connectPeerIsClassifiedAtConnectionTime(String ip, long t, String kind, boolean known, String ns, String pod,
                                                 String workload, String service, String node, String unresolved) {
        Event e = new Event().kind(EventKind.NETWORK_CONNECT).set(Fields.TIME, t * S).set(Fields.CONTAINER_ID, World.C3)
                .set(Fields.FD_CIP, "10.244.1.9").set(Fields.FD_SIP, ip).set(Fields.FD_SPORT, 443L);
        enricher.enrich(e);
        assertThat(e.getString(Fields.PEER_KIND)).isEqualTo(kind);
        assertThat(e.get(Fields.PEER_KNOWN)).isEqualTo(known);
        assertThat(e.getString(Fields.PEER_NS)).isEqualTo(ns);
        assertThat(e.getString(Fields.PEER_POD)).isEqualTo(pod);
        assertThat(e.getString(Fields.PEER_WORKLOAD)).isEqualTo(workload);
        assertThat(e.getString(Fields.PEER_SERVICE)).isEqualTo(service);
        assertThat(e.getString(Fields.PEER_NODE)).isEqualTo(node);
        assertThat(e.get(Fields.UNRESOLVED)).isEqualTo(unresolved == null ? null : List.of(unresolved));
    }

    @Test
    void acceptClassifiesTheClientAndCloseTheServer() {
        Event accept = new Event().kind(EventKind.NETWORK_ACCEPT).set(Fields.TIME, 150 * S).set(Fields.CONTAINER_ID, World.C3)
                .set(Fields.FD_CIP, "10.244.1.5").set(Fields.FD_SIP, "10.244.1.9");
        enricher.enrich(accept);
        assertThat(accept.getString(Fields.PEER_POD)).isEqualTo("web-7d9f-aaaaa");
        Event close = new Event().kind(EventKind.NETWORK_CLOSE).set(Fields.TIME, 150 * S).set(Fields.CONTAINER_ID, World.C1_OLD)
                .set(Fields.FD_CIP, "10.244.1.5").set(Fields.FD_SIP, "10.244.1.9");
        enricher.enrich(close);
        assertThat(close.getString(Fields.PEER_POD)).isEqualTo("db-0");
    }

    @Test
    void learnedBaselineHookMakesAnExternalDestinationKnown() {
        HistoryEnricher withBaseline = new HistoryEnricher(World.history(), CONFIG,
                (cluster, ns, workload, ip, port, t) -> "db".equals(workload) && ip.equals("192.0.2.77"));
        Event e = new Event().kind(EventKind.NETWORK_CONNECT).set(Fields.TIME, 150 * S).set(Fields.CONTAINER_ID, World.C3)
                .set(Fields.FD_SIP, "192.0.2.77");
        withBaseline.enrich(e);
        assertThat(e.getString(Fields.PEER_KIND)).isEqualTo("external");
        assertThat(e.get(Fields.PEER_KNOWN)).isEqualTo(true);
    }

    @Test
    void trustedDomainsResolvedAtLoadTrustTheirAddresses() {
        PodtrailConfig config = new PodtrailConfig("prod", List.of(), List.of(), List.of(),
                List.of("api.stripe.com", "gone.example"), null);
        HistoryEnricher en = new HistoryEnricher(World.history(), config, DestinationBaseline.NONE, domain -> switch (domain) {
            case "api.stripe.com" -> List.of("198.51.100.10", "2001:db8::10");
            default -> throw new java.net.UnknownHostException(domain);
        });
        for (String ip : List.of("198.51.100.10", "2001:db8::10", "198.51.100.11")) {
            Event e = new Event().kind(EventKind.NETWORK_CONNECT).set(Fields.TIME, 150 * S).set(Fields.CONTAINER_ID, World.C3)
                    .set(Fields.FD_SIP, ip);
            en.enrich(e);
            boolean stripe = !ip.equals("198.51.100.11");
            assertThat(e.getString(Fields.PEER_KIND)).as(ip).isEqualTo(stripe ? "trusted" : "external");
            assertThat(e.get(Fields.PEER_KNOWN)).as(ip).isEqualTo(stripe);
        }
    }

    @Test
    void severalClustersTheContainerIdFindsItsClusterAndTheClusterScopesIps() {
        ClusterHistory h = World.history();
        // cluster "staging" reuses prod's pod range: the same IP is another pod there
        h.apply(new HistoryRecord(HistoryRecord.Kind.POD, "staging", "s1",
                new PodInfo("shop", "web-x", "s1", "s-n1", null, null, null, Map.of()).toMap(), 0, HistoryRecord.OPEN));
        h.apply(new HistoryRecord(HistoryRecord.Kind.CONTAINER, "staging", "5ta9e0000000aaaa",
                Map.of("podUid", "s1", "name", "web"), 0, HistoryRecord.OPEN));
        h.apply(new HistoryRecord(HistoryRecord.Kind.POD_IP, "staging", "10.244.1.9",
                Map.of("uid", "s1", "ns", "shop", "name", "web-x"), 0, HistoryRecord.OPEN));
        HistoryEnricher en = new HistoryEnricher(h, CONFIG);
        Event fromStaging = new Event().kind(EventKind.NETWORK_CONNECT).set(Fields.TIME, 150 * S)
                .set(Fields.CONTAINER_ID, "5ta9e0000000").set(Fields.FD_SIP, "10.244.1.9");
        en.enrich(fromStaging);
        assertThat(fromStaging.getString(Fields.K8S_CLUSTER_NAME)).isEqualTo("staging");
        assertThat(fromStaging.getString(Fields.K8S_POD_NAME)).isEqualTo("web-x");
        assertThat(fromStaging.getString(Fields.PEER_POD)).isEqualTo("web-x");
        Event fromProd = new Event().kind(EventKind.NETWORK_CONNECT).set(Fields.TIME, 150 * S)
                .set(Fields.CONTAINER_ID, World.C1_OLD).set(Fields.FD_SIP, "10.244.1.9");
        en.enrich(fromProd);
        assertThat(fromProd.getString(Fields.K8S_CLUSTER_NAME)).isEqualTo("prod");
        assertThat(fromProd.getString(Fields.PEER_POD)).isEqualTo("db-0");
        assertThat(h.clusters()).containsExactly("prod", "staging");
    }

    @Test
    void aLaterPassResolvesAMarkedEventOnceTheHistoryKnowsMore() {
        ClusterHistory h = World.history();
        HistoryEnricher en = new HistoryEnricher(h, CONFIG);
        String early = "abcdef0123456789" + "0".repeat(48);
        Event e = exec(early.substring(0, 12), 500 * S);
        en.enrich(e);
        assertThat(e.get(Fields.UNRESOLVED)).isEqualTo(List.of("container"));
        // the informer reports the container a moment later
        h.apply(World.rec(HistoryRecord.Kind.CONTAINER, early, Map.of("podUid", "p3", "name", "postgres"), 500, null));
        en.enrich(e);
        assertThat(e.get(Fields.UNRESOLVED)).isNull();
        assertThat(e.getString(Fields.K8S_WORKLOAD_NAME)).isEqualTo("db");
        assertThat(en.stats().resolvedCount()).isEqualTo(1);
        assertThat(en.stats().unresolvedCount()).isEqualTo(1);
    }

    @Test
    void auditRequestOnAPodGetsItsWorkloadAndNodeAtRequestTime() {
        Event e = new Event().kind(EventKind.K8S_API).set(Fields.TIME, 150 * S).set(Fields.KA_VERB, "get")
                .set(Fields.K8S_NS_NAME, "shop").set(Fields.K8S_POD_NAME, "web-7d9f-aaaaa")
                .set(Fields.HOSTNAME, "apiserver-1");
        enricher.enrich(e);
        assertThat(e.toMap()).containsEntry("k8s.deployment.name", "web").containsEntry("k8s.node.name", "n1")
                .containsEntry("k8s.pod.uid", "p1").doesNotContainKey("podtrail.unresolved");
        Event later = new Event().kind(EventKind.K8S_API).set(Fields.TIME, 250 * S)
                .set(Fields.K8S_NS_NAME, "shop").set(Fields.K8S_POD_NAME, "web-7d9f-aaaaa");
        enricher.enrich(later);
        assertThat(later.get(Fields.UNRESOLVED)).as("the pod was gone by then").isEqualTo(List.of("pod"));
        assertThat(later.get(Fields.K8S_NODE_NAME)).isNull();
    }
}
