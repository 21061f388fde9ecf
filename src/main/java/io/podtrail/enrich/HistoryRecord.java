package io.podtrail.enrich;

import java.util.Map;
import java.util.Objects;

/**
 * One validity interval of one piece of cluster context, the unit that is persisted and replayed.
 *
 * <p>{@code key} identifies the thing whose context changes over time (a container ID, a pod UID, an IP
 * address, ...) and {@code value} what it was during {@code [from, to)}; times are nanoseconds since the
 * epoch, {@code to} is {@link #OPEN} while the interval is still open. The value's keys per {@link Kind}:
 * <pre>
 * NAMESPACE  key ns name          value uid
 * NODE       key node name        value podCidrs (comma separated), addresses (comma separated)
 * NODE_IP    key IP address       value name (the node)
 * POD        key pod UID          value ns, name, node, ownerKind, ownerName, ownerUid, label.KEY...
 * POD_NAME   key ns/name          value uid (the pod)
 * POD_IP     key IP address       value uid, ns, name (the pod)
 * CONTAINER  key full container ID (no runtime prefix)  value podUid, name, image, imageId
 * OWNER      key owner UID        value kind, ns, name, ownerKind, ownerName, ownerUid (its own controller)
 * SERVICE_IP key cluster IP       value ns, name (the service)
 * </pre>
 * An open record followed later by the same record with {@code to} set closes the interval (the log is
 * append-only).
 */
public record HistoryRecord(Kind kind, String cluster, String key, Map<String, String> value, long from, long to) {

    /** {@code to} of an interval that has not ended. */
    public static final long OPEN = Long.MAX_VALUE;

    /** What the key of a record is. */
    public enum Kind {
        NAMESPACE, NODE, NODE_IP, POD, POD_NAME, POD_IP, CONTAINER, OWNER, SERVICE_IP;

        /** Keys that name one object forever (UIDs, container IDs): a lookup may fall back to the nearest interval. */
        boolean uniqueKey() {
            return this == POD || this == CONTAINER || this == OWNER;
        }
    }

    public HistoryRecord {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(key, "key");
        value = Map.copyOf(value);
        if (to < from) {
            throw new IllegalArgumentException("interval ends before it starts: " + kind + " " + key + " [" + from + ", " + to + ")");
        }
    }

    public boolean open() {
        return to == OPEN;
    }

    public HistoryRecord withTo(long newTo) {
        return new HistoryRecord(kind, cluster, key, value, from, newTo);
    }

    public HistoryRecord withFrom(long newFrom) {
        return new HistoryRecord(kind, cluster, key, value, newFrom, to);
    }
}
