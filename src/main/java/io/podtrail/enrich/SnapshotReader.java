package io.podtrail.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.podtrail.enrich.HistoryRecord.Kind;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an offline snapshot, what
 * {@code kubectl get namespaces,nodes,pods,replicasets,deployments,statefulsets,daemonsets,jobs,cronjobs,services -A -o json}
 * prints (a v1 {@code List} with {@code items}; a single object is accepted too), into a {@link ClusterHistory}.
 *
 * <p>A snapshot is one point in time, {@code asOf}: each object present is valid from its own time
 * (creationTimestamp, a container's startedAt) and stays open; past intervals the objects still show are
 * recorded closed (a restarted container's previous ID, a finished pod's IP). Of the kinds the snapshot
 * contains, anything the history had open but the snapshot no longer shows is closed at {@code asOf} ("seen
 * gone"), so a series of snapshots builds history. A single snapshot cannot know pods deleted before it: live
 * informers or earlier snapshots can.
 */
public final class SnapshotReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one snapshot contributed. */
    public record Result(int objects, int records, int closedAsGone) {
    }

    private final ClusterHistory history;

    public SnapshotReader(ClusterHistory history) {
        this.history = history;
    }

    /** Reads {@code file} as the state of {@code cluster} at the file's modification time. */
    public Result read(Path file, String cluster) throws IOException {
        long asOf = Files.getLastModifiedTime(file).toInstant().getEpochSecond() * 1_000_000_000L;
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, cluster, asOf);
        }
    }

    /** Reads one snapshot of {@code cluster} taken at {@code asOfNanos} (ns since the epoch). */
    public Result read(InputStream in, String cluster, long asOfNanos) throws IOException {
        JsonNode root = JSON.readTree(in);
        if (root == null || !root.isObject()) {
            throw new IOException("not a Kubernetes object or List: expected a JSON object");
        }
        List<JsonNode> items = new ArrayList<>();
        if (root.has("items")) {
            root.path("items").forEach(items::add);
        } else {
            items.add(root);
        }
        Set<Kind> covered = EnumSet.noneOf(Kind.class);
        List<HistoryRecord> open = new ArrayList<>();
        int records = 0;
        for (JsonNode item : items) {
            String kind = K8sObjects.text(item, "kind");
            if (kind == null) {
                continue;
            }
            covered.addAll(K8sObjects.kindsOf(kind));
            for (HistoryRecord r : K8sObjects.records(item, kind, cluster)) {
                if (r.from() > asOfNanos) {
                    r = r.withFrom(asOfNanos); // clock skew between the cluster and the snapshot's time
                }
                history.apply(r, asOfNanos);
                records++;
                if (r.open()) {
                    open.add(r);
                }
            }
        }
        int closed = history.closeMissing(cluster, covered, open, asOfNanos);
        return new Result(items.size(), records, closed);
    }
}
