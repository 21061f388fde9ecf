package io.podtrail.enrich;

import io.podtrail.enrich.HistoryRecord.Kind;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Cluster context with history: for each named cluster and each {@link Kind}, a {@link Timeline} of validity
 * intervals per key, so a question is always asked "at time t": which pod had container ID c, which pod had IP
 * x, which controller owned pod p, at t. Deleted pods, restarted containers (a new container ID in the same
 * pod) and IPs reused by a new pod resolve to what was true at t.
 *
 * <p>Keys: container IDs by their first 12 characters (the short ID Falco prints; the full ID is in the
 * value), IP addresses as numbers ({@link Ips}), everything else as text. Lookups take no lock and allocate
 * nothing for IPv4 and container keys beyond a boxed key; every change is passed to the change listener
 * (the {@link HistoryLog}) as the interval it opened or closed.
 *
 * <p>Thread-safe: sources (informers, snapshots) write from their threads while enrichers read.
 */
public final class ClusterHistory {

    private static final int SHORT_ID = 12;

    private final Map<String, ClusterIndex> clusters = new ConcurrentHashMap<>();
    private final Consumer<HistoryRecord> changes;

    private static final class ClusterIndex {
        /** Text and IPv6 keys. */
        final EnumMap<Kind, Map<Object, Timeline>> byKind = new EnumMap<>(Kind.class);
        /** IPv4 and hex container keys (the hot ones), without boxing. */
        final EnumMap<Kind, LongTimelineMap> byLong = new EnumMap<>(Kind.class);
        volatile CidrSet podCidrs = CidrSet.EMPTY;

        ClusterIndex() {
            for (Kind k : Kind.values()) {
                byKind.put(k, new ConcurrentHashMap<>());
                byLong.put(k, new LongTimelineMap());
            }
        }

        Timeline timeline(Kind kind, Object key) {
            return key instanceof Long l ? byLong.get(kind).get(l) : byKind.get(kind).get(key);
        }

        Timeline timelineFor(Kind kind, Object key) {
            return key instanceof Long l ? byLong.get(kind).computeIfAbsent(l)
                    : byKind.get(kind).computeIfAbsent(key, k -> new Timeline());
        }

        void forEach(Kind kind, java.util.function.BiConsumer<Object, Timeline> action) {
            byKind.get(kind).forEach(action);
            byLong.get(kind).forEach(action::accept);
        }
    }

    /** A history that keeps its changes in memory only. */
    public ClusterHistory() {
        this(r -> { });
    }

    /** A history that passes every interval it opens or closes to {@code changes} (e.g. {@link HistoryLog#append}). */
    public ClusterHistory(Consumer<HistoryRecord> changes) {
        this.changes = changes;
    }

    /** A history loaded from {@code log} that appends its further changes to it. */
    public static ClusterHistory load(HistoryLog log) {
        ClusterHistory h = new ClusterHistory(log::append);
        log.load(h::replay);
        return h;
    }

    /** The names of the clusters seen, sorted. */
    public List<String> clusters() {
        return clusters.keySet().stream().sorted().toList();
    }

    // ------------------------------------------------------------------------------------------------ writing

    /**
     * Records {@code r}: an open record opens its value from {@code r.from()} (closing a different value that
     * was open for the key); a closed record is inserted as it is.
     */
    public void apply(HistoryRecord r) {
        apply(r, r.from());
    }

    /**
     * As {@link #apply(HistoryRecord)}, for a record observed at {@code observedAt} (an informer's update, a
     * snapshot's time): a new value for a key whose open value started at or after the record's own start
     * takes over at {@code observedAt}.
     */
    public void apply(HistoryRecord r, long observedAt) {
        Object key = key(r.kind(), r.key());
        if (key == null) {
            return;
        }
        Object value = decode(r);
        Timeline tl = index(r.cluster()).timelineFor(r.kind(), key);
        if (r.open()) {
            Timeline.Opened o = tl.open(r.from(), value, observedAt);
            if (o == null) {
                return;
            }
            if (o.closed() != null) {
                changes.accept(record(r.kind(), r.cluster(), r.key(), o.closed().value(), o.closed().from(), o.closed().to()));
            }
            changes.accept(r.withFrom(o.from()));
        } else {
            tl.put(r.from(), r.to(), value);
            changes.accept(r);
        }
        if (r.kind() == Kind.NODE) {
            onNode(r.cluster(), (NodeInfo) value);
        }
    }

