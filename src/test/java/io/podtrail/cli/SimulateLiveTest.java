package io.podtrail.cli;

import io.podtrail.event.Event;
import io.podtrail.event.Fields;
import io.podtrail.query.EventQuery;
import io.podtrail.server.PodtrailServer;
import io.podtrail.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** podtrail simulate --server: a few seconds of a live cluster arrive at a running server through its ingest API. */
class SimulateLiveTest {

    @TempDir
    Path data;

    @Test
    void streamsLiveEventsWithCurrentTimestampsThroughTheIngestEndpoints() throws Exception {
        try (PodtrailServer server = PodtrailServer.start(ServerConfig.defaults(data).withListen("127.0.0.1:0"))) {
            String token = Files.readString(server.createdAdminToken().orElseThrow()).strip();
            long before = System.currentTimeMillis() * 1_000_000L;
            long t0 = System.nanoTime();
            CliRunner.Result r = CliRunner.run("simulate", "--server", server.url(), "--token", token,
                    "--minutes", "0.05", "--rate", "100", "--seed", "3");
            double secs = (System.nanoTime() - t0) / 1e9;
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("sent ");
            // the 3-second window advances in real time
            assertThat(secs).isBetween(2.5, 30.0);

            List<Event> tetragon = server.store().query(new EventQuery("evt.source = syscall", null, null, 10_000, null)).events();
            List<Event> audit = server.store().query(new EventQuery("evt.source = k8s_audit", null, null, 10_000, null)).events();
            assertThat(tetragon).hasSizeGreaterThan(50);
            assertThat(audit).isNotEmpty();
            long after = System.currentTimeMillis() * 1_000_000L;
            assertThat(tetragon).allSatisfy(e -> assertThat(e.time()).isBetween(before - 1_000_000_000L, after));
            assertThat(r.out()).contains(String.format("sent %,d Tetragon events", tetragon.size()));
        }
    }

    @Test
    void streamsFalcoAlertsLiveThroughTheFalcoEndpoint() throws Exception {
        try (PodtrailServer server = PodtrailServer.start(ServerConfig.defaults(data).withListen("127.0.0.1:0"))) {
            String token = Files.readString(server.createdAdminToken().orElseThrow()).strip();
            CliRunner.Result r = CliRunner.run("simulate", "--server", server.url(), "--token", token, "--sensor", "falco",
                    "--minutes", "0.05", "--rate", "100", "--seed", "3");
            assertThat(r.exitCode()).as(r.err()).isZero();
            List<Event> falco = server.store().query(new EventQuery("podtrail.format = falco", null, null, 10_000, null)).events();
            assertThat(falco).hasSizeGreaterThan(30);
            assertThat(server.store().query(new EventQuery("podtrail.format = tetragon", null, null, 10, null)).events()).isEmpty();
            assertThat(r.out()).contains(String.format("sent %,d Falco alerts", falco.size()));
        }
    }

    @Test
    void needsEitherOutOrServer() {
        assertThat(CliRunner.run("simulate").exitCode()).isNotZero();
        assertThat(CliRunner.run("simulate", "--server", "http://127.0.0.1:1", "--token", "x", "--start",
                Instant.now().toString()).exitCode()).isNotZero();
    }
}
