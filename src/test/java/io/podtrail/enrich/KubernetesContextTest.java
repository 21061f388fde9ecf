package io.podtrail.enrich;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The assembled stage over a data directory: config, snapshot, enrichment, and the same answers after a restart. */
class KubernetesContextTest {

    private static Event connect() {
        return new Event().kind(EventKind.NETWORK_CONNECT).set(Fields.TIME, SnapshotReaderTest.at("09:30"))
                .set(Fields.CONTAINER_ID, "aaaa00000000").set(Fields.FD_SIP, "52.94.1.1");
    }

    @Test
    void historySurvivesARestart(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve("podtrail.yaml"), "cluster:\n  name: lab\ntrusted:\n  cidrs: [52.94.0.0/16]\n");
        Path snapshot = data.resolve("snapshot.json");
        Files.writeString(snapshot, SnapshotReaderTest.FIRST);
        Event first = connect();
        try (KubernetesContext ctx = KubernetesContext.open(data)) {
            ctx.loadSnapshot(snapshot);
            ctx.enricher().enrich(first);
        }
        assertThat(first.toMap()).containsEntry("k8s.cluster.name", "lab").containsEntry("k8s.deployment.name", "api")
                .containsEntry("peer.kind", "trusted").containsEntry("peer.known", true);
        Event again = connect();
        try (KubernetesContext ctx = KubernetesContext.open(data)) {
            ctx.enricher().enrich(again);
            assertThat(ctx.enricher().stats().resolvedCount()).isEqualTo(1);
        }
        assertThat(again).isEqualTo(first);
    }
}