    /** Closes the open interval of {@code key} at {@code t}, if there is one. */
    public void close(Kind kind, String cluster, String key, long t) {
        Object k = key(kind, key);
        ClusterIndex idx = clusters.get(cluster);
        if (k == null || idx == null) {
            return;
        }
        Timeline tl = idx.timeline(kind, k);
        Timeline.Closed c = tl == null ? null : tl.close(t);
        if (c != null) {
            changes.accept(record(kind, cluster, key, c.value(), c.from(), c.to()));
        }
    }

    /**
     * Closes the open interval of {@code r}'s key at {@code t} only if it still holds {@code r}'s value: a pod's
     * deletion must not close its IP's interval once a new pod has it.
     */
    public void closeIf(HistoryRecord r, long t) {
        Object k = key(r.kind(), r.key());
        ClusterIndex idx = clusters.get(r.cluster());
        if (k == null || idx == null) {
            return;
        }
        Timeline tl = idx.timeline(r.kind(), k);
        if (tl == null || !decode(r).equals(tl.current())) {
            return;
        }
        Timeline.Closed c = tl.close(t);
        if (c != null) {
            changes.accept(record(r.kind(), r.cluster(), r.key(), c.value(), c.from(), c.to()));
        }
    }

    /** Replays a logged record without passing it to the change listener (loading at start). */
    public void replay(HistoryRecord r) {
        Object key = key(r.kind(), r.key());
        if (key == null) {
            return;
        }
        Object value = decode(r);
        index(r.cluster()).timelineFor(r.kind(), key).put(r.from(), r.to(), value);
        if (r.kind() == Kind.NODE) {
            onNode(r.cluster(), (NodeInfo) value);
        }
    }

    /** The keys of {@code kind} whose last interval is open in {@code cluster} (for "seen gone" reconciliation). */
    public Set<String> openKeys(String cluster, Kind kind) {
        Set<String> out = new HashSet<>();
        ClusterIndex idx = clusters.get(cluster);
        if (idx == null) {
            return out;
        }
        idx.forEach(kind, (k, tl) -> {
            Object v = tl.current();
            if (v != null) {
                out.add(keyText(kind, k, v));
            }
        });
        return out;
    }

    /**
     * Closes, at {@code t}, every open interval of {@code kinds} in {@code cluster} whose key is not among
     * {@code present}: what a full listing (a snapshot, an informer's initial list) no longer shows is gone.
     *
     * @return how many intervals were closed
     */
    public int closeMissing(String cluster, Set<Kind> kinds, Collection<HistoryRecord> present, long t) {
        ClusterIndex idx = clusters.get(cluster);
        if (idx == null) {
            return 0;
        }
        Map<Kind, Set<Object>> keep = new EnumMap<>(Kind.class);
        for (HistoryRecord r : present) {
            Object k = key(r.kind(), r.key());
            if (k != null) {
                keep.computeIfAbsent(r.kind(), x -> new HashSet<>()).add(k);
            }
        }
        int closed = 0;
        for (Kind kind : kinds) {
            Set<Object> still = keep.getOrDefault(kind, Set.of());
            List<Object> gone = new ArrayList<>();
            idx.forEach(kind, (k, tl) -> {
                if (!still.contains(k) && tl.current() != null) {
                    gone.add(k);
                }
            });
            for (Object k : gone) {
                Timeline.Closed c = idx.timeline(kind, k).close(t);
                if (c != null) {
                    changes.accept(record(kind, cluster, keyText(kind, k, c.value()), c.value(), c.from(), c.to()));
                    closed++;
                }
            }
        }
        return closed;
    }

