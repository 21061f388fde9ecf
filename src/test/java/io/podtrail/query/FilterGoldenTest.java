package io.podtrail.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtrail.store.duckdb.DuckDbFilterSql;
import io.podtrail.store.duckdb.SqlFragment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden test: every line of {@code query/golden/filters.txt} is a filter; {@code filters.golden} holds its
 * parse tree and either the SQL or the rendered diagnostics. To accept new output, run once with
 * {@code -Dgolden.update=true} and review the diff.
 */
class FilterGoldenTest {

    private static final Path DIR = Path.of("src/test/resources/query/golden");

    @Test
    void filtersMatchGolden() throws IOException {
        List<String> inputs = Files.readAllLines(DIR.resolve("filters.txt"), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (String line : inputs) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            out.append("filter: ").append(line).append('\n');
            out.append(render(line));
            out.append('\n');
        }
        Path golden = DIR.resolve("filters.golden");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, out.toString(), StandardCharsets.UTF_8);
        }
        assertThat(out.toString()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    static String render(String text) {
        StringBuilder sb = new StringBuilder();
        try {
            Expr e = FilterParser.parse(text);
            sb.append("ast: ").append(ExprPrinter.print(e)).append('\n');
            Condition c = FilterResolver.resolve(text, e);
            SqlFragment sql = DuckDbFilterSql.compile(c);
            sb.append("sql: ").append(sql.sql()).append('\n');
            sb.append("params: ").append(sql.params()).append('\n');
        } catch (FilterException ex) {
            sb.append(ex.render(text));
        }
        return sb.toString();
    }
}
