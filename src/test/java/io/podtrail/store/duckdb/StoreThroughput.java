package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Ingest throughput and bytes per event of {@link DuckDbEventStore} with synthetic Tetragon-like
 * events (a measurement, not a test). Usage:
 * {@code StoreThroughput [events=2000000] [batch=100000] [raw=true|false] [zstdLevel=3] [rawBlockEvents=8192]}
 */
public final class StoreThroughput {

    private static final String[] NODES = {"gke-pool-1-a", "gke-pool-1-b", "gke-pool-2-c", "gke-pool-2-d", "gke-pool-3-e"};
    private static final String[] BINARIES = {"/usr/bin/curl", "/bin/sh", "/usr/bin/python3", "/usr/local/bin/node",
        "/usr/bin/java", "/bin/bash", "/usr/sbin/nginx", "/usr/bin/git", "/usr/bin/ls", "/usr/bin/cat"};

    record Pod(String ns, String name, String uid, String container, String fullId, String image, String repo, String tag,
               String digest, Map<String, String> labels, String ip) {
    }

    record Proc(String execId, String parentExecId, long pid, long ppid, int cmd, Pod pod, String node, long start) {
    }

    private final SplittableRandom rnd = new SplittableRandom(1);
    private final List<Pod> pods = new ArrayList<>();
    private final String[] cmdlines = new String[500];
    private final Proc[] live = new Proc[2000];
    private long time = 1_700_000_000_000_000_000L;
    private long pidSeq = 10_000;
    private long idSeq;

    StoreThroughput() {
        for (int i = 0; i < 50; i++) {
            String ns = "ns-" + (i % 8);
            String app = "app-" + (i % 20);
            String full = hex(64);
            pods.add(new Pod(ns, app + "-" + hex(10) + "-" + hex(5), java.util.UUID.randomUUID().toString(), app, full,
                    "registry.example.com/team/" + app + ":1." + (i % 5), "registry.example.com/team/" + app, "1." + (i % 5),
                    "sha256:" + hex(64), Map.of("app", app, "tier", i % 2 == 0 ? "web" : "backend", "pod-template-hash", hex(10)),
                    "10.8." + (i / 10) + "." + (i * 5 % 250 + 2)));
        }
        for (int i = 0; i < cmdlines.length; i++) {
            String bin = BINARIES[i % BINARIES.length];
            cmdlines[i] = bin.substring(bin.lastIndexOf('/') + 1) + " --opt" + (i % 7) + " /srv/data/file-" + i + ".txt -v";
        }
        for (int i = 0; i < live.length; i++) {
            live[i] = newProc(null);
        }
    }