    /** Every interval, ordered by cluster, kind, start and key: what a compacted log would hold. */
    public List<HistoryRecord> records() {
        List<HistoryRecord> out = new ArrayList<>();
        clusters.forEach((cluster, idx) -> {
            for (Kind kind : Kind.values()) {
                idx.forEach(kind, (k, tl) ->
                        tl.forEach((from, to, v) -> out.add(record(kind, cluster, keyText(kind, k, v), v, from, to))));
            }
        });
        out.sort(Comparator.comparing(HistoryRecord::cluster).thenComparing(HistoryRecord::kind)
                .thenComparingLong(HistoryRecord::from).thenComparing(HistoryRecord::key));
        return out;
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** The container with this ID (full or the 12-character short ID) at t, or null; searches every cluster when cluster is null. */
    public ContainerInfo container(String cluster, String containerId, long t) {
        long hex = shortHex(containerId);
        return (ContainerInfo) (hex >= 0 ? lookupLong(cluster, Kind.CONTAINER, hex, t)
                : lookup(cluster, Kind.CONTAINER, shortId(containerId), t));
    }

    /** The cluster whose history knows this container ID, or null. */
    public String clusterOfContainer(String containerId, long t) {
        Object k = shortId(containerId);
        if (k == null) {
            return null;
        }
        for (Map.Entry<String, ClusterIndex> c : clusters.entrySet()) {
            if (c.getValue().timeline(Kind.CONTAINER, k) != null) {
                return c.getKey();
            }
        }
        return null;
    }

    public PodInfo pod(String cluster, String podUid, long t) {
        return (PodInfo) lookup(cluster, Kind.POD, podUid, t);
    }

    /** The pod named ns/name at t (names are reused, e.g. by StatefulSet pods, so time matters). */
    public PodInfo podByName(String cluster, String ns, String name, long t) {
        Ref r = (Ref) lookup(cluster, Kind.POD_NAME, ns + "/" + name, t);
        return r == null ? null : pod(cluster, r.uid(), t);
    }

    public Ref podByIp(String cluster, String ip, long t) {
        long v4 = Ips.v4(ip);
        return (Ref) (v4 >= 0 ? lookupLong(cluster, Kind.POD_IP, v4, t) : lookup(cluster, Kind.POD_IP, Ips.key(ip), t));
    }

    public Ref serviceByIp(String cluster, String ip, long t) {
        long v4 = Ips.v4(ip);
        return (Ref) (v4 >= 0 ? lookupLong(cluster, Kind.SERVICE_IP, v4, t) : lookup(cluster, Kind.SERVICE_IP, Ips.key(ip), t));
    }

    public Ref nodeByIp(String cluster, String ip, long t) {
        long v4 = Ips.v4(ip);
        return (Ref) (v4 >= 0 ? lookupLong(cluster, Kind.NODE_IP, v4, t) : lookup(cluster, Kind.NODE_IP, Ips.key(ip), t));
    }

    public OwnerInfo owner(String cluster, String uid, long t) {
        return (OwnerInfo) lookup(cluster, Kind.OWNER, uid, t);
    }

    /** Every pod CIDR any node of the cluster announced (a CIDR's meaning does not change over a node's life). */
    public CidrSet podCidrs(String cluster) {
        ClusterIndex idx = clusters.get(cluster);
        return idx == null ? CidrSet.EMPTY : idx.podCidrs;
    }

    /**
     * The owner chain of {@code pod} at t: ReplicaSet → Deployment, StatefulSet, DaemonSet, Job → CronJob.
     * A ReplicaSet missing from the history is taken to belong to the Deployment its name minus
     * {@code -<pod-template-hash>} names (the controller's naming rule); a Job missing from the history is a
     * workload of its own.
     */
    public Workload workload(String cluster, PodInfo pod, long t) {
        if (pod.ownerKind() == null) {
            return new Workload("Pod", pod.name(), null, null, null, null, null, null, true);
        }
        String deployment = null, rs = null, sts = null, ds = null, job = null, cronJob = null;
        String topKind = pod.ownerKind(), topName = pod.ownerName();
        boolean complete = true;
        String kind = pod.ownerKind(), name = pod.ownerName(), uid = pod.ownerUid();
        for (int depth = 0; depth < 4 && kind != null; depth++) {
            switch (kind) {
                case "ReplicaSet" -> rs = name;
                case "Deployment" -> deployment = name;
                case "StatefulSet" -> sts = name;
                case "DaemonSet" -> ds = name;
                case "Job" -> job = name;
                case "CronJob" -> cronJob = name;
                default -> { }
            }
            topKind = kind;
            topName = name;
            if (!kind.equals("ReplicaSet") && !kind.equals("Job")) {
                break; // the other controllers are top level
            }
            OwnerInfo o = uid == null ? null : owner(cluster, uid, t);
            if (o == null) {
                if (kind.equals("ReplicaSet")) {
                    String hash = pod.labels().get("pod-template-hash");
                    if (hash != null && name.endsWith("-" + hash)) {
                        deployment = name.substring(0, name.length() - hash.length() - 1);
                        topKind = "Deployment";
                        topName = deployment;
                    } else {
                        complete = false;
                    }
                }
                break;
            }
            kind = o.ownerKind();
            name = o.ownerName();
            uid = o.ownerUid();
        }
        return new Workload(topKind, topName, deployment, rs, sts, ds, job, cronJob, complete);
    }

    // ------------------------------------------------------------------------------------------------ internals

    private Object lookup(String cluster, Kind kind, Object key, long t) {
        if (key == null) {
            return null;
        }
        if (cluster == null) {
            for (ClusterIndex idx : clusters.values()) {
                Object v = find(idx, kind, key, t);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }
        ClusterIndex idx = clusters.get(cluster);
        return idx == null ? null : find(idx, kind, key, t);
    }

    /** As {@link #lookup} for a numeric key, without boxing it. */
    private Object lookupLong(String cluster, Kind kind, long key, long t) {
        if (cluster == null) {
            for (ClusterIndex idx : clusters.values()) {
                Object v = at(idx.byLong.get(kind).get(key), kind, t);
                if (v != null) {
                    return v;
                }
            }
            return null;
        }
        ClusterIndex idx = clusters.get(cluster);
        return idx == null ? null : at(idx.byLong.get(kind).get(key), kind, t);
    }

    private static Object at(Timeline tl, Kind kind, long t) {
        if (tl == null) {
            return null;
        }
        return kind.uniqueKey() ? tl.nearest(t) : tl.at(t);
    }

    private static Object find(ClusterIndex idx, Kind kind, Object key, long t) {
        // a UID or container ID names one object forever: an event just outside its recorded interval
        // (sensor clock skew, an exit after the container was seen gone) still belongs to it
        return at(idx.timeline(kind, key), kind, t);
    }

    private ClusterIndex index(String cluster) {
        return clusters.computeIfAbsent(cluster, c -> new ClusterIndex());
    }

    private void onNode(String cluster, NodeInfo node) {
        ClusterIndex idx = index(cluster);
        synchronized (idx) {
            idx.podCidrs = idx.podCidrs.plus(node.podCidrs());
        }
    }

    /**
     * The key of a container ID: its first 12 characters (the short ID), as a {@link Long} when they are hex (every
     * runtime's IDs are), which costs no text allocation or hashing; as text otherwise. Null for none or "host".
     */
    static Object shortId(String containerId) {
        long hex = shortHex(containerId);
        if (hex >= 0) {
            return hex;
        }
        if (containerId == null || containerId.isEmpty() || containerId.equals("host")) {
            return null;
        }
        int start = containerId.indexOf("://");
        start = start >= 0 ? start + 3 : 0;
        return containerId.substring(start, Math.min(containerId.length(), start + SHORT_ID));
    }

    /** The first 12 characters of a container ID (after any runtime prefix) as a 48-bit number, or -1 when not hex. */
    static long shortHex(String containerId) {
        if (containerId == null || containerId.length() < SHORT_ID) {
            return -1;
        }
        int start = containerId.length() > 64 ? containerId.indexOf("://") : -1;
        start = start >= 0 ? start + 3 : 0;
        if (containerId.length() - start < SHORT_ID) {
            return -1;
        }
        long v = 0;
        for (int i = start; i < start + SHORT_ID; i++) {
            int d = Character.digit(containerId.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static Object key(Kind kind, String key) {
        return switch (kind) {
            case POD_IP, SERVICE_IP, NODE_IP -> Ips.key(key);
            case CONTAINER -> shortId(key);
            default -> key;
        };
    }

    private static String keyText(Kind kind, Object key, Object value) {
        return switch (kind) {
            case POD_IP, SERVICE_IP, NODE_IP -> ipText(key);
            case CONTAINER -> ((ContainerInfo) value).id();
            default -> (String) key;
        };
    }

    private static String ipText(Object key) {
        if (key instanceof Long v4) {
            return (v4 >>> 24) + "." + ((v4 >>> 16) & 255) + "." + ((v4 >>> 8) & 255) + "." + (v4 & 255);
        }
        Ips.V6 v = (Ips.V6) key;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            long half = i < 4 ? v.hi() : v.lo();
            int shift = 48 - 16 * (i % 4);
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Long.toHexString((half >>> shift) & 0xFFFF));
        }
        return sb.toString();
    }

    static Object decode(HistoryRecord r) {
        Map<String, String> v = r.value();
        return switch (r.kind()) {
            case POD -> PodInfo.fromMap(r.key(), v);
            case CONTAINER -> ContainerInfo.fromMap(stripRuntime(r.key()), v);
            case OWNER -> OwnerInfo.fromMap(r.key(), v);
            case NODE -> NodeInfo.fromMap(r.key(), v);
            default -> Ref.fromMap(v);
        };
    }

    static Map<String, String> encode(Object value) {
        return switch (value) {
            case PodInfo p -> p.toMap();
            case ContainerInfo c -> c.toMap();
            case OwnerInfo o -> o.toMap();
            case NodeInfo n -> n.toMap();
            case Ref ref -> ref.toMap();
            default -> throw new IllegalArgumentException("not a history value: " + value);
        };
    }

    private static HistoryRecord record(Kind kind, String cluster, String key, Object value, long from, long to) {
        return new HistoryRecord(kind, cluster, key, encode(value), from, to);
    }

    static String stripRuntime(String containerId) {
        int colon = containerId.indexOf("://");
        return colon >= 0 ? containerId.substring(colon + 3) : containerId;
    }
}
