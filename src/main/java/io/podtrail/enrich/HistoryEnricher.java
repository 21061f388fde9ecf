package io.podtrail.enrich;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Enriches events from a {@link ClusterHistory}, always as of the event's own time ({@code evt.time}).
 *
 * <p>Order of resolution: the cluster ({@code k8s.cluster.name} if the event has one, else the cluster whose
 * history knows the container ID, else the configured default); the container (by {@code container.full_id} or
 * {@code container.id}); the pod (the container's pod, else {@code k8s.pod.uid}, else {@code k8s.ns.name} and
 * {@code k8s.pod.name}); the owner chain and node; for connections the remote end.
 *
 * <p>What the sensor said wins for pod, namespace and container fields (the sensor saw the process); the history
 * wins for workload, node and cluster fields. Either way a disagreement is never silent: it is counted in
 * {@link EnrichStats#conflictsByField()} and kept in {@code evt.args} as {@code enrich.conflict.FIELD} =
 * {@code "sensor=X history=Y"}.
 *
 * <p>An event whose context is not (yet) known is kept with what could be resolved and the missing parts in
 * {@code podtrail.unresolved}: {@code container} (a container ID the history does not know), {@code pod} (no pod
 * for the event's pod identity), {@code owner} (a controller missing from the history), {@code peer} (a remote
 * address inside the cluster's pod or service range that no pod or service had). Enriching a marked event again
 * once the history knows more (the later pass) fills what is now known and replaces the mark.
 *
 * <p>Thread-safe.
 */
public final class HistoryEnricher implements Enricher {

    private final ClusterHistory history;
    private final PodtrailConfig config;
    private final CidrSet trusted;
    private final CidrSet configPods;
    private final CidrSet services;
    private final DestinationBaseline baseline;
    private final EnrichStats stats = new EnrichStats();

    public HistoryEnricher(ClusterHistory history, PodtrailConfig config) {
        this(history, config, DestinationBaseline.NONE);
    }

    public HistoryEnricher(ClusterHistory history, PodtrailConfig config, DestinationBaseline baseline) {
        this(history, config, baseline, TrustedDomains.SYSTEM);
    }

    /** @param resolver resolves {@code trusted.domains} to the addresses trusted with {@code trusted.cidrs} */
    public HistoryEnricher(ClusterHistory history, PodtrailConfig config, DestinationBaseline baseline,
                           TrustedDomains.Resolver resolver) {
        this.history = Objects.requireNonNull(history);
        this.config = Objects.requireNonNull(config);
        List<String> trustedCidrs = new ArrayList<>(config.trustedCidrs());
        TrustedDomains.resolve(config.trustedDomains(), resolver).values().forEach(trustedCidrs::addAll);
        this.trusted = CidrSet.of(trustedCidrs);
        this.configPods = CidrSet.of(config.podCidrs());
        this.services = CidrSet.of(config.serviceCidrs());
        this.baseline = Objects.requireNonNull(baseline);
    }

    @Override
    public EnrichStats stats() {
        return stats;
    }

    @Override
    public void enrich(Event e) {
        long t = e.time();
        e.set(Fields.UNRESOLVED, null); // a later pass re-enriches marked events: start from a clean mark
        List<String> unresolved = new ArrayList<>(2);
        String containerId = first(e.getString(Fields.CONTAINER_FULL_ID), e.getString(Fields.CONTAINER_ID));
        if ("host".equals(containerId)) {
            containerId = null;
        }
        String cluster = e.getString(Fields.K8S_CLUSTER_NAME);
        if (cluster == null && containerId != null) {
            cluster = history.clusterOfContainer(containerId, t);
        }
        if (cluster == null) {
            cluster = config.clusterName();
        }
        set(e, Fields.K8S_CLUSTER_NAME, cluster, false);

        // container -> pod
        PodInfo pod = null;
        if (containerId != null) {
            ContainerInfo c = history.container(cluster, containerId, t);
            if (c == null) {
                unresolved.add("container");
            } else {
                set(e, Fields.CONTAINER_FULL_ID, c.id(), true);
                set(e, Fields.CONTAINER_NAME, c.name(), true);
                set(e, Fields.CONTAINER_IMAGE, c.image(), true);
                pod = history.pod(cluster, c.podUid(), t);
            }
        }
        if (pod == null) {
            String uid = e.getString(Fields.K8S_POD_UID);
            if (uid != null) {
                pod = history.pod(cluster, uid, t);
            }
        }
        String ns = e.getString(Fields.K8S_NS_NAME);
        String podName = e.getString(Fields.K8S_POD_NAME);
        if (pod == null && ns != null && podName != null) {
            pod = history.podByName(cluster, ns, podName, t);
        }
        boolean wantsPod = containerId != null || podName != null || e.getString(Fields.K8S_POD_UID) != null;
        if (pod == null) {
            if (wantsPod && !unresolved.contains("container")) {
                unresolved.add("pod");
            }
        } else {
            set(e, Fields.K8S_NS_NAME, pod.ns(), true);
            set(e, Fields.K8S_POD_NAME, pod.name(), true);
            set(e, Fields.K8S_POD_UID, pod.uid(), true);
            if (e.get(Fields.K8S_POD_LABELS) == null && !pod.labels().isEmpty()) {
                e.set(Fields.K8S_POD_LABELS, pod.labels());
            }
            set(e, Fields.K8S_NODE_NAME, pod.node(), false);
            Workload w = history.workload(cluster, pod, t);
            set(e, Fields.K8S_WORKLOAD_KIND, w.kind(), false);
            set(e, Fields.K8S_WORKLOAD_NAME, w.name(), false);
            set(e, Fields.K8S_DEPLOYMENT_NAME, w.deployment(), false);
            set(e, Fields.K8S_RS_NAME, w.replicaSet(), false);
            set(e, Fields.K8S_STATEFULSET_NAME, w.statefulSet(), false);
            set(e, Fields.K8S_DAEMONSET_NAME, w.daemonSet(), false);
            set(e, Fields.K8S_JOB_NAME, w.job(), false);
            set(e, Fields.K8S_CRONJOB_NAME, w.cronJob(), false);
            if (w.name() != null) {
                baseline.seen(cluster, pod.ns(), w.name(), t);
            }
            if (!w.complete()) {
                unresolved.add("owner");
            }
        }
        if (e.get(Fields.K8S_NODE_NAME) == null && containerId == null && e.kind() != EventKind.K8S_API) {
            // a host process: the node is the host the sensor ran on
            set(e, Fields.K8S_NODE_NAME, e.getString(Fields.HOSTNAME), false);
        }

        EventKind kind = e.kind();
        if (kind == EventKind.NETWORK_CONNECT || kind == EventKind.NETWORK_CLOSE || kind == EventKind.NETWORK_ACCEPT) {
            String remote = e.getString(kind == EventKind.NETWORK_ACCEPT ? Fields.FD_CIP : Fields.FD_SIP);
            Long port = e.getLong(kind == EventKind.NETWORK_ACCEPT ? Fields.FD_CPORT : Fields.FD_SPORT);
            if (remote != null && !peer(e, cluster, remote, port, t)) {
                unresolved.add("peer");
            }
        }

        if (unresolved.isEmpty()) {
            stats.resolved();
        } else {
            e.set(Fields.UNRESOLVED, unresolved);
            stats.unresolved(unresolved);
        }
    }

    /** Classifies the remote end; false when it lies in the cluster's ranges but no pod or service had it. */
    private boolean peer(Event e, String cluster, String ip, Long port, long t) {
        Object key = Ips.key(ip);
        if (key == null) {
            return true;
        }
        if (Ips.loopback(key)) {
            peer(e, Peer.LOOPBACK, true);
            return true;
        }
        Ref pod = history.podByIp(cluster, ip, t);
        if (pod != null) {
            peer(e, Peer.POD, true);
            e.setIfPresent(Fields.PEER_NS, pod.ns());
            e.setIfPresent(Fields.PEER_POD, pod.name());
            PodInfo p = history.pod(cluster, pod.uid(), t);
            if (p != null) {
                e.setIfPresent(Fields.PEER_WORKLOAD, history.workload(cluster, p, t).name());
            }
            return true;
        }
        Ref svc = history.serviceByIp(cluster, ip, t);
        if (svc != null) {
            peer(e, Peer.SERVICE, true);
            e.setIfPresent(Fields.PEER_NS, svc.ns());
            e.setIfPresent(Fields.PEER_SERVICE, svc.name());
            return true;
        }
        Ref node = history.nodeByIp(cluster, ip, t);
        if (node != null) {
            peer(e, Peer.NODE, true);
            e.setIfPresent(Fields.PEER_NODE, node.name());
            return true;
        }
        if (history.podCidrs(cluster).contains(ip) || configPods.contains(ip)) {
            peer(e, Peer.POD, true); // in the pod range, but no pod known to have had it (yet)
            return false;
        }
        if (services.contains(ip)) {
            peer(e, Peer.SERVICE, true);
            return false;
        }
        if (trusted.contains(ip)) {
            peer(e, Peer.TRUSTED, true);
            return true;
        }
        String ns = e.getString(Fields.K8S_NS_NAME);
        String workload = e.getString(Fields.K8S_WORKLOAD_NAME);
        peer(e, Peer.EXTERNAL, baseline.learned(cluster, ns, workload, ip, port, t));
        return true;
    }

    /** Values of {@code peer.kind}. */
    public enum Peer {
        POD, SERVICE, NODE, LOOPBACK, TRUSTED, EXTERNAL;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static void peer(Event e, Peer kind, boolean known) {
        e.set(Fields.PEER_KIND, kind.label());
        e.set(Fields.PEER_KNOWN, known);
    }

    /**
     * Sets {@code field} to the history's {@code value}. When the event already has a different value:
     * {@code sensorWins} keeps the sensor's, otherwise the history's replaces it; both ways the conflict is
     * counted and recorded in {@code evt.args}.
     */
    private void set(Event e, Field field, String value, boolean sensorWins) {
        if (value == null || value.isEmpty()) {
            return;
        }
        String current = e.getString(field);
        if (current == null || current.isEmpty()) {
            e.set(field, value);
            return;
        }
        if (current.equals(value) || (field == Fields.CONTAINER_FULL_ID && value.startsWith(current))) {
            return;
        }
        stats.conflict(field.name());
        @SuppressWarnings("unchecked")
        Map<String, String> args = (Map<String, String>) e.get(Fields.ARGS);
        Map<String, String> m = args == null ? new LinkedHashMap<>() : new LinkedHashMap<>(args);
        m.put("enrich.conflict." + field.name(), "sensor=" + current + " history=" + value);
        e.set(Fields.ARGS, m);
        if (!sensorWins) {
            e.set(field, value);
        }
    }

    private static String first(String a, String b) {
        return a != null && !a.isEmpty() ? a : (b != null && !b.isEmpty() ? b : null);
    }
}
