/**
 * The filter language: Falco's condition syntax.
 *
 * <p>Pipeline: {@link io.podtrail.query.FilterParser} (text → {@link io.podtrail.query.Expr}, syntax only;
 * bare words stay {@code Identifier}s for macro expansion) → {@link io.podtrail.query.FilterResolver}
 * (names and types against {@link io.podtrail.event.Fields} → {@link io.podtrail.query.Condition}) →
 * a backend: {@code io.podtrail.store.duckdb.DuckDbFilterSql} (SQL) or
 * {@link io.podtrail.query.FilterEvaluator} (in memory), which share one semantics.
 * {@link io.podtrail.query.Filter#compile(String)} runs parser and resolver. Errors are
 * {@link io.podtrail.query.FilterException}s carrying positioned {@link io.podtrail.query.Diagnostic}s.
 */
package io.podtrail.query;
