package io.podtrail.store.duckdb;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A stand-in for DuckDbFilterSql: understands "" and {@code column = 'value'} only. */
final class TestFilters implements FilterCompiler {

    private static final Pattern EQ = Pattern.compile("([a-z0-9_]+) = '(.*)'");

    @Override
    public SqlFragment compile(String text) {
        if (text.isBlank()) {
            return SqlFragment.TRUE;
        }
        Matcher m = EQ.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("test compiler cannot parse " + text);
        }
        return new SqlFragment(m.group(1) + " = ?", List.of(m.group(2)));
    }
}
