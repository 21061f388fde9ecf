package io.podtrail.store.duckdb;

import io.podtrail.query.EventQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A child JVM appends; it is killed right after it reports an append; every reported row must be there. */
class DurabilityTest {

    @TempDir
    Path dir;

    @Test
    void reportedAppendsSurviveAForcibleKill() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), AppendChild.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long reported = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("APPENDED ")) {
                    reported = Long.parseLong(line.substring(9));
                    if (reported >= 5L * AppendChild.BATCH) {
                        child.destroyForcibly();
                        break;
                    }
                }
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(reported).isEqualTo(5L * AppendChild.BATCH);
        long acknowledged = reported;
        try (DuckDbEventStore store = DuckDbEventStore.open(dir)) {
            long count = store.count();
            assertThat(count).isGreaterThanOrEqualTo(acknowledged);
            assertThat(count % AppendChild.BATCH).as("batches are atomic").isZero();
            // every reported id is there, with its payload
            long present = store.withConnection(c -> {
                try (var ps = c.prepareStatement("SELECT count(DISTINCT podtrail_id) FROM events WHERE podtrail_id < ?")) {
                    ps.setLong(1, acknowledged);
                    try (var r = ps.executeQuery()) {
                        r.next();
                        return r.getLong(1);
                    }
                }
            });
            assertThat(present).isEqualTo(acknowledged);
            assertThat(store.raw(acknowledged - 1)).isEqualTo(TestEvents.exec(acknowledged - 1, 0, "child cmd " + (acknowledged - 1)).raw());
            assertThat(store.query(new EventQuery("", null, null, 1, null)).events()).hasSize(1);
            // and the store still takes appends after recovery
            assertThat(store.append(List.of(TestEvents.exec(-1, TestEvents.T0, "after"))).stored()).isEqualTo(1);
        }
    }
}
