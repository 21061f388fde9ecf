package io.podtrail.detect;

import java.util.List;

/**
 * The result of loading rules files: the rules that load (enabled, every field known), the status of every
 * rule, the diagnostics, and the versions the files require.
 *
 * @param requiredEngineVersions {@code required_engine_version} of each file that has one (accepted, reported)
 * @param requiredPlugins        {@code required_plugin_versions} entries as {@code name version} (accepted, reported)
 */
public record RuleSet(List<Rule> rules, List<RuleStatus> statuses, List<RuleDiagnostic> diagnostics,
                      List<String> requiredEngineVersions, List<String> requiredPlugins) {

    public RuleSet {
        rules = List.copyOf(rules);
        statuses = List.copyOf(statuses);
        diagnostics = List.copyOf(diagnostics);
        requiredEngineVersions = List.copyOf(requiredEngineVersions);
        requiredPlugins = List.copyOf(requiredPlugins);
    }

    public static final RuleSet EMPTY = new RuleSet(List.of(), List.of(), List.of(), List.of(), List.of());

    public long count(RuleStatus.Status s) {
        return statuses.stream().filter(r -> r.status() == s).count();
    }
}