    private String hex(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(Character.forDigit(rnd.nextInt(16), 16));
        }
        return sb.toString();
    }

    private Proc newProc(Proc parent) {
        Pod pod = parent != null ? parent.pod() : pods.get(rnd.nextInt(pods.size()));
        String node = NODES[Math.floorMod(pod.name().hashCode(), NODES.length)];
        long pid = ++pidSeq;
        String execId = Base64.getEncoder().encodeToString((node + ":" + (time / 1000) + ":" + pid).getBytes());
        return new Proc(execId, parent != null ? parent.execId() : "", pid, parent != null ? parent.pid() : 1,
                rnd.nextInt(cmdlines.length), pod, node, time);
    }

    Event next() {
        time += 50_000 + rnd.nextInt(100_000);
        int slot = rnd.nextInt(live.length);
        Proc p = live[slot];
        EventKind kind;
        int dice = rnd.nextInt(10);
        if (dice < 3) {
            p = newProc(p);
            live[slot] = p;
            kind = EventKind.PROCESS_EXEC;
        } else if (dice < 5) {
            kind = EventKind.PROCESS_EXIT;
        } else {
            kind = EventKind.NETWORK_CONNECT;
        }
        Pod pod = p.pod();
        String cmd = cmdlines[p.cmd()];
        String bin = BINARIES[p.cmd() % BINARIES.length];
        String args = cmd.substring(cmd.indexOf(' ') + 1);
        long id = mix(++idSeq);
        Event e = new Event().kind(kind)
                .set(Fields.ID, id).set(Fields.FORMAT, "tetragon").set(Fields.TIME, time)
                .set(Fields.TYPE, kind == EventKind.PROCESS_EXEC ? "execve" : kind == EventKind.PROCESS_EXIT ? "procexit" : "connect")
                .set(Fields.SOURCE, "syscall").set(Fields.HOSTNAME, p.node())
                .set(Fields.PROC_PID, p.pid()).set(Fields.PROC_PPID, p.ppid())
                .set(Fields.PROC_NAME, bin.substring(bin.lastIndexOf('/') + 1)).set(Fields.PROC_EXE, bin).set(Fields.PROC_EXEPATH, bin)
                .set(Fields.PROC_CMDLINE, cmd).set(Fields.PROC_ARGS, args).set(Fields.PROC_CWD, "/srv")
                .set(Fields.PROC_PNAME, "sh").set(Fields.PROC_PCMDLINE, "sh -c " + cmd).set(Fields.PROC_PEXEPATH, "/bin/sh")
                .set(Fields.PROC_EXEC_ID, p.execId()).set(Fields.PROC_PEXEC_ID, p.parentExecId())
                .set(Fields.USER_UID, 0L).set(Fields.USER_LOGINUID, 4294967295L)
                .set(Fields.CONTAINER_ID, pod.fullId().substring(0, 12)).set(Fields.CONTAINER_FULL_ID, pod.fullId())
                .set(Fields.CONTAINER_NAME, pod.container()).set(Fields.CONTAINER_IMAGE, pod.image())
                .set(Fields.CONTAINER_IMAGE_REPOSITORY, pod.repo()).set(Fields.CONTAINER_IMAGE_TAG, pod.tag())
                .set(Fields.CONTAINER_IMAGE_DIGEST, pod.digest())
                .set(Fields.K8S_NS_NAME, pod.ns()).set(Fields.K8S_POD_NAME, pod.name()).set(Fields.K8S_POD_LABELS, pod.labels());
        if (kind == EventKind.PROCESS_EXIT) {
            e.set(Fields.PROC_EXIT_CODE, (long) rnd.nextInt(3));
        }
        if (kind == EventKind.NETWORK_CONNECT) {
            String sip = rnd.nextInt(4) == 0 ? "172.16." + rnd.nextInt(4) + "." + rnd.nextInt(256)
                    : pods.get(rnd.nextInt(pods.size())).ip();
            e.set(Fields.FD_SIP, sip).set(Fields.FD_SPORT, rnd.nextInt(5) == 0 ? 5432L : 443L)
                    .set(Fields.FD_CIP, pod.ip()).set(Fields.FD_CPORT, 30_000L + rnd.nextInt(30_000)).set(Fields.FD_L4PROTO, "tcp");
        }
        return e.raw(payload(kind, p, pod, bin, args));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private String payload(EventKind kind, Proc p, Pod pod, String bin, String args) {
        String key = kind == EventKind.PROCESS_EXEC ? "process_exec" : kind == EventKind.PROCESS_EXIT ? "process_exit" : "process_kprobe";
        StringBuilder sb = new StringBuilder(1400);
        sb.append("{\"").append(key).append("\":{\"process\":{\"exec_id\":\"").append(p.execId()).append("\",\"pid\":").append(p.pid())
                .append(",\"uid\":0,\"cwd\":\"/srv\",\"binary\":\"").append(bin).append("\",\"arguments\":\"").append(args)
                .append("\",\"flags\":\"execve clone\",\"start_time\":\"").append(iso(p.start())).append("\",\"auid\":4294967295,")
                .append("\"pod\":{\"namespace\":\"").append(pod.ns()).append("\",\"name\":\"").append(pod.name())
                .append("\",\"container\":{\"id\":\"containerd://").append(pod.fullId()).append("\",\"name\":\"").append(pod.container())
                .append("\",\"image\":{\"id\":\"").append(pod.repo()).append('@').append(pod.digest()).append("\",\"name\":\"")
                .append(pod.image()).append("\"},\"start_time\":\"2024-11-14T09:00:00Z\",\"pid\":").append(p.pid() % 300)
                .append("},\"pod_labels\":{\"app\":\"").append(pod.labels().get("app")).append("\",\"tier\":\"")
                .append(pod.labels().get("tier")).append("\",\"pod-template-hash\":\"").append(pod.labels().get("pod-template-hash"))
                .append("\"},\"workload\":\"").append(pod.container()).append("\"},\"docker\":\"").append(pod.fullId(), 0, 31)
                .append("\",\"parent_exec_id\":\"").append(p.parentExecId()).append("\",\"refcnt\":1,\"tid\":").append(p.pid())
                .append("},\"parent\":{\"exec_id\":\"").append(p.parentExecId()).append("\",\"pid\":").append(p.ppid())
                .append(",\"uid\":0,\"cwd\":\"/srv\",\"binary\":\"/bin/sh\",\"arguments\":\"-c ").append(bin).append(' ').append(args)
                .append("\",\"flags\":\"execve rootcwd clone\",\"start_time\":\"").append(iso(p.start() - 1_000_000))
                .append("\",\"auid\":4294967295,\"refcnt\":2,\"tid\":").append(p.ppid()).append("}");
        if (kind == EventKind.NETWORK_CONNECT) {
            sb.append(",\"function_name\":\"tcp_connect\",\"args\":[{\"sock_arg\":{\"family\":\"AF_INET\",\"type\":\"SOCK_STREAM\",")
                    .append("\"protocol\":\"IPPROTO_TCP\",\"saddr\":\"").append(pod.ip()).append("\",\"daddr\":\"10.8.0.")
                    .append(rnd.nextInt(256)).append("\",\"sport\":").append(30_000 + rnd.nextInt(30_000))
                    .append(",\"dport\":443,\"cookie\":\"").append(rnd.nextLong() & Long.MAX_VALUE).append("\",\"state\":\"TCP_SYN_SENT\"}}]")
                    .append(",\"action\":\"KPROBE_ACTION_POST\",\"policy_name\":\"connect\"");
        }
        sb.append("},\"node_name\":\"").append(p.node()).append("\",\"time\":\"").append(iso(time)).append("\"}");
        return sb.toString();
    }

    private static String iso(long ns) {
        return java.time.Instant.ofEpochSecond(ns / 1_000_000_000L, ns % 1_000_000_000L).toString();
    }

    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        boolean withRaw = args.length <= 2 || Boolean.parseBoolean(args[2]);
        int level = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int blockEvents = args.length > 4 ? Integer.parseInt(args[4]) : 8192;
        Path dir = Files.createTempDirectory("podtrail-bench");
        StoreThroughput gen = new StoreThroughput();
        long appendNs = 0;
        long payloadBytes = 0;
        long wallStart = System.nanoTime();
        DuckDbEventStore.Options opts = new DuckDbEventStore.Options("2GB", 2, level, blockEvents, java.time.Duration.ofHours(24));
        try (DuckDbEventStore store = DuckDbEventStore.open(dir, FilterCompiler.EMPTY_ONLY, opts)) {
            for (int done = 0; done < total; done += batch) {
                List<Event> events = new ArrayList<>(batch);
                for (int i = 0; i < Math.min(batch, total - done); i++) {
                    Event e = gen.next();
                    if (!withRaw) {
                        e.raw((byte[]) null);
                    } else {
                        payloadBytes += e.raw().length;
                    }
                    events.add(e);
                }
                long t = System.nanoTime();
                store.append(events);
                appendNs += System.nanoTime() - t;
            }
            DuckDbEventStore.Stats before = store.stats();
            long t = System.nanoTime();
            store.checkpoint();
            long checkpointNs = System.nanoTime() - t;
            DuckDbEventStore.Stats s = store.stats();
            store.withConnection(c -> {
                try (var st = c.createStatement(); var r = st.executeQuery(
                        "SELECT block_size, total_blocks, used_blocks, free_blocks, wal_size FROM pragma_database_size()")) {
                    r.next();
                    System.out.printf("database_size: block_size=%d total=%d used=%d free=%d wal=%s%n",
                            r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getString(5));
                }
                return null;
            });
            double wall = (System.nanoTime() - wallStart) / 1e9;
            System.out.printf("events=%d batch=%d raw=%b zstd=%d blockEvents=%d%n", total, batch, withRaw, level, blockEvents);
            System.out.printf("append: %.0f events/s (%.2f s in append, incl. commits); final CHECKPOINT %.2f s; wall incl. generation %.1f s%n",
                    total / (appendNs / 1e9), appendNs / 1e9, checkpointNs / 1e9, wall);
            System.out.printf("before checkpoint: file %d + wal %d bytes%n", before.fileBytes(), before.walBytes());
            System.out.printf("on disk: %d bytes = %.1f B/event (table est. %.1f B/event, payload %.1f B/event compressed from %.0f, ratio %.1f)%n",
                    s.fileBytes() + s.walBytes(), s.bytesPerEvent(), s.tableBytesPerEvent(),
                    (double) s.rawCompressedBytes() / s.rows(), (double) payloadBytes / Math.max(1, s.rows()),
                    s.rawCompressedBytes() == 0 ? 0 : (double) s.rawBytes() / s.rawCompressedBytes());
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
