package io.podtrail.enrich;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The learned baseline: learning from the first sight of a workload, afterwards known or not, kept across restarts. */
class LearnedBaselineTest {

    private static final long H = 3_600_000_000_000L;
    private static final long T0 = 1_800_000_000_000_000_000L;

    @Test
    void destinationsOfTheLearningPeriodAreKnownAfterIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(LearnedBaseline.FILE);
        try (LearnedBaseline b = LearnedBaseline.open(file, Duration.ofHours(24))) {
            b.seen("c1", "billing", "billing-api", T0);
            assertThat(b.learned("c1", "billing", "billing-api", "93.184.216.34", 443L, T0 + H)).isTrue();
            assertThat(b.learned("c1", "billing", "billing-api", "93.184.216.34", 443L, T0 + 30 * H)).isTrue();
            assertThat(b.learned("c1", "billing", "billing-api", "198.51.100.23", 80L, T0 + 30 * H)).isFalse();
            // another workload (or the same name in another namespace or cluster) learns on its own
            assertThat(b.learned("c1", "frontend", "billing-api", "198.51.100.23", 80L, T0 + 30 * H)).isTrue();
            assertThat(b.learned("c2", "billing", "billing-api", "198.51.100.23", 80L, T0 + 30 * H)).isTrue();
        }
        try (LearnedBaseline b = LearnedBaseline.open(file, Duration.ofHours(24))) {
            assertThat(b.learned("c1", "billing", "billing-api", "93.184.216.34", 443L, T0 + 40 * H)).isTrue();
            assertThat(b.learned("c1", "billing", "billing-api", "198.51.100.23", 80L, T0 + 40 * H)).isFalse();
            assertThat(b.list()).hasSize(3).first().satisfies(e -> {
                assertThat(e.workload()).isEqualTo(new LearnedBaseline.Workload("c1", "billing", "billing-api"));
                assertThat(e.firstSeen()).isEqualTo(T0);
                assertThat(e.learningEnds()).isEqualTo(T0 + 24 * H);
                assertThat(e.destinations()).containsExactly("93.184.216.34");
            });
            assertThat(b.reset(w -> w.namespace().equals("billing"))).isEqualTo(2);
        }
        try (LearnedBaseline b = LearnedBaseline.open(file, Duration.ofHours(24))) {
            assertThat(b.list()).extracting(e -> e.workload().namespace()).containsExactly("frontend");
            // reset: the workload learns again from its next event
            assertThat(b.learned("c1", "billing", "billing-api", "198.51.100.23", 80L, T0 + 50 * H)).isTrue();
        }
    }

    @Test
    void aTornLastLineIsSkipped(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("b.jsonl");
        Files.writeString(file, "{\"kind\":\"workload\",\"cluster\":\"c\",\"ns\":\"n\",\"workload\":\"w\",\"first_seen\":5}\n{\"kind\":\"destin");
        try (LearnedBaseline b = LearnedBaseline.open(file, Duration.ofHours(1))) {
            assertThat(b.list()).singleElement().satisfies(e -> assertThat(e.firstSeen()).isEqualTo(5));
        }
    }
}
