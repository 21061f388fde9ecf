package io.podtrail.store.duckdb;

import java.util.List;

/**
 * A piece of SQL with {@code ?} placeholders and the values to bind to them, in order.
 * User values only ever travel in {@link #params()}, never in {@link #sql()}.
 *
 * @param params String, Long or Boolean values (IP numbers are Strings cast to HUGEINT in the SQL)
 */
public record SqlFragment(String sql, List<Object> params) {
    public SqlFragment {
        params = List.copyOf(params);
    }
}
