package io.podtrail.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.podtrail.event.Event;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Golden test of the rule loader: {@code detect/golden/base_rules.yaml} then {@code local_rules.yaml} (lists,
 * macros, exceptions, append and override, and one rule per kind of problem) give the statuses, diagnostics
 * (code, file, line, column, item) and, on {@code events.yaml}, the policy events and their outputs in
 * {@code rules.golden}. To accept new output, run once with {@code -Dgolden.update=true} and review the diff.
 */
class RulesGoldenTest {

    private static final Path DIR = Path.of("src/test/resources/io/podtrail/detect/golden");

    @Test
    void rulesMatchGolden() throws Exception {
        RuleSet set = RuleLoader.load(RuleLoader.RulesFile.of(DIR.resolve("base_rules.yaml")),
                RuleLoader.RulesFile.of(DIR.resolve("local_rules.yaml")));
        StringBuilder out = new StringBuilder("# statuses\n");
        for (RuleStatus s : set.statuses()) {
            out.append(s.rule()).append(" | ").append(name(s.file())).append(':').append(s.line()).append(" | ")
                    .append(s.status().label()).append(" | ").append(s.reason()).append('\n');
        }
        out.append("\n# diagnostics\n");
        for (RuleDiagnostic d : set.diagnostics()) {
            out.append(d.toString().replace(DIR.toString() + "/", "")).append('\n');
        }
        out.append("\n# required\n");
        set.requiredEngineVersions().forEach(v -> out.append("engine ").append(v.replace(DIR.toString() + "/", "")).append('\n'));
        set.requiredPlugins().forEach(v -> out.append("plugin ").append(v).append('\n'));
        out.append("\n# policy events\n");
        RuleEngine engine = RuleEngine.of(set);
        for (Event e : RuleCasesTest.events(new ObjectMapper(new YAMLFactory()).readTree(DIR.resolve("events.yaml").toFile()))) {
            for (PolicyEvent p : engine.detect(e)) {
                out.append(e.id()).append(" | ").append(p.rule()).append(" | ").append(p.priority().label()).append(" | ")
                        .append(p.tags()).append(" | ").append(p.output()).append('\n');
            }
        }
        Path golden = DIR.resolve("rules.golden");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(golden, out.toString(), StandardCharsets.UTF_8);
        }
        assertThat(out.toString()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    private static String name(String file) {
        return file.substring(file.lastIndexOf('/') + 1);
    }
}
