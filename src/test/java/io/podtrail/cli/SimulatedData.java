package io.podtrail.cli;

import io.podtrail.simulate.ClusterSimulator;
import io.podtrail.simulate.SimulationConfig;
import io.podtrail.simulate.Truth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A data directory holding a simulated cluster, ingested through the CLI with its snapshot and trusted networks. */
public final class SimulatedData {

    private SimulatedData() {
    }

    /**
     * Writes the simulation to {@code sim}, then {@code podtrail.yaml} (the service range, the trusted CIDRs and,
     * unless null, the cluster's name) and the ingested trail to {@code data}.
     */
    public static Truth ingest(SimulationConfig config, Path sim, Path data, String cluster) throws IOException {
        return ingest(config, sim, data, cluster, false);
    }

    /** As {@link #ingest(SimulationConfig, Path, Path, String)}; with {@code auditFirst} the audit log is ingested before the sensor's file. */
    public static Truth ingest(SimulationConfig config, Path sim, Path data, String cluster, boolean auditFirst) throws IOException {
        Truth truth = new ClusterSimulator(config).write(sim);
        Files.createDirectories(data);
        Files.writeString(data.resolve("podtrail.yaml"), "cluster:\n" + (cluster == null ? "" : "  name: " + cluster + "\n")
                + "  serviceCidrs: [10.96.0.0/12]\ntrusted:\n  cidrs: [" + String.join(", ", truth.trustedCidrs()) + "]\n");
        CliRunner.Result r = CliRunner.run("ingest", "--data", data.toString(), "--context", sim.resolve("snapshot.json").toString(),
                sim.resolve(auditFirst ? "k8s-audit.jsonl" : "tetragon.jsonl").toString(),
                sim.resolve(auditFirst ? "tetragon.jsonl" : "k8s-audit.jsonl").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        return truth;
    }
}
