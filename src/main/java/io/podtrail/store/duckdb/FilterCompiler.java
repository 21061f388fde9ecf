package io.podtrail.store.duckdb;

/**
 * Turns filter-language text into a WHERE fragment over the events table (implemented by
 * {@code DuckDbFilterSql}). The store injects it so that it stays independent of the language.
 */
@FunctionalInterface
public interface FilterCompiler {

    /** @throws IllegalArgumentException when the text is not a valid filter */
    SqlFragment compile(String filterText);

    /**
     * A filter of the policy-events feed, which may also name the policy.* fields (columns policy_rule,
     * policy_priority, policy_tags, policy_output of the feed's query). By default the same as {@link #compile}.
     */
    default SqlFragment compilePolicyFeed(String filterText) {
        return compile(filterText);
    }

    /** Understands only the empty filter; anything else is rejected. */
    FilterCompiler EMPTY_ONLY = text -> {
        if (text == null || text.isBlank()) {
            return SqlFragment.TRUE;
        }
        throw new IllegalArgumentException("no filter compiler configured; cannot evaluate: " + text);
    };
}
