package io.podtrail.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.podtrail.event.Event;
import io.podtrail.event.EventIds;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.event.SourceFormat;
import io.podtrail.normalize.ContainerImages;
import io.podtrail.normalize.ProcessIdentity;
import io.podtrail.normalize.Times;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cilium Tetragon JSON export ({@code tetra getevents -o json}, export files): process_exec,
 * process_exit, process_kprobe (tcp_connect, tcp_close, inet_csk_accept, file hooks, others),
 * process_tracepoint/uprobe/lsm/..., and the early (2021-22) schema's process_connect,
 * process_close and process_listen. Unknown event kinds are counted ({@link #unknownKinds()}) and
 * kept as kind OTHER with evt.type = the key.
 */
public final class TetragonJsonSource extends JsonEventSource {

    private static final String[] META_KEYS = {"node_name", "time", "cluster_name", "node_labels", "aggregation_info"};

    private final Map<String, LongAdder> unknownKinds = new ConcurrentHashMap<>();
    private final boolean streaming;
    /** An idle streaming parser (with warm caches) for the next read; one per concurrent read. */
    private final AtomicReference<TetragonStreamParser> idle = new AtomicReference<>();

    public TetragonJsonSource() {
        this(true);
    }

    /** @param streaming false: the Jackson tree-model path only (for benchmarks and differential tests) */
    TetragonJsonSource(boolean streaming) {
        this.streaming = streaming;
    }

    @Override
    public SourceFormat format() {
        return SourceFormat.TETRAGON;
    }

    /** How many events of each unrecognised top-level kind were read (kept as OTHER). */
    public Map<String, Long> unknownKinds() {
        Map<String, Long> m = new HashMap<>();
        unknownKinds.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    @Override
    LineMapper acquireLineMapper() {
        if (!streaming) {
            return null;
        }
        TetragonStreamParser p = idle.getAndSet(null);
        return p != null ? p : new TetragonStreamParser();
    }

    @Override
    void releaseLineMapper(LineMapper m) {
        idle.set((TetragonStreamParser) m);
    }

    @Override
    void map(JsonNode node, Raw raw, Emitter out) {
        requireObject(node, "a Tetragon event");
        String key = null;
        JsonNode body = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getValue().isObject() && !isMeta(f.getKey())) {
                key = f.getKey();
                body = f.getValue();
                break;
            }
        }
        if (key == null) {
            throw new RecordException("not a Tetragon event: no event object (process_exec, process_exit, process_kprobe, ...) at top level");
        }
        Event e = new Event();
        e.set(Fields.FORMAT, SourceFormat.TETRAGON.id());
        e.set(Fields.SOURCE, "syscall");
        String node_ = text(node, "node_name");
        e.setIfPresent(Fields.HOSTNAME, node_);
        JsonNode proc = body.get("process");
        JsonNode parent = body.get("parent");
        Long time = time(node.get("time"), "time");
        if (time == null) {
            time = time(body.get("time"), key + ".time");
        }
        if (time == null && proc != null && proc.isObject() && "process_exec".equals(key)) {
            time = time(proc.get("start_time"), "process.start_time");
        }
        if (time == null) {
            throw new RecordException("missing field 'time'");
        }
        e.set(Fields.TIME, time);
        e.set(Fields.ID, EventIds.derive(time, raw.hash()));
        if (proc != null && proc.isObject()) {
            process(e, proc, parent != null && parent.isObject() ? parent : null, node_);
        }
        switch (key) {
            case "process_exec" -> e.kind(EventKind.PROCESS_EXEC).set(Fields.TYPE, "execve");
            case "process_exit" -> {
                e.kind(EventKind.PROCESS_EXIT).set(Fields.TYPE, "procexit");
                e.setIfPresent(Fields.PROC_EXIT_CODE, longOf(body, "status"));
                e.setIfPresent(Fields.PROC_EXIT_SIGNAL, text(body, "signal"));
            }
            case "process_kprobe" -> kprobe(e, body, text(body, "function_name"));
            case "process_lsm" -> {
                e.kind(EventKind.OTHER).setIfPresent(Fields.TYPE, orKey(text(body, "function_name"), key));
                e.setIfPresent(Fields.ARGS, args(body));
            }
            case "process_tracepoint" -> {
                String ev = text(body, "event");
                e.kind(EventKind.OTHER).set(Fields.TYPE, orKey(ev, key));
                e.setIfPresent(Fields.ARGS, args(body));
            }
            case "process_uprobe", "process_usdt" -> {
                e.kind(EventKind.OTHER).set(Fields.TYPE, orKey(text(body, "symbol"), key));
                e.setIfPresent(Fields.ARGS, args(body));
            }
            // early Tetragon schema (2021-22)
            case "process_connect" -> {
                e.kind(EventKind.NETWORK_CONNECT).set(Fields.TYPE, "connect");
                oldSocket(e, body);
            }
            case "process_close" -> {
                e.kind(EventKind.NETWORK_CLOSE).set(Fields.TYPE, "close");
                oldSocket(e, body);
            }
            case "process_listen" -> {
                e.kind(EventKind.OTHER).set(Fields.TYPE, "listen");
                e.setIfPresent(Fields.FD_SIP, text(body, "ip"));
                e.setIfPresent(Fields.FD_SPORT, longOf(body, "port"));
                e.setIfPresent(Fields.FD_L4PROTO, l4proto(text(body, "protocol")));
            }
            default -> {
                unknownKinds.computeIfAbsent(key, k -> new LongAdder()).increment();
                e.kind(EventKind.OTHER).set(Fields.TYPE, key);
            }
        }
        e.raw(raw.copy());
        out.emit(e);
    }

    private static boolean isMeta(String k) {
        for (String m : META_KEYS) {
            if (m.equals(k)) {
                return true;
            }
        }
        return false;
    }

    private static String orKey(String s, String key) {
        return s == null || s.isEmpty() ? key : s;
    }

    private static Long time(JsonNode t, String name) {
        if (t == null || t.isNull()) {
            return null;
        }
        if (!t.isTextual()) {
            throw new RecordException("unparsable timestamp '" + name + "': " + describe(t) + ", expected an RFC 3339 string");
        }
        try {
            return Times.parseRfc3339Nanos(t.textValue());
        } catch (IllegalArgumentException ex) {
            throw new RecordException("unparsable timestamp '" + name + "': " + ex.getMessage());
        }
    }

    private static Long optTime(JsonNode t) {
        if (t == null || !t.isTextual()) {
            return null;
        }
        try {
            return Times.parseRfc3339Nanos(t.textValue());
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    private static void process(Event e, JsonNode p, JsonNode parent, String node) {
        Long pid = longOf(p, "pid");
        e.setIfPresent(Fields.PROC_PID, pid);
        String binary = text(p, "binary");
        String args = text(p, "arguments");
        String name = basename(binary);
        e.setIfPresent(Fields.PROC_EXEPATH, binary);
        e.setIfPresent(Fields.PROC_EXE, binary);
        e.setIfPresent(Fields.PROC_NAME, name);
        e.setIfPresent(Fields.PROC_ARGS, args);
        if (name != null) {
            e.set(Fields.PROC_CMDLINE, args == null || args.isEmpty() ? name : name + " " + args);
        }
        e.setIfPresent(Fields.PROC_CWD, text(p, "cwd"));
        Long tty = longOf(p, "tty");
        e.setIfPresent(Fields.PROC_TTY, tty);
        Long start = optTime(p.get("start_time"));
        e.setIfPresent(Fields.PROC_PID_TS, start);
        Long uid = longOf(p, "uid");
        JsonNode creds = p.get("process_credentials");
        if (uid == null && creds != null && creds.isObject()) {
            uid = longOf(creds, "euid");
            if (uid == null) {
                uid = longOf(creds, "uid");
            }
        }
        e.setIfPresent(Fields.USER_UID, uid);
        Long auid = longOf(p, "auid");
        if (auid != null && auid == 4294967295L) {
            auid = -1L; // unset loginuid, as Falco reports it
        }
        e.setIfPresent(Fields.USER_LOGINUID, auid);
        JsonNode user = p.get("user");
        if (user != null && user.isObject()) {
            e.setIfPresent(Fields.USER_NAME, text(user, "name"));
        }
        // container / pod
        JsonNode pod = p.get("pod");
        String containerId = null;
        if (pod != null && pod.isObject()) {
            e.setIfPresent(Fields.K8S_NS_NAME, text(pod, "namespace"));
            e.setIfPresent(Fields.K8S_POD_NAME, text(pod, "name"));
            e.setIfPresent(Fields.K8S_POD_UID, text(pod, "uid"));
            JsonNode labels = pod.get("pod_labels");
            if (labels != null && labels.isObject() && !labels.isEmpty()) {
                Map<String, String> m = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> l = it.next();
                    String v = text(l.getValue());
                    if (v != null) {
                        m.put(l.getKey(), v);
                    }
                }
                e.set(Fields.K8S_POD_LABELS, m);
            }
            JsonNode c = pod.get("container");
            if (c != null && c.isObject()) {
                String full = ContainerImages.stripRuntimePrefix(text(c, "id"));
                if (full != null && !full.isEmpty()) {
                    containerId = full.length() > 12 ? full.substring(0, 12) : full;
                    e.set(Fields.CONTAINER_FULL_ID, full);
                }
                e.setIfPresent(Fields.CONTAINER_NAME, text(c, "name"));
                JsonNode img = c.get("image");
                if (img != null && img.isObject()) {
                    String imageName = text(img, "name");
                    e.setIfPresent(Fields.CONTAINER_IMAGE, imageName);
                    ContainerImages.ImageRef ref = ContainerImages.parse(imageName);
                    e.setIfPresent(Fields.CONTAINER_IMAGE_REPOSITORY, ref.repository());
                    e.setIfPresent(Fields.CONTAINER_IMAGE_TAG, ref.tag());
                    String digest = ContainerImages.digestOf(text(img, "id"));
                    e.setIfPresent(Fields.CONTAINER_IMAGE_DIGEST, digest != null ? digest : ref.digest());
                }
            }
        }
        if (containerId == null) {
            String docker = text(p, "docker");
            if (docker != null && !docker.isEmpty()) {
                containerId = docker.length() > 12 ? docker.substring(0, 12) : docker;
            }
        }
        e.set(Fields.CONTAINER_ID, containerId == null ? "host" : containerId);
        // identity
        String execId = text(p, "exec_id");
        if (execId == null || execId.isEmpty()) {
            execId = ProcessIdentity.execId(node, pid, start, containerId == null ? "host" : containerId);
        }
        e.setIfPresent(Fields.PROC_EXEC_ID, execId);
        String pexec = text(p, "parent_exec_id");
        if (parent != null) {
            e.setIfPresent(Fields.PROC_PPID, longOf(parent, "pid"));
            String pbin = text(parent, "binary");
            String pname = basename(pbin);
            String pargs = text(parent, "arguments");
            e.setIfPresent(Fields.PROC_PEXEPATH, pbin);
            e.setIfPresent(Fields.PROC_PNAME, pname);
            if (pname != null) {
                e.set(Fields.PROC_PCMDLINE, pargs == null || pargs.isEmpty() ? pname : pname + " " + pargs);
            }
            Long pstart = optTime(parent.get("start_time"));
            e.setIfPresent(Fields.PROC_PPID_TS, pstart);
            if (pexec == null || pexec.isEmpty()) {
                pexec = text(parent, "exec_id");
            }
            if (pexec == null || pexec.isEmpty()) {
                pexec = ProcessIdentity.parentExecId(node, longOf(parent, "pid"), pstart);
            }
        }
        e.setIfPresent(Fields.PROC_PEXEC_ID, pexec);
    }

    private static void oldSocket(Event e, JsonNode b) {
        String cip = text(b, "source_ip");
        Long cport = longOf(b, "source_port");
        String sip = text(b, "destination_ip");
        Long sport = longOf(b, "destination_port");
        setConn(e, cip, cport, sip, sport, l4proto(text(b, "protocol")));
    }

    private static void setConn(Event e, String cip, Long cport, String sip, Long sport, String proto) {
        e.setIfPresent(Fields.FD_CIP, cip);
        e.setIfPresent(Fields.FD_CPORT, cport);
        e.setIfPresent(Fields.FD_SIP, sip);
        e.setIfPresent(Fields.FD_SPORT, sport);
        e.setIfPresent(Fields.FD_L4PROTO, proto);
        if (cip != null && sip != null) {
            e.set(Fields.FD_NAME, cip + ":" + (cport == null ? "" : cport) + "->" + sip + ":" + (sport == null ? "" : sport));
        }
    }

    /** IPPROTO_TCP / TCP / tcp -> tcp; IPPROTO_UDP -> udp; IPPROTO_ICMP(V6) -> icmp; IPPROTO_RAW -> raw. */
    static String l4proto(String p) {
        if (p == null || p.isEmpty()) {
            return null;
        }
        String s = p.startsWith("IPPROTO_") ? p.substring(8) : p;
        return switch (s) {
            case "TCP", "tcp" -> "tcp";
            case "UDP", "udp", "UDPLITE" -> "udp";
            case "ICMP", "ICMPV6", "icmp" -> "icmp";
            case "RAW", "raw" -> "raw";
            default -> s.toLowerCase(java.util.Locale.ROOT);
        };
    }

    static void kprobe(Event e, JsonNode body, String fn) {
        JsonNode args = body.get("args");
        JsonNode ret = body.get("return");
        if (fn == null || fn.isEmpty()) {
            e.kind(EventKind.OTHER).set(Fields.TYPE, "process_kprobe");
            e.setIfPresent(Fields.ARGS, args(body));
            return;
        }
        switch (fn) {
            case "tcp_connect", "__sys_connect", "__x64_sys_connect" -> {
                JsonNode sock = findArg(args, "sock_arg");
                e.kind(EventKind.NETWORK_CONNECT).set(Fields.TYPE, "connect");
                if (sock != null) {
                    setConn(e, text(sock, "saddr"), longOf(sock, "sport"), text(sock, "daddr"), longOf(sock, "dport"), l4proto(text(sock, "protocol")));
                } else {
                    e.setIfPresent(Fields.ARGS, args(body));
                }
                return;
            }
            case "tcp_close" -> {
                JsonNode sock = findArg(args, "sock_arg");
                e.kind(EventKind.NETWORK_CLOSE).set(Fields.TYPE, "close");
                if (sock != null) {
                    // direction unknown at close: the local end is reported as the client
                    setConn(e, text(sock, "saddr"), longOf(sock, "sport"), text(sock, "daddr"), longOf(sock, "dport"), l4proto(text(sock, "protocol")));
                } else {
                    e.setIfPresent(Fields.ARGS, args(body));
                }
                return;
            }
            case "inet_csk_accept" -> {
                JsonNode sock = ret != null && ret.isObject() && ret.get("sock_arg") != null && ret.get("sock_arg").isObject()
                        ? ret.get("sock_arg") : findArg(args, "sock_arg");
                e.kind(EventKind.NETWORK_ACCEPT).set(Fields.TYPE, "accept");
                if (sock != null) {
                    // the accepted sock: local (saddr/sport) is the server, remote (daddr/dport) the client
                    setConn(e, text(sock, "daddr"), longOf(sock, "dport"), text(sock, "saddr"), longOf(sock, "sport"), l4proto(text(sock, "protocol")));
                } else {
                    e.setIfPresent(Fields.ARGS, args(body));
                }
                return;
            }
            default -> {
            }
        }
        JsonNode file = findArg(args, "file_arg");
        if (file == null) {
            file = findArg(args, "path_arg");
        }
        // A network hook's socket is fully in fd.*; anything else keeps its arguments in evt.args (the
        // socket's cookie and TCP state stay in the original payload, not in a column on every connection).
        e.setIfPresent(Fields.ARGS, args(body));
        if (file != null) {
            e.kind(EventKind.FILE).set(Fields.TYPE, fileType(fn, args));
            e.setIfPresent(Fields.FD_NAME, text(file, "path"));
            return;
        }
        e.kind(EventKind.OTHER).set(Fields.TYPE, fn);
        JsonNode sock = findArg(args, "sock_arg");
        if (sock != null) {
            setConn(e, text(sock, "saddr"), longOf(sock, "sport"), text(sock, "daddr"), longOf(sock, "dport"), l4proto(text(sock, "protocol")));
        }
    }

    /** The best Falco evt.type for a file hook. */
    static String fileType(String fn, JsonNode args) {
        switch (fn) {
            case "security_file_permission": {
                // second argument: the MAY_* mask (MAY_WRITE 2, MAY_READ 4, MAY_APPEND 8)
                JsonNode mask = findArg(args, "int_arg");
                Long m = mask == null ? null : longOf(mask);
                return m != null && (m & 0xA) != 0 ? "write" : "read";
            }
            case "security_mmap_file":
                return "mmap";
            case "fd_install", "security_file_open", "do_filp_open", "vfs_open":
                return "open";
            default:
                break;
        }
        String f = fn.toLowerCase(java.util.Locale.ROOT);
        if (f.contains("unlink")) {
            return "unlink";
        }
        if (f.contains("rename")) {
            return "rename";
        }
        if (f.contains("rmdir")) {
            return "rmdir";
        }
        if (f.contains("mkdir")) {
            return "mkdir";
        }
        if (f.contains("chmod")) {
            return "chmod";
        }
        if (f.contains("chown")) {
            return "chown";
        }
        if (f.contains("truncate")) {
            return "truncate";
        }
        if (f.contains("symlink")) {
            return "symlink";
        }
        if (f.contains("link")) {
            return "link";
        }
        if (f.contains("openat")) {
            return "openat";
        }
        if (f.contains("open")) {
            return "open";
        }
        if (f.contains("write")) {
            return "write";
        }
        if (f.contains("read")) {
            return "read";
        }
        return fn;
    }

    /** The value of the first argument of the given type (e.g. "sock_arg"), or null. */
    static JsonNode findArg(JsonNode args, String type) {
        if (args == null || !args.isArray()) {
            return null;
        }
        for (JsonNode a : args) {
            if (a != null && a.isObject()) {
                JsonNode v = a.get(type);
                if (v != null && !v.isNull()) {
                    return v;
                }
            }
        }
        return null;
    }

    /**
     * The arguments as text: key = the argument's label or its index, value = the scalar's text or
     * the compact JSON of a structured argument ({@code file_arg}, {@code sock_arg}, ...); plus
     * {@code return}, {@code policy}, {@code action} and, for tracepoints, {@code subsys}.
     */
    static Map<String, String> args(JsonNode body) {
        Map<String, String> m = new LinkedHashMap<>();
        JsonNode args = body.get("args");
        if (args != null && args.isArray()) {
            int i = 0;
            for (JsonNode a : args) {
                String label = null;
                String value = null;
                if (a != null && a.isObject()) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> f = it.next();
                        if ("label".equals(f.getKey())) {
                            label = text(f.getValue());
                        } else if (value == null) {
                            value = argText(f.getValue());
                        }
                    }
                } else if (a != null) {
                    value = argText(a);
                }
                m.put(label != null && !label.isEmpty() ? label : Integer.toString(i), value == null ? "" : value);
                i++;
            }
        }
        JsonNode ret = body.get("return");
        if (ret != null && ret.isObject() && !ret.isEmpty()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = ret.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!"label".equals(f.getKey())) {
                    m.put("return", argText(f.getValue()));
                    break;
                }
            }
        }
        putIf(m, "policy", text(body, "policy_name"));
        putIf(m, "action", text(body, "action"));
        putIf(m, "subsys", text(body, "subsys"));
        putIf(m, "message", text(body, "message"));
        return m.isEmpty() ? null : m;
    }

    private static void putIf(Map<String, String> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }

    private static String argText(JsonNode v) {
        if (v == null || v.isNull()) {
            return "";
        }
        String s = v.isContainerNode() ? v.toString() : v.asText();
        return s.length() > 4096 ? s.substring(0, 4096) : s;
    }
}
