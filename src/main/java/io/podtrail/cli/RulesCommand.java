package io.podtrail.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podtrail.detect.RuleDiagnostic;
import io.podtrail.detect.RuleLoader;
import io.podtrail.detect.RuleSet;
import io.podtrail.detect.RuleStatus;
import io.podtrail.detect.RuleStatus.Status;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code podtrail rules}: work with rules files (Falco's format). */
@Command(name = "rules", description = "Rules files in Falco's format.", subcommands = RulesCommand.Check.class)
final class RulesCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** {@code podtrail rules check FILE...}: what each rule becomes when Podtrail loads the files. */
    @Command(name = "check", description = {
            "Load rules files as Podtrail would (in the order given: later files append to and override earlier ones)",
            "and print each rule's status: loaded, disabled, skipped (needs a field Podtrail does not have, or another",
            "event source) or error, with the reason, then a summary. Exit code 1 when there is an error (a rule, a",
            "macro, a list or the YAML itself); warnings (-v) do not count.",
            "  podtrail rules check falco_rules.yaml my_rules.yaml",
            "  podtrail rules check --defaults my_overrides.yaml -o json"})
    static final class Check implements Callable<Integer> {

        enum Format { table, json }

        @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json (one object per rule per line).")
        Format output;

        @Option(names = "--defaults", description = "Load Podtrail's default policy set first (as ingest does).")
        boolean defaults;

        @Option(names = {"-v", "--verbose"}, description = "Also print every diagnostic (warnings included) on stderr.")
        boolean verbose;

        @Parameters(arity = "0..*", paramLabel = "FILE", description = "Rules files (YAML).")
        List<Path> files = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            List<RuleLoader.RulesFile> in = new ArrayList<>();
            if (defaults) {
                in.add(io.podtrail.detect.DefaultRules.file());
            }
            for (Path p : files) {
                in.add(RuleLoader.RulesFile.of(p));
            }
            if (in.isEmpty()) {
                throw new IllegalArgumentException("give at least one rules file (or --defaults)");
            }
            RuleSet set = RuleLoader.load(in);
            PrintWriter out = new PrintWriter(System.out, false);
            PrintWriter err = new PrintWriter(System.err, true);
            if (output == Format.json) {
                ObjectMapper json = new ObjectMapper();
                for (RuleStatus s : set.statuses()) {
                    ObjectNode o = json.createObjectNode();
                    o.put("rule", s.rule());
                    o.put("file", s.file());
                    o.put("line", s.line());
                    o.put("source", s.source());
                    o.put("status", s.status().label());
                    o.put("reason", s.reason());
                    o.putPOJO("missing_fields", s.missingFields());
                    out.println(json.writeValueAsString(o));
                }
            } else {
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("RULE", "FILE", "STATUS", "REASON"));
                for (RuleStatus s : set.statuses()) {
                    rows.add(List.of(s.rule(), fileName(s.file()) + ":" + s.line(), s.status().label(), s.reason()));
                }
                TextTable.print(out, rows);
                out.println();
                out.println(summary(set));
                for (String v : set.requiredEngineVersions()) {
                    out.println("required_engine_version " + v + " (accepted)");
                }
                for (String p : set.requiredPlugins()) {
                    out.println("required plugin " + p + " (accepted; Podtrail reads k8s_audit events itself)");
                }
                Map<String, Integer> missing = new TreeMap<>();
                for (RuleStatus s : set.statuses()) {
                    if (s.status() == Status.SKIPPED) {
                        s.missingFields().forEach(f -> missing.merge(f, 1, Integer::sum));
                    }
                }
                if (!missing.isEmpty()) {
                    List<String> parts = new ArrayList<>();
                    missing.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                            .forEach(e -> parts.add(e.getKey() + " (" + e.getValue() + ")"));
                    out.println("fields that skipped rules: " + String.join(", ", parts));
                }
            }
            out.flush();
            for (RuleDiagnostic d : set.diagnostics()) {
                if (verbose || d.severity() == RuleDiagnostic.Severity.ERROR) {
                    err.println(d);
                }
            }
            boolean errors = set.count(Status.ERROR) > 0
                    || set.diagnostics().stream().anyMatch(d -> d.severity() == RuleDiagnostic.Severity.ERROR);
            return errors ? 1 : 0;
        }

        private static String fileName(String f) {
            int slash = f.lastIndexOf('/');
            return slash < 0 ? f : f.substring(slash + 1);
        }
    }

    /** {@code N rules: L loaded, D disabled, S skipped, E errors}. */
    static String summary(RuleSet set) {
        return set.statuses().size() + " rules: " + set.count(Status.LOADED) + " loaded, " + set.count(Status.DISABLED)
                + " disabled, " + set.count(Status.SKIPPED) + " skipped, " + set.count(Status.ERROR) + " errors";
    }
}
