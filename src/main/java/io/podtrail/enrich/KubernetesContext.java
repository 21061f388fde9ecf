package io.podtrail.enrich;

import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The enrichment stage assembled: configuration, the history (persisted in the data directory), its sources
 * (snapshots, live informers) and the {@link Enricher} that reads it.
 * <pre>
 * try (KubernetesContext ctx = KubernetesContext.open(dataDir)) {    // podtrail.yaml + DATA/context/history.jsonl
 *     ctx.loadSnapshot(Path.of("snapshot.json"));                    // offline: kubectl get ... -A -o json
 *     ctx.watch(null, "prod-eu-1");                                  // live: current kubeconfig context
 *     Enricher enricher = ctx.enricher();                            // call enricher.enrich(event) before storing
 * }
 * </pre>
 * Thread-safe; {@link #close()} stops the informers and flushes and closes the history log.
 */
public final class KubernetesContext implements AutoCloseable {

    private final PodtrailConfig config;
    private final HistoryLog log;
    private final ClusterHistory history;
    private final HistoryEnricher enricher;
    private final List<InformerSource> sources = new ArrayList<>();
    private final DestinationBaseline baseline;

    private KubernetesContext(PodtrailConfig config, HistoryLog log, DestinationBaseline baseline) {
        this.config = config;
        this.log = log;
        this.baseline = baseline;
        this.history = ClusterHistory.load(log);
        this.enricher = new HistoryEnricher(history, config, baseline);
    }

    /**
     * The context of data directory {@code dataDir}: {@code podtrail.yaml} when present, the history reloaded
     * from {@code context/history.jsonl} and appended to from now on.
     */
    public static KubernetesContext open(Path dataDir) throws IOException, PodtrailConfig.ConfigException {
        return open(dataDir, PodtrailConfig.forDataDir(dataDir));
    }

    /**
     * The context of data directory {@code dataDir} with the given configuration (e.g. from {@code --config FILE});
     * the learned baseline ({@code context/baseline.jsonl}) is on when the configuration has a learning period.
     */
    public static KubernetesContext open(Path dataDir, PodtrailConfig config) throws IOException {
        DestinationBaseline baseline = config.learningPeriod() == null ? DestinationBaseline.NONE
                : LearnedBaseline.open(dataDir.resolve(LearnedBaseline.FILE), config.learningPeriod());
        return new KubernetesContext(config, FileHistoryLog.inDataDir(dataDir), baseline);
    }

    /** A context with the given configuration and log ({@link HistoryLog#NONE}: memory only). */
    public static KubernetesContext of(PodtrailConfig config, HistoryLog log, DestinationBaseline baseline) {
        return new KubernetesContext(config, log, baseline);
    }

    public PodtrailConfig config() {
        return config;
    }

    public ClusterHistory history() {
        return history;
    }

    /** The entry point: {@code enricher().enrich(event)} for each event, before it is stored. */
    public Enricher enricher() {
        return enricher;
    }

    /** Reads a snapshot of the configured cluster ({@code cluster.name}), taken at the file's modification time. */
    public SnapshotReader.Result loadSnapshot(Path file) throws IOException {
        return loadSnapshot(file, config.clusterName());
    }

    public SnapshotReader.Result loadSnapshot(Path file, String cluster) throws IOException {
        SnapshotReader.Result r = new SnapshotReader(history).read(file, cluster);
        log.flush();
        return r;
    }

    /** Starts informers on kubeconfig context {@code kubeconfigContext} (null: current) as cluster {@code cluster}. */
    public synchronized InformerSource watch(String kubeconfigContext, String cluster) {
        InformerSource s = InformerSource.forKubeconfig(kubeconfigContext, cluster, history).start();
        sources.add(s);
        return s;
    }

    /** Starts informers through an existing client (not closed by this context). */
    public synchronized InformerSource watch(KubernetesClient client, String cluster) {
        InformerSource s = new InformerSource(client, cluster, history, InformerSource::now).start();
        sources.add(s);
        return s;
    }

    /** Makes the history recorded so far durable (fsync). */
    public void flush() {
        log.flush();
        if (baseline instanceof LearnedBaseline b) {
            b.flush();
        }
    }

    /** The learned baseline, when the configuration turns it on. */
    public java.util.Optional<LearnedBaseline> baseline() {
        return baseline instanceof LearnedBaseline b ? java.util.Optional.of(b) : java.util.Optional.empty();
    }

    @Override
    public synchronized void close() {
        try {
            sources.forEach(InformerSource::close);
            sources.clear();
        } finally {
            log.close();
            if (baseline instanceof LearnedBaseline b) {
                b.close();
            }
        }
    }
}
