package io.podtrail.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.podtrail.enrich.LearnedBaseline;
import io.podtrail.enrich.PodtrailConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** {@code podtrail baseline list|reset}: the learned baseline of known destinations per workload. */
@Command(name = "baseline", description = {"The learned baseline: the external destinations each workload contacted in",
        "its learning period (learning.period in podtrail.yaml), which are known (peer.known = true) afterwards."},
        subcommands = {BaselineCommand.ListBaseline.class, BaselineCommand.Reset.class})
final class BaselineCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /** Which workloads: --workload NS/NAME and --cluster C, or all. */
    static final class Selection {
        @Option(names = "--workload", paramLabel = "NS/NAME", description = "Only this workload (namespace/top-level owner name).")
        String workload;

        @Option(names = "--cluster", paramLabel = "CLUSTER", description = "Only workloads of this cluster.")
        String cluster;

        Predicate<LearnedBaseline.Workload> predicate() {
            String ns;
            String name;
            if (workload != null) {
                int slash = workload.indexOf('/');
                if (slash <= 0 || slash == workload.length() - 1) {
                    throw new IllegalArgumentException("--workload: '" + workload + "' is not NAMESPACE/NAME");
                }
                ns = workload.substring(0, slash);
                name = workload.substring(slash + 1);
            } else {
                ns = null;
                name = null;
            }
            return w -> (cluster == null || cluster.equals(w.cluster())) && (ns == null || (ns.equals(w.namespace()) && name.equals(w.name())));
        }
    }

    static LearnedBaseline open(Path data, Path configFile) throws Exception {
        PodtrailConfig config = configFile != null ? PodtrailConfig.load(configFile) : PodtrailConfig.forDataDir(data);
        if (config.learningPeriod() == null) {
            System.err.println("note: the learned baseline is off (no learning.period in " + (configFile != null ? configFile
                    : data.resolve(PodtrailConfig.FILE_NAME)) + "); showing what was kept");
        }
        return LearnedBaseline.open(data.resolve(LearnedBaseline.FILE),
                config.learningPeriod() == null ? Duration.ZERO : config.learningPeriod());
    }

    @Command(name = "list", description = "Per workload: when it was first seen, when its learning ended, the destinations learned.")
    static final class ListBaseline implements Callable<Integer> {
        @Mixin
        DataDir dataDir;

        @Mixin
        Selection selection;

        @Option(names = "--config", paramLabel = "FILE", description = "podtrail.yaml to use instead of DATA/podtrail.yaml.")
        Path config;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
        String output;

        @Override
        public Integer call() throws Exception {
            Predicate<LearnedBaseline.Workload> which = selection.predicate();
            List<LearnedBaseline.Entry> entries;
            try (LearnedBaseline b = open(dataDir.resolve(), config)) {
                entries = b.list().stream().filter(e -> which.test(e.workload())).toList();
            }
            PrintWriter out = new PrintWriter(System.out, false);
            if (output.equals("json")) {
                ObjectMapper json = new ObjectMapper();
                for (LearnedBaseline.Entry e : entries) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("k8s.cluster.name", e.workload().cluster());
                    m.put("k8s.ns.name", e.workload().namespace());
                    m.put("k8s.workload.name", e.workload().name());
                    m.put("first_seen", e.firstSeen());
                    m.put("learning_ends", e.learningEnds());
                    m.put("destinations", e.destinations());
                    out.println(json.writeValueAsString(m));
                }
            } else if (!output.equals("table")) {
                throw new IllegalArgumentException("-o: '" + output + "' is not an output format (table or json)");
            } else if (entries.isEmpty()) {
                out.println("(nothing learned)");
            } else {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("WORKLOAD", "FIRST SEEN", "LEARNING ENDS", "DESTINATIONS"));
                for (LearnedBaseline.Entry e : entries) {
                    rows.add(List.of(e.workload().toString(), EventPrinter.formatTime(e.firstSeen()),
                            EventPrinter.formatTime(e.learningEnds()), e.destinations().size() + " " + summary(e.destinations())));
                }
                TextTable.print(out, rows);
            }
            out.flush();
            return 0;
        }

        private static String summary(List<String> ips) {
            List<String> shown = ips.subList(0, Math.min(5, ips.size()));
            return "(" + String.join(", ", shown) + (ips.size() > shown.size() ? ", ..." : "") + ")";
        }
    }

    @Command(name = "reset", description = {"Forget what was learned (for --workload, --cluster, or every workload with --all):",
            "those workloads learn again from their next event. A running server keeps its own copy until it restarts."})
    static final class Reset implements Callable<Integer> {
        @Mixin
        DataDir dataDir;

        @Mixin
        Selection selection;

        @Option(names = "--all", description = "Every workload.")
        boolean all;

        @Option(names = "--config", paramLabel = "FILE", description = "podtrail.yaml to use instead of DATA/podtrail.yaml.")
        Path config;

        @Override
        public Integer call() throws Exception {
            if (!all && selection.workload == null && selection.cluster == null) {
                throw new IllegalArgumentException("say which workloads to reset: --workload NS/NAME, --cluster C, or --all");
            }
            Predicate<LearnedBaseline.Workload> which = all ? null : selection.predicate();
            try (LearnedBaseline b = open(dataDir.resolve(), config)) {
                int n = b.reset(which);
                System.out.println("reset the baseline of " + n + " workload" + (n == 1 ? "" : "s"));
            }
            return 0;
        }
    }
}
