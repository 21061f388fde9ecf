package io.podtrail.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.dsl.Informable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Live context of one named cluster: fabric8 SharedInformers on namespaces, nodes, pods, replicasets,
 * deployments, statefulsets, daemonsets, jobs, cronjobs and services feed a {@link ClusterHistory}.
 *
 * <p>An added object opens the intervals it implies from its own timestamps (creationTimestamp, a container's
 * startedAt); an update opens what changed at the time it is observed (and closes what the object no longer
 * implies); a deletion closes everything the object implied at the time it is observed. After the initial
 * listing, whatever the history still had open for this cluster but no object implies any more (deleted while
 * Podtrail was down) is closed: the history "saw it gone".
 *
 * <p>Several clusters at once: one source per cluster, each with its own client and name. {@link #close()}
 * stops the informers (and closes the client when this source created it).
 */
public final class InformerSource implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final String cluster;
    private final ClusterHistory history;
    private final LongSupplier clock;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    /** What each live object (kind/uid) implies now: its open records. Guarded by this. */
    private final Map<String, List<HistoryRecord>> implied = new HashMap<>();

    /**
     * @param clock the time of an observation, in ns since the epoch (inject a fake in tests)
     */
    public InformerSource(KubernetesClient client, String cluster, ClusterHistory history, LongSupplier clock) {
        this(client, false, cluster, history, clock);
    }

    private InformerSource(KubernetesClient client, boolean ownsClient, String cluster, ClusterHistory history,
                           LongSupplier clock) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.cluster = cluster;
        this.history = history;
        this.clock = clock;
    }

    /**
     * A source for the kubeconfig context {@code context} (null: the current context, or in-cluster
     * configuration), named {@code cluster}, using the wall clock.
     */
    public static InformerSource forKubeconfig(String context, String cluster, ClusterHistory history) {
        KubernetesClient c = new KubernetesClientBuilder().withConfig(Config.autoConfigure(context)).build();
        return new InformerSource(c, true, cluster, history, InformerSource::now);
    }

    public static long now() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    public String cluster() {
        return cluster;
    }

    /**
     * Starts the informers and returns once each has listed its objects (fabric8's {@code inform} waits for the
     * initial sync), then closes what the listing no longer shows.
     */
    public InformerSource start() {
        inform(client.namespaces(), "Namespace");
        inform(client.nodes(), "Node");
        inform(client.pods().inAnyNamespace(), "Pod");
        inform(client.apps().replicaSets().inAnyNamespace(), "ReplicaSet");
        inform(client.apps().deployments().inAnyNamespace(), "Deployment");
        inform(client.apps().statefulSets().inAnyNamespace(), "StatefulSet");
        inform(client.apps().daemonSets().inAnyNamespace(), "DaemonSet");
        inform(client.batch().v1().jobs().inAnyNamespace(), "Job");
        inform(client.batch().v1().cronjobs().inAnyNamespace(), "CronJob");
        inform(client.services().inAnyNamespace(), "Service");
        synchronized (this) {
            List<HistoryRecord> present = new ArrayList<>();
            implied.values().forEach(present::addAll);
            history.closeMissing(cluster, EnumSet.allOf(HistoryRecord.Kind.class), present, clock.getAsLong());
        }
        return this;
    }

    /** True when every informer has listed its objects. */
    public boolean synced() {
        return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::hasSynced);
    }

    private <T extends HasMetadata> void inform(Informable<T> what, String kind) {
        informers.add(what.inform(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                upsert(kind, obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                upsert(kind, newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                delete(kind, obj);
            }
        }, 0));
    }

    private synchronized void upsert(String kind, HasMetadata obj) {
        long t = clock.getAsLong();
        List<HistoryRecord> now = K8sObjects.records(tree(obj), kind, cluster);
        List<HistoryRecord> open = now.stream().filter(HistoryRecord::open).toList();
        List<HistoryRecord> before = implied.put(id(kind, obj), open);
        if (before != null) {
            Set<String> keys = new HashSet<>();
            now.forEach(r -> keys.add(r.kind() + " " + r.key()));
            for (HistoryRecord r : before) {
                if (!keys.contains(r.kind() + " " + r.key())) {
                    history.closeIf(r, t);
                }
            }
        }
        for (HistoryRecord r : now) {
            history.apply(r, t);
        }
    }

    private synchronized void delete(String kind, HasMetadata obj) {
        long t = clock.getAsLong();
        List<HistoryRecord> before = implied.remove(id(kind, obj));
        if (before == null) {
            before = K8sObjects.records(tree(obj), kind, cluster).stream().filter(HistoryRecord::open).toList();
        }
        for (HistoryRecord r : before) {
            history.closeIf(r, t);
        }
    }

    private static String id(String kind, HasMetadata obj) {
        String uid = obj.getMetadata().getUid();
        return kind + "/" + (uid != null ? uid : obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName());
    }

    /** The object as the API serves it, read with the same translator as snapshots. */
    private JsonNode tree(HasMetadata obj) {
        try {
            return JSON.readTree(client.getKubernetesSerialization().asJson(obj));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + obj.getKind() + " " + obj.getMetadata().getName(), e);
        }
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        informers.clear();
        if (ownsClient) {
            client.close();
        }
    }
}
