package io.podtrail.enrich;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.event.SourceFormat;
import io.podtrail.ingest.EventSink;
import io.podtrail.ingest.Formats;
import io.podtrail.ingest.Rejection;
import io.podtrail.simulate.ClusterSimulator;
import io.podtrail.simulate.SimulationConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end over the simulator: its end-of-window snapshot.json as the only context, its Tetragon export as
 * the events. Pods running at the end resolve fully; pods a rollout replaced during the window are not in a
 * single end-of-window snapshot, so their events stay marked {@code container} unresolved (and are kept), as do
 * connections whose remote end was such a pod ({@code peer}).
 */
class SimulatedClusterEnrichTest {

    @Test
    void snapshotResolvesTheRunningPodsAndMarksTheReplacedOnes(@TempDir Path dir) throws IOException {
        SimulationConfig cfg = SimulationConfig.defaults(11).withDuration(Duration.ofMinutes(20)).withEventsPerSecond(40);
        new ClusterSimulator(cfg).write(dir);
        ClusterHistory history = new ClusterHistory();
        SnapshotReader.Result snap = new SnapshotReader(history).read(dir.resolve("snapshot.json"), "sim");
        assertThat(snap.objects()).isGreaterThan(20);
        HistoryEnricher enricher = new HistoryEnricher(history, new PodtrailConfig("sim", List.of(),
                List.of("10.96.0.0/12"), ClusterSimulator.TRUSTED_CIDRS, List.of(), Duration.ofHours(24)));

        List<Event> events = new ArrayList<>();
        try (InputStream in = Files.newInputStream(dir.resolve("tetragon.jsonl"))) {
            Formats.forFormat(SourceFormat.TETRAGON).read(in, "tetragon.jsonl", new EventSink() {
                @Override
                public void accept(Event e) {
                    events.add(e);
                }

                @Override
                public void reject(Rejection r) {
                    throw new AssertionError(r.reason());
                }
            });
        }
        Set<String> podsInSnapshot = new HashSet<>();
        history.records().stream().filter(r -> r.kind() == HistoryRecord.Kind.POD).forEach(r -> podsInSnapshot.add(r.value().get("name")));
        int resolvedPodEvents = 0, unresolvedReplaced = 0;
        Set<String> peerKinds = new HashSet<>();
        for (Event e : events) {
            String sensorPod = e.getString(Fields.K8S_POD_NAME);
            enricher.enrich(e);
            assertThat(e.getString(Fields.K8S_CLUSTER_NAME)).isEqualTo("sim");
            @SuppressWarnings("unchecked")
            List<String> unresolved = (List<String>) e.get(Fields.UNRESOLVED);
            if (sensorPod == null) {
                continue;
            }
            if (podsInSnapshot.contains(sensorPod)) {
                // the remote end may be a pod replaced during the window: in the pod range, but not in the snapshot
                assertThat(unresolved == null ? List.of() : unresolved).as("%s", e).isSubsetOf("peer");
                assertThat(e.getString(Fields.K8S_WORKLOAD_NAME)).isNotNull();
                assertThat(sensorPod).startsWith(e.getString(Fields.K8S_WORKLOAD_NAME));
                assertThat(e.getString(Fields.K8S_NODE_NAME)).isEqualTo(e.getString(Fields.HOSTNAME));
                resolvedPodEvents++;
            } else {
                assertThat(unresolved).as("%s", e).contains("container");
                assertThat(e.getString(Fields.K8S_POD_NAME)).as("the sensor's value is kept").isEqualTo(sensorPod);
                unresolvedReplaced++;
            }
            if (e.kind() == EventKind.NETWORK_CONNECT) {
                peerKinds.add(e.getString(Fields.PEER_KIND));
                if ("external".equals(e.getString(Fields.PEER_KIND))) {
                    assertThat(e.get(Fields.PEER_KNOWN)).isEqualTo(false);
                }
            }
        }
        assertThat(resolvedPodEvents).isGreaterThan(1000);
        assertThat(unresolvedReplaced).as("events of pods replaced by the rollouts").isPositive();
        assertThat(peerKinds).contains("service", "trusted");
        assertThat(enricher.stats().unresolvedByReason()).containsKey("container");
        assertThat(enricher.stats().conflictsByField()).as("history agrees with the sensor").isEmpty();
    }
}
