package io.podtrail.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule and macro condition of Falco's own rules files parses without a syntax error (read in place
 * from the shared fixtures directory, system property {@code podtrail.fixtures}; skipped when absent).
 */
class FalcoRulesParseTest {

    static Stream<String> rulesFiles() {
        return Stream.of("falco-rules/falco_rules.yaml", "falco-rules/falco-incubating_rules.yaml",
                "falco-rules/falco-sandbox_rules.yaml", "falco-rules/falco-deprecated_rules.yaml",
                "falco-k8saudit-plugin/k8s_audit_rules.yaml");
    }

    @ParameterizedTest
    @MethodSource("rulesFiles")
    void everyConditionParses(String file) throws IOException {
        String dir = System.getProperty("podtrail.fixtures");
        Assumptions.assumeTrue(dir != null && Files.isDirectory(Path.of(dir)), "fixtures directory absent");
        Path path = Path.of(dir, file);
        Assumptions.assumeTrue(Files.isRegularFile(path), path + " absent");
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
        List<String> failures = new ArrayList<>();
        int parsed = 0;
        for (JsonNode item : doc) {
            JsonNode cond = item.get("condition");
            if (cond == null || !cond.isTextual()) {
                continue;
            }
            String name = item.has("rule") ? "rule " + item.get("rule").asText() : "macro " + item.path("macro").asText();
            try {
                Expr e = FilterParser.parse(cond.asText());
                assertThat(ExprPrinter.print(e)).isNotEmpty();
                parsed++;
            } catch (FilterException ex) {
                failures.add(name + ":\n" + ex.render());
            }
        }
        assertThat(failures).as(file).isEmpty();
        assertThat(parsed).as("conditions parsed in " + file).isGreaterThan(5);
    }
}
