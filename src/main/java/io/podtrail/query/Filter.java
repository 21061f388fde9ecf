package io.podtrail.query;

import java.util.List;

/**
 * A compiled filter: the query entry point. {@code Filter.compile(text)} parses and resolves; backends
 * take {@link #condition()} ({@code DuckDbFilterSql.compile}, {@link FilterEvaluator#of(Filter)}).
 *
 * @param text      the filter as written
 * @param expr      the parsed tree, or null for the empty filter
 * @param condition the resolved condition ({@code All[]}, always true, for the empty filter)
 */
public record Filter(String text, Expr expr, Condition condition) {

    /** The empty filter: matches every event. */
    public static final Filter ALL = new Filter("", null, new Condition.All(List.of()));

    /**
     * Parses and resolves a filter. A null, empty or blank text matches everything. Macros and lists are not
     * known here: a bare word is an {@code unknown-field-or-macro} error.
     *
     * @throws FilterException with every diagnostic found (one for a syntax error)
     */
    public static Filter compile(String text) throws FilterException {
        if (text == null || text.isBlank()) {
            return ALL;
        }
        Expr e = FilterParser.parse(text);
        return new Filter(text, e, FilterResolver.resolve(text, e));
    }

    /**
     * Like {@link #compile(String)} for the policy-events feed: the {@code policy.*} fields (aliases rule,
     * priority, tags, output) are known as well as every event field.
     */
    public static Filter compilePolicyFeed(String text) throws FilterException {
        if (text == null || text.isBlank()) {
            return ALL;
        }
        Expr e = FilterParser.parse(text);
        return new Filter(text, e, FilterResolver.resolvePolicyFeed(text, e));
    }
}
