package io.podtrail.cli;

import io.podtrail.enrich.EnrichStats;
import io.podtrail.enrich.KubernetesContext;
import io.podtrail.enrich.PodtrailConfig;
import io.podtrail.enrich.SnapshotReader;
import io.podtrail.event.SourceFormat;
import io.podtrail.correlate.CorrelationStats;
import io.podtrail.correlate.SessionCorrelator;
import io.podtrail.pipeline.IngestPipeline;
import io.podtrail.pipeline.TrailWriter;
import io.podtrail.pipeline.IngestSummary;
import io.podtrail.store.EventStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code podtrail ingest}: imports sensor and audit files into the trail. */
@Command(name = "ingest", description = {
        "Import Kubernetes audit logs, Tetragon exports, Falco JSON alerts or Podtrail native events into the trail.",
        "Re-ingesting the same input stores nothing twice; bad records are kept under DIR/rejected/ with their line and reason."})
final class IngestCommand implements Callable<Integer> {

    @Mixin
    DataDir dataDir;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "FORMAT",
            description = "auto, k8s-audit, tetragon, falco or podtrail (default: detect per file).")
    String format;

    @Option(names = "--batch", defaultValue = "" + IngestPipeline.DEFAULT_BATCH, paramLabel = "N", hidden = true,
            description = "Events per committed batch.")
    int batch;

    @Option(names = "--context", paramLabel = "FILE",
            description = "A Kubernetes snapshot to add to the context history first: what 'kubectl get namespaces,nodes,pods,"
                    + "replicasets,deployments,statefulsets,daemonsets,jobs,cronjobs,services -A -o json' prints. Repeatable.")
    List<Path> contexts = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE",
            description = "Context configuration (podtrail.yaml format: cluster, trusted, learning) instead of DATA/podtrail.yaml.")
    Path config;

    @Option(names = "--cluster", paramLabel = "NAME", description = "Cluster name for --context snapshots (default: from podtrail.yaml, else 'default').")
    String cluster;

    @Mixin
    RulesOptions rulesOptions;

    @Parameters(arity = "0..*", paramLabel = "FILE|DIR", description = "Files or directories (recursively); .gz files are decompressed.")
    List<Path> inputs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        SourceFormat fmt = "auto".equals(format) ? null : SourceFormat.fromId(format);
        Path data = dataDir.resolve();
        PrintStream err = System.err;
        long start = System.nanoTime();
        IngestSummary s;
        CorrelationStats sessions;
        io.podtrail.detect.RuleEngine detector;
        if (inputs.isEmpty() && contexts.isEmpty()) {
            throw new IllegalArgumentException("nothing to ingest: give FILE|DIR arguments and/or --context FILE");
        }
        try (KubernetesContext context = config == null ? KubernetesContext.open(data)
                : KubernetesContext.open(data, PodtrailConfig.load(config))) {
            for (Path snapshot : contexts) {
                SnapshotReader.Result r = cluster == null ? context.loadSnapshot(snapshot) : context.loadSnapshot(snapshot, cluster);
                System.out.printf("context: %,d objects from %s (%,d history records)%n", r.objects(), snapshot, r.records());
            }
            detector = io.podtrail.detect.RuleEngine.of(rulesOptions.load(err));
            try (EventStore store = Stores.open(data)) {
                SessionCorrelator correlator = new SessionCorrelator(store.archive());
                try (IngestPipeline pipeline = new IngestPipeline(new TrailWriter(store, correlator, detector), context.enricher(),
                        data.resolve("rejected"), batch)) {
                    s = pipeline.ingestPaths(inputs, fmt, progressBar(err));
                }
                sessions = correlator.stats();
            }
            printEnrichment(context.enricher().stats());
        }
        double secs = (System.nanoTime() - start) / 1e9;
        if (System.console() != null) {
            err.print("\r\033[K");
        }
        PrintStream out = System.out;
        out.printf("read %,d events in %.1f s (%,.0f events/s)%n", s.read(), secs, s.read() / Math.max(secs, 1e-9));
        for (Map.Entry<String, Long> e : s.readByFormat().entrySet()) {
            out.printf("  %-10s %,d%n", e.getKey(), e.getValue());
        }
        out.printf("stored     %,d%n", s.stored());
        out.printf("duplicates %,d%n", s.duplicates());
        if (s.merged() > 0) {
            out.printf("merged     %,d (audit stages joined to their request)%n", s.merged());
        }
        out.printf("rejected   %,d%n", s.rejected());
        for (Map.Entry<String, Long> e : s.rejectedByReason().entrySet()) {
            out.printf("  %,8d  %s%n", e.getValue(), e.getKey());
        }
        if (s.rejectedFile() != null) {
            out.println("rejected records kept in " + s.rejectedFile());
        }
        if (sessions.sessions() > 0 || sessions.outsideApi() > 0) {
            out.printf("sessions   %,d (%,d exact, %,d ambiguous, %,d without a process, %,d pending)%s%n", sessions.sessions(),
                    sessions.matched(), sessions.ambiguous(), sessions.unmatched(),
                    Math.max(0, sessions.sessions() - sessions.matched() - sessions.ambiguous() - sessions.unmatched()),
                    sessions.outsideApi() > 0 ? String.format(", %,d shells outside the Kubernetes API", sessions.outsideApi()) : "");
        }
        io.podtrail.detect.Detector.Stats ds = detector.stats();
        out.printf("policies   %,d rules, %,d policy events raised (podtrail policy-events)%n", detector.rules().size(),
                ds.policyEvents());
        return 0;
    }

    private static void printEnrichment(EnrichStats stats) {
        if (stats.unresolvedCount() > 0) {
            System.out.printf("context: %,d events could not be fully resolved yet (%s); they stay marked in podtrail.unresolved%n",
                    stats.unresolvedCount(), stats.unresolvedByReason());
        }
    }

    /** A one-line progress bar on a terminal for inputs over 16 MB; nothing otherwise. */
    private static IngestPipeline.Progress progressBar(PrintStream err) {
        if (System.console() == null) {
            return IngestPipeline.Progress.NONE;
        }
        long start = System.nanoTime();
        return (done, total) -> {
            if (total < (16L << 20)) {
                return;
            }
            int width = 30;
            int filled = (int) (width * done / Math.max(total, 1));
            double secs = Math.max((System.nanoTime() - start) / 1e9, 1e-3);
            err.printf("\r[%s%s] %3d%%  %,d / %,d MB  %.0f MB/s", "#".repeat(filled), " ".repeat(width - filled),
                    100 * done / Math.max(total, 1), done >> 20, total >> 20, (done >> 20) / secs);
        };
    }
}
