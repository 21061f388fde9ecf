package io.podtrail.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.podtrail.correlate.SessionCorrelator;
import io.podtrail.enrich.KubernetesContext;
import io.podtrail.event.Fields;
import io.podtrail.pipeline.IngestPipeline;
import io.podtrail.pipeline.TrailWriter;
import io.podtrail.query.EventQuery;
import io.podtrail.simulate.ClusterSimulator;
import io.podtrail.simulate.SimulationConfig;
import io.podtrail.store.EventStore;
import io.podtrail.store.duckdb.DuckDbEventStore;
import io.podtrail.store.duckdb.DuckDbFilterSql;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance story end to end: the simulator's cluster (Tetragon export, audit log, snapshot) through the
 * real ingest pipeline with the default policy set. john.doe execs a bash into a billing pod, downloads with curl
 * from an unknown IP, untars, shreds the shell history: terminal shell, outbound to an unknown destination and
 * history tampering fire on the story's processes, and so does download-then-extract (a correlated rule): all
 * four carry the one session of john.doe's exec request (the audit log is ingested after the Tetragon export, so
 * the session reaches the detections through late attribution and re-evaluation).
 */
class SeedStoryDetectionTest {

    @Test
    void seedStoryRaisesTheDefaultPolicies(@TempDir Path dir) throws Exception {
        Path sim = dir.resolve("sim");
        Path data = dir.resolve("data");
        java.nio.file.Files.createDirectories(sim);
        io.podtrail.simulate.Truth truth = new ClusterSimulator(SimulationConfig.defaults(7).withDuration(Duration.ofMinutes(20)).withEventsPerSecond(20)).write(sim);
        RuleEngine engine = RuleEngine.of(RuleLoader.load(DefaultRules.file()));
        try (KubernetesContext ctx = KubernetesContext.open(data)) {
            ctx.loadSnapshot(sim.resolve("snapshot.json"), "sim");
            try (EventStore store = DuckDbEventStore.open(data, DuckDbFilterSql.TEXT_COMPILER)) {
                try (IngestPipeline p = new IngestPipeline(new TrailWriter(store, new SessionCorrelator(store.archive()), engine), ctx.enricher(),
                        data.resolve("rejected"), 5_000)) {
                    p.ingestPaths(List.of(sim.resolve("tetragon.jsonl"), sim.resolve("k8s-audit.jsonl")), null,
                            IngestPipeline.Progress.NONE);
                }
                List<PolicyEvent> shell = store.policyEvents(EventQuery.of(
                        "rule = \"Terminal shell in a container\" and k8s.ns.name = billing and proc.name = bash")).events();
                assertThat(shell).isNotEmpty();
                List<PolicyEvent> outbound = store.policyEvents(EventQuery.of(
                        "rule = \"Outbound connection to unknown destination\" and proc.name = curl and fd.sip = 198.51.100.23"))
                        .events();
                assertThat(outbound).hasSize(1);
                List<PolicyEvent> tamper = store.policyEvents(EventQuery.of(
                        "rule = \"History or log tampering\" and proc.name = shred")).events();
                assertThat(tamper).hasSize(1);
                assertThat(tamper.get(0).output()).contains(".bash_history");
                // the story's processes: curl and shred are children of the bash that raised the terminal shell
                List<String> shellExecIds = shell.stream().map(x -> x.event().getString(Fields.PROC_EXEC_ID)).toList();
                assertThat(shellExecIds).contains(tamper.get(0).event().getString(Fields.PROC_PEXEC_ID));
                assertThat(store.policyEvents(EventQuery.of("rule = \"Denied exec attempt\"")).events()).isNotEmpty();
                assertThat(store.policyEvents(EventQuery.of("rule = \"Attach/Exec pod\"")).events()).isNotEmpty();
                assertThat(store.policyEvents(EventQuery.of("rule = \"Network tool launched\" and proc.name = tcpdump")).events())
                        .hasSizeGreaterThanOrEqualTo(2); // on a host and in the netdebug deployment
                assertThat(engine.stats().events()).isGreaterThan(1000);

                // the four detections of the story share the session of john.doe's kubectl exec
                String seed = truth.sessions().get(0).auditId();
                List<PolicyEvent> download = store.policyEvents(EventQuery.of(
                        "rule = \"Download then extract or execute in an exec session\"")).events();
                assertThat(download).isNotEmpty();
                for (List<PolicyEvent> hits : List.of(shell.stream().filter(h -> seed.equals(h.sessionId())).toList(), outbound,
                        tamper, download)) {
                    assertThat(hits).isNotEmpty().allSatisfy(h -> assertThat(h.sessionId()).isEqualTo(seed));
                }
                assertThat(store.policyEvents(EventQuery.of("session.user.name = \"john.doe\"")).events())
                        .extracting(PolicyEvent::rule).contains("Terminal shell in a container",
                                "Outbound connection to unknown destination", "History or log tampering",
                                "Download then extract or execute in an exec session");
            }
        }
    }
}
