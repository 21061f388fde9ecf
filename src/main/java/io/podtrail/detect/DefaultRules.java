package io.podtrail.detect;

/** Podtrail's default policy set, shipped in the jar (documented in docs/rules.md). */
public final class DefaultRules {

    /** Class-path location of the default rules file. */
    public static final String RESOURCE = "/io/podtrail/rules/podtrail_rules.yaml";

    private DefaultRules() {
    }

    public static RuleLoader.RulesFile file() {
        return RuleLoader.RulesFile.resource(RESOURCE);
    }
}
