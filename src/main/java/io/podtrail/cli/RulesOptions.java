package io.podtrail.cli;

import io.podtrail.detect.DefaultRules;
import io.podtrail.detect.RuleDiagnostic;
import io.podtrail.detect.RuleLoader;
import io.podtrail.detect.RuleSet;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The policy options of ingest and serve: the default set, plus or instead of rules files. */
final class RulesOptions {

    @Option(names = "--rules", paramLabel = "FILE", split = ",",
            description = "Rules files (Falco's format) loaded after the default policy set: they add rules and may append "
                    + "to or override the defaults. Repeatable.")
    List<Path> rules = new ArrayList<>();

    @Option(names = "--no-default-rules", description = "Do not load Podtrail's default policy set (only --rules files).")
    boolean noDefaults;

    @Option(names = "--no-rules", description = "Run no rules at all (no policy events).")
    boolean none;

    /** The rules to run; problems in the files are printed on {@code err} (never fatal: the other rules load). */
    RuleSet load(PrintStream err) throws IOException {
        if (none) {
            return RuleSet.EMPTY;
        }
        List<RuleLoader.RulesFile> files = new ArrayList<>();
        if (!noDefaults) {
            files.add(DefaultRules.file());
        }
        for (Path p : rules) {
            files.add(RuleLoader.RulesFile.of(p));
        }
        RuleSet set = RuleLoader.load(files);
        for (RuleDiagnostic d : set.diagnostics()) {
            if (d.severity() == RuleDiagnostic.Severity.ERROR) {
                err.println("rules: " + d);
            }
        }
        if (!rules.isEmpty()) {
            err.println("rules: " + RulesCommand.summary(set) + " (podtrail rules check for details)");
        }
        return set;
    }
}
