package io.podtrail.store.duckdb;

import java.util.List;

/**
 * A compiled filter: a SQL boolean expression over the events table's columns with {@code ?}
 * placeholders, and its parameters (String, Long, Boolean, BigInteger for HUGEINT, List for lists).
 */
public record SqlFragment(String sql, List<Object> params) {
    public SqlFragment {
        params = params == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(params));
    }

    /** Matches every row. */
    public static final SqlFragment TRUE = new SqlFragment("TRUE", List.of());
}
