package io.podtrail.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.podtrail.event.Event;
import io.podtrail.ingest.EventSink;
import io.podtrail.ingest.PodtrailJsonSource;
import io.podtrail.ingest.Rejection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The default policy set's rule tests are data: {@code src/test/resources/io/podtrail/detect/cases/*.yaml}, one
 * file per rule, each a list of cases: native Podtrail events in (docs/native-format.md, written as YAML), the
 * {@code podtrail.id}s of the events that must raise the rule out (and none other). Every default rule has a file.
 */
class RuleCasesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    static final RuleSet DEFAULTS = RuleLoader.load(DefaultRules.file());

    static Path casesDir() throws URISyntaxException {
        URL u = RuleCasesTest.class.getResource("/io/podtrail/detect/cases");
        return Path.of(u.toURI());
    }

    /** Reads native events given as YAML maps, through the native format's reader. */
    static List<Event> events(JsonNode list) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (JsonNode e : list) {
            lines.append(JSON.writeValueAsString(e)).append('\n');
        }
        List<Event> out = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(lines.toString().getBytes(StandardCharsets.UTF_8))) {
            new PodtrailJsonSource().read(in, "case", new EventSink() {
                @Override
                public void accept(Event event) {
                    out.add(event);
                }

                @Override
                public void reject(Rejection r) {
                    rejected.add(r);
                }
            });
        }
        assertThat(rejected).as("case events must be valid native events").isEmpty();
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyCase() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(casesDir())) {
            for (Path f : files.sorted().toList()) {
                JsonNode doc = YAML.readTree(f.toFile());
                String rule = doc.path("rule").asText();
                for (JsonNode c : doc.path("cases")) {
                    tests.add(DynamicTest.dynamicTest(f.getFileName() + ": " + c.path("name").asText(), () -> {
                        RuleEngine engine = RuleEngine.of(DEFAULTS);
                        Set<Long> fired = new TreeSet<>();
                        for (Event e : events(c.path("events"))) {
                            for (PolicyEvent p : engine.detect(e)) {
                                if (p.rule().equals(rule)) {
                                    fired.add(p.eventId());
                                    assertThat(p.output()).isNotBlank();
                                }
                            }
                        }
                        Set<Long> expected = new TreeSet<>();
                        c.path("expect").forEach(x -> expected.add(x.asLong()));
                        assertThat(fired).as(rule + " fires on").isEqualTo(expected);
                    }));
                }
            }
        }
        return tests.stream();
    }

    @Test
    void everyDefaultRuleLoadsAndHasCases() throws Exception {
        assertThat(DEFAULTS.statuses()).allSatisfy(s -> assertThat(s.status()).as(s.rule() + ": " + s.reason())
                .isEqualTo(RuleStatus.Status.LOADED));
        assertThat(DEFAULTS.diagnostics()).filteredOn(d -> d.severity() == RuleDiagnostic.Severity.ERROR).isEmpty();
        Set<String> covered = new TreeSet<>();
        try (Stream<Path> files = Files.list(casesDir())) {
            for (Path f : files.toList()) {
                covered.add(YAML.readTree(f.toFile()).path("rule").asText());
            }
        }
        assertThat(covered).containsAll(DEFAULTS.rules().stream().map(Rule::name).toList());
    }
}
