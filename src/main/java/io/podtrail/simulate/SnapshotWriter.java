package io.podtrail.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podtrail.simulate.Model.Node;
import io.podtrail.simulate.Model.Pod;
import io.podtrail.simulate.Model.Workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The simulated cluster as {@code kubectl get namespaces,nodes,pods,replicasets,deployments,statefulsets,daemonsets,
 * jobs,cronjobs,services -A -o json} would print it at the end of the window: a v1 List.
 *
 * <p>Like a real snapshot it holds only what exists at that moment: the pods running at the end (their
 * containerIDs are the ones in the Tetragon events) and the completed CronJob pod (Jobs keep their pods after
 * completion), but not the pods replaced by rollouts during the window: enrichment from this one snapshot cannot
 * resolve those; live informers or earlier snapshots can. Old ReplicaSets (scaled to zero by a rollout) are left
 * out too. UIDs are derived from names, so the snapshot consumes nothing of the simulator's random stream and is
 * as deterministic as the rest of its output.
 */
final class SnapshotWriter {

    private static final long SEC = 1_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SnapshotWriter() {
    }

    /** A completed Job pod and when its container finished. */
    record JobPod(Pod pod, String job, long endNs) {
    }

    static String json(Node[] nodes, List<Workload> workloads, List<JobPod> jobPods, Map<String, String> extraServices) {
        ObjectNode list = JSON.createObjectNode();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        ArrayNode items = list.putArray("items");
        long clusterBorn = Long.MAX_VALUE;
        for (Node n : nodes) {
            clusterBorn = Math.min(clusterBorn, n.bootNs);
        }
        clusterBorn -= 86_400 * SEC;

        TreeSet<String> namespaces = new TreeSet<>(List.of("default", "kube-system"));
        workloads.forEach(w -> namespaces.add(w.ns));
        for (String ns : namespaces) {
            items.add(object("v1", "Namespace", null, ns, clusterBorn));
        }
        for (Node n : nodes) {
            ObjectNode o = object("v1", "Node", null, n.name, n.bootNs);
            o.with("metadata").putObject("labels").put("kubernetes.io/hostname", n.name);
            ObjectNode spec = o.putObject("spec");
            spec.put("podCIDR", n.podCidr());
            spec.putArray("podCIDRs").add(n.podCidr());
            ArrayNode addrs = o.putObject("status").putArray("addresses");
            addrs.addObject().put("type", "InternalIP").put("address", n.ip);
            addrs.addObject().put("type", "Hostname").put("address", n.name);
            items.add(o);
        }
        for (Workload w : workloads) {
            switch (w.kind) {
                case "Deployment" -> {
                    ObjectNode d = object("apps/v1", "Deployment", w.ns, w.name, clusterBorn);
                    items.add(d);
                    ObjectNode rs = object("apps/v1", "ReplicaSet", w.ns, w.name + "-" + w.rsHash, clusterBorn);
                    owner(rs, d);
                    items.add(rs);
                    for (Pod p : w.active) {
                        items.add(pod(p, rs, null));
                    }
                }
                case "StatefulSet", "DaemonSet" -> {
                    ObjectNode c = object("apps/v1", w.kind, w.ns, w.name, clusterBorn);
                    items.add(c);
                    for (Pod p : w.active) {
                        items.add(pod(p, c, null));
                    }
                }
                case "CronJob" -> {
                    ObjectNode cj = object("batch/v1", "CronJob", w.ns, w.name, clusterBorn);
                    items.add(cj);
                    for (JobPod jp : jobPods) {
                        if (jp.pod().w == w) {
                            ObjectNode job = object("batch/v1", "Job", w.ns, jp.job(), jp.pod().startNs);
                            owner(job, cj);
                            items.add(job);
                            items.add(pod(jp.pod(), job, jp));
                        }
                    }
                }
                default -> { }
            }
        }
        for (Map.Entry<String, String> s : extraServices.entrySet()) {
            String[] nsName = s.getKey().split("/", 2);
            items.add(service(nsName[0], nsName[1], s.getValue(), clusterBorn));
        }
        for (Workload w : workloads) {
            if (w.serviceIp != null) {
                items.add(service(w.ns, w.name.equals("coredns") ? "kube-dns" : w.name, w.serviceIp, clusterBorn));
            }
        }
        try {
            return JSON.writeValueAsString(list) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode pod(Pod p, ObjectNode controller, JobPod done) {
        Workload w = p.w;
        ObjectNode o = object("v1", "Pod", w.ns, p.name, p.startNs);
        ObjectNode labels = o.with("metadata").putObject("labels");
        labels.put("app", w.name);
        if (w.kind.equals("Deployment")) {
            String hash = p.name.substring(w.name.length() + 1, p.name.length() - 6);
            labels.put("pod-template-hash", hash);
        } else if (done != null) {
            labels.put("job-name", done.job());
        }
        owner(o, controller);
        ObjectNode spec = o.putObject("spec");
        spec.put("nodeName", p.node.name);
        if (w.hostNetwork) {
            spec.put("hostNetwork", true);
        }
        spec.putArray("containers").addObject().put("name", w.container).put("image", w.image);
        ObjectNode status = o.putObject("status");
        status.put("phase", done == null ? "Running" : "Succeeded");
        status.put("hostIP", p.node.ip);
        status.put("podIP", p.ip);
        status.putArray("podIPs").addObject().put("ip", p.ip);
        status.put("startTime", time(p.startNs));
        ObjectNode cs = status.putArray("containerStatuses").addObject();
        cs.put("name", w.container).put("image", w.image).put("imageID", w.imageId)
                .put("containerID", "containerd://" + p.containerId).put("restartCount", 0)
                .put("ready", done == null).put("started", done == null);
        ObjectNode state = cs.putObject("state");
        if (done == null) {
            state.putObject("running").put("startedAt", time(p.startNs));
        } else {
            state.putObject("terminated").put("exitCode", 0).put("reason", "Completed")
                    .put("startedAt", time(p.startNs)).put("finishedAt", time(done.endNs()));
        }
        return o;
    }

    private static ObjectNode service(String ns, String name, String ip, long created) {
        ObjectNode o = object("v1", "Service", ns, name, created);
        ObjectNode spec = o.putObject("spec");
        spec.put("type", "ClusterIP");
        spec.put("clusterIP", ip);
        spec.putArray("clusterIPs").add(ip);
        return o;
    }

    private static ObjectNode object(String apiVersion, String kind, String ns, String name, long createdNs) {
        ObjectNode o = JSON.createObjectNode();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        ObjectNode md = o.putObject("metadata");
        md.put("name", name);
        if (ns != null) {
            md.put("namespace", ns);
        }
        md.put("uid", uid(kind, ns, name, createdNs));
        md.put("creationTimestamp", time(createdNs));
        return o;
    }

    private static void owner(ObjectNode o, ObjectNode controller) {
        ObjectNode md = controller.path("metadata").deepCopy();
        o.with("metadata").putArray("ownerReferences").addObject()
                .put("apiVersion", controller.path("apiVersion").asText())
                .put("kind", controller.path("kind").asText())
                .put("name", md.path("name").asText())
                .put("uid", md.path("uid").asText())
                .put("controller", true)
                .put("blockOwnerDeletion", true);
    }

    private static String uid(String kind, String ns, String name, long createdNs) {
        return UUID.nameUUIDFromBytes((kind + "/" + ns + "/" + name + "/" + createdNs).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** Kubernetes timestamps have second precision (truncated: the object existed by then). */
    private static String time(long ns) {
        return Instant.ofEpochSecond(Math.floorDiv(ns, SEC)).toString();
    }
}
