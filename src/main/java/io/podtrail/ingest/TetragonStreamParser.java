package io.podtrail.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.podtrail.event.Event;
import io.podtrail.event.EventIds;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.event.SourceFormat;
import io.podtrail.normalize.ContainerImages;
import io.podtrail.normalize.ProcessIdentity;
import io.podtrail.normalize.Times;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hot path of {@link TetragonJsonSource}: maps one single-line process_exec, process_exit or
 * process_kprobe record with Jackson's streaming parser, straight from the line's bytes, to exactly
 * the event the tree-model path makes. Anything it is not sure about — another kind, a duplicate key,
 * a value of an unusual JSON type, a timestamp that does not parse, malformed JSON, more than one
 * value on the line — makes it decline ({@link #map} returns null) and the caller uses the tree-model
 * path, which keeps its rejections and messages. Not thread-safe: one per reading thread.
 */
final class TetragonStreamParser implements JsonEventSource.LineMapper {

    /** Thrown (stackless, shared) to give up on the fast path. */
    private static final class Decline extends RuntimeException {
        static final Decline INSTANCE = new Decline();

        private Decline() {
            super("decline", null, false, false);
        }
    }

    private static final int EXEC = 1;
    private static final int EXIT = 2;
    private static final int KPROBE = 3;

    private final JsonFactory factory = JsonEventSource.MAPPER.getFactory();
    private final StringCache strings = new StringCache(4096, 512);
    private final StringCache.Memo<String, String[]> containerIds = new StringCache.Memo<>(256);
    private final StringCache.Memo<String, ContainerImages.ImageRef> images = new StringCache.Memo<>(256);
    private final StringCache.Memo<String, String> digests = new StringCache.Memo<>(256);
    private final StringCache.Memo<String, String> basenames = new StringCache.Memo<>(1024);
    private final LabelCache labelCache = new LabelCache(256);
    // cmdline per (name, args)
    private final String[] cmdNames = new String[1024];
    private final String[] cmdArgs = new String[1024];
    private final String[] cmdLines = new String[1024];

    private final Proc proc = new Proc();
    private final Proc parent = new Proc();
    private final String[] topNames = new String[16];
    private String[] labelScratch = new String[32];

    /** The values of one process object, as the tree path reads them. */
    private static final class Proc {
        static final int F_EXEC_ID = 1, F_PID = 1 << 1, F_UID = 1 << 2, F_CWD = 1 << 3, F_BINARY = 1 << 4,
                F_ARGS = 1 << 5, F_START = 1 << 6, F_AUID = 1 << 7, F_TTY = 1 << 8, F_DOCKER = 1 << 9,
                F_PEXEC = 1 << 10, F_CREDS = 1 << 11, F_USER = 1 << 12, F_POD = 1 << 13;
        boolean present;
        int seen;
        String execId, binary, args, cwd, docker, parentExecId, userName;
        Long pid, uid, auid, tty, credEuid, credUid, start;
        boolean startBad;
        boolean creds;
        // pod
        boolean pod;
        String ns, podName, podUid;
        boolean labelsSet;
        Map<String, String> labels;
        boolean container;
        String containerId, containerName;
        boolean image;
        String imageName, imageId;

        void reset() {
            present = false;
            seen = 0;
            execId = binary = args = cwd = docker = parentExecId = userName = null;
            pid = uid = auid = tty = credEuid = credUid = start = null;
            startBad = false;
            creds = false;
            pod = false;
            ns = podName = podUid = null;
            labelsSet = false;
            labels = null;
            container = false;
            containerId = containerName = null;
            image = false;
            imageName = imageId = null;
        }

        void mark(int f) {
            if ((seen & f) != 0) {
                throw Decline.INSTANCE;
            }
            seen |= f;
        }
    }

    /**
     * The event of a record whose bytes are {@code raw}, or null to let the tree-model path decide
     * (which may also reject the record).
     */
    @Override
    public Event map(JsonEventSource.Raw raw) throws IOException {
        try {
            return parse(raw);
        } catch (Decline d) {
            return null;
        }
    }

    private Event parse(JsonEventSource.Raw raw) throws IOException {
        proc.reset();
        parent.reset();
        String nodeName = null;
        Long topTime = null;
        int kind = 0;
        Long bodyTime = null;
        boolean bodyTimeBad = false;
        ObjectNode extras = null;
        try (JsonParser p = factory.createParser(raw.buf, raw.off, raw.len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int nn = 0;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                for (int i = 0; i < nn; i++) {
                    if (topNames[i].equals(f)) {
                        return null;
                    }
                }
                if (nn == topNames.length) {
                    return null;
                }
                topNames[nn++] = f;
                JsonToken v = p.nextToken();
                switch (f) {
                    case "node_name" -> nodeName = str(p, v);
                    case "time" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            topTime = time(p); // unparsable: the tree path rejects
                        } else if (v != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    case "cluster_name", "node_labels", "aggregation_info" -> p.skipChildren();
                    default -> {
                        if (v != JsonToken.START_OBJECT || kind != 0) {
                            p.skipChildren();
                            break;
                        }
                        kind = switch (f) {
                            case "process_exec" -> EXEC;
                            case "process_exit" -> EXIT;
                            case "process_kprobe" -> KPROBE;
                            default -> throw Decline.INSTANCE;
                        };
                        // body
                        int seen = 0;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String bf = p.currentName();
                            JsonToken bv = p.nextToken();
                            switch (bf) {
                                case "process" -> {
                                    seen = mark(seen, 1);
                                    procObject(p, bv, proc);
                                }
                                case "parent" -> {
                                    seen = mark(seen, 2);
                                    procObject(p, bv, parent);
                                }
                                case "time" -> {
                                    seen = mark(seen, 4);
                                    if (bv == JsonToken.VALUE_STRING) {
                                        try {
                                            bodyTime = time(p);
                                        } catch (Decline d) {
                                            bodyTimeBad = true;
                                        }
                                    } else if (bv != JsonToken.VALUE_NULL) {
                                        return null;
                                    }
                                }
                                default -> {
                                    if (isExtra(kind, bf)) {
                                        if (extras == null) {
                                            extras = JsonNodeFactory.instance.objectNode();
                                        } else if (extras.has(bf)) {
                                            return null;
                                        }
                                        extras.set(bf, node(p, bv));
                                    } else {
                                        p.skipChildren();
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null || kind == 0) {
                return null;
            }
        } catch (IOException | RuntimeException e) {
            // malformed JSON or constraint violations: the tree path reports them
            return null;
        }
        // --- the event, as TetragonJsonSource#map builds it ---
        Long time = topTime;
        if (time == null) {
            if (bodyTimeBad) {
                return null;
            }
            time = bodyTime;
        }
        if (time == null && proc.present && kind == EXEC) {
            if (proc.startBad) {
                return null;
            }
            time = proc.start;
        }
        if (time == null) {
            return null;
        }
        Event e = new Event();
        e.set(Fields.FORMAT, SourceFormat.TETRAGON.id());
        e.set(Fields.SOURCE, "syscall");
        e.set(Fields.ID, EventIds.derive(time, raw.hash()));
        e.setIfPresent(Fields.HOSTNAME, nodeName);
        e.set(Fields.TIME, time);
        if (proc.present) {
            process(e, proc, parent.present ? parent : null, nodeName);
        }
        if (extras == null) {
            extras = JsonNodeFactory.instance.objectNode();
        }
        switch (kind) {
            case EXEC -> e.kind(EventKind.PROCESS_EXEC).set(Fields.TYPE, "execve");
            case EXIT -> {
                e.kind(EventKind.PROCESS_EXIT).set(Fields.TYPE, "procexit");
                e.setIfPresent(Fields.PROC_EXIT_CODE, JsonEventSource.longOf(extras, "status"));
                e.setIfPresent(Fields.PROC_EXIT_SIGNAL, JsonEventSource.text(extras, "signal"));
            }
            default -> TetragonJsonSource.kprobe(e, extras, JsonEventSource.text(extras, "function_name"));
        }
        e.raw(raw.copy());
        return e;
    }

    private static boolean isExtra(int kind, String f) {
        if (kind == EXIT) {
            return f.equals("status") || f.equals("signal");
        }
        if (kind == KPROBE) {
            return switch (f) {
                case "function_name", "args", "return", "policy_name", "action", "subsys", "message" -> true;
                default -> false;
            };
        }
        return false;
    }

    private static int mark(int seen, int bit) {
        if ((seen & bit) != 0) {
            throw Decline.INSTANCE;
        }
        return seen | bit;
    }

    /** The tree node of the current value (what the tree-model path would hold). */
    private JsonNode node(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return TextNode.valueOf(str(p, v));
        }
        if (v == JsonToken.VALUE_NULL) {
            return NullNode.getInstance();
        }
        JsonNode n = JsonEventSource.MAPPER.readTree(p);
        if (n == null) {
            throw Decline.INSTANCE;
        }
        return n;
    }

    private String str(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return strings.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        }
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        throw Decline.INSTANCE;
    }

    private static Long lng(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType nt = p.getNumberType();
            if (nt == JsonParser.NumberType.INT) {
                return (long) p.getIntValue();
            }
            if (nt == JsonParser.NumberType.LONG) {
                return p.getLongValue();
            }
            throw Decline.INSTANCE;
        }
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        throw Decline.INSTANCE;
    }

    /** The current VALUE_STRING as a timestamp; Decline when it does not parse. */
    private static Long time(JsonParser p) throws IOException {
        try {
            return Times.parseRfc3339Nanos(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        } catch (IllegalArgumentException ex) {
            throw Decline.INSTANCE;
        }
    }

    /** true when the value is an object and we are now inside it; false for null; Decline otherwise. */
    private static boolean object(JsonToken v) {
        if (v == JsonToken.START_OBJECT) {
            return true;
        }
        if (v == JsonToken.VALUE_NULL) {
            return false;
        }
        throw Decline.INSTANCE;
    }

    private void procObject(JsonParser p, JsonToken v, Proc q) throws IOException {
        if (!object(v)) {
            return;
        }
        q.present = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            switch (f) {
                case "exec_id" -> {
                    q.mark(Proc.F_EXEC_ID);
                    q.execId = str(p, t);
                }
                case "pid" -> {
                    q.mark(Proc.F_PID);
                    q.pid = lng(p, t);
                }
                case "uid" -> {
                    q.mark(Proc.F_UID);
                    q.uid = lng(p, t);
                }
                case "cwd" -> {
                    q.mark(Proc.F_CWD);
                    q.cwd = str(p, t);
                }
                case "binary" -> {
                    q.mark(Proc.F_BINARY);
                    q.binary = str(p, t);
                }
                case "arguments" -> {
                    q.mark(Proc.F_ARGS);
                    q.args = str(p, t);
                }
                case "start_time" -> {
                    q.mark(Proc.F_START);
                    if (t == JsonToken.VALUE_STRING) {
                        try {
                            q.start = time(p);
                        } catch (Decline d) {
                            q.startBad = true;
                        }
                    } else if (t != JsonToken.VALUE_NULL) {
                        throw Decline.INSTANCE;
                    }
                }
                case "auid" -> {
                    q.mark(Proc.F_AUID);
                    q.auid = lng(p, t);
                }
                case "tty" -> {
                    q.mark(Proc.F_TTY);
                    q.tty = lng(p, t);
                }
                case "docker" -> {
                    q.mark(Proc.F_DOCKER);
                    q.docker = str(p, t);
                }
                case "parent_exec_id" -> {
                    q.mark(Proc.F_PEXEC);
                    q.parentExecId = str(p, t);
                }
                case "process_credentials" -> {
                    q.mark(Proc.F_CREDS);
                    credentials(p, t, q);
                }
                case "user" -> {
                    q.mark(Proc.F_USER);
                    if (object(t)) {
                        int seen = 0;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String uf = p.currentName();
                            JsonToken ut = p.nextToken();
                            if (uf.equals("name")) {
                                seen = mark(seen, 1);
                                q.userName = str(p, ut);
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                }
                case "pod" -> {
                    q.mark(Proc.F_POD);
                    pod(p, t, q);
                }
                default -> p.skipChildren();
            }
        }
    }

    private void credentials(JsonParser p, JsonToken t, Proc q) throws IOException {
        if (!object(t)) {
            return;
        }
        q.creds = true;
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "euid" -> {
                    seen = mark(seen, 1);
                    q.credEuid = lng(p, v);
                }
                case "uid" -> {
                    seen = mark(seen, 2);
                    q.credUid = lng(p, v);
                }
                default -> p.skipChildren();
            }
        }
    }

    private void pod(JsonParser p, JsonToken t, Proc q) throws IOException {
        if (!object(t)) {
            return;
        }
        q.pod = true;
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "namespace" -> {
                    seen = mark(seen, 1);
                    q.ns = str(p, v);
                }
                case "name" -> {
                    seen = mark(seen, 2);
                    q.podName = str(p, v);
                }
                case "uid" -> {
                    seen = mark(seen, 4);
                    q.podUid = str(p, v);
                }
                case "pod_labels" -> {
                    seen = mark(seen, 8);
                    labels(p, v, q);
                }
                case "container" -> {
                    seen = mark(seen, 16);
                    container(p, v, q);
                }
                default -> p.skipChildren();
            }
        }
    }

    private void container(JsonParser p, JsonToken t, Proc q) throws IOException {
        if (!object(t)) {
            return;
        }
        q.container = true;
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "id" -> {
                    seen = mark(seen, 1);
                    q.containerId = str(p, v);
                }
                case "name" -> {
                    seen = mark(seen, 2);
                    q.containerName = str(p, v);
                }
                case "image" -> {
                    seen = mark(seen, 4);
                    if (object(v)) {
                        q.image = true;
                        int iseen = 0;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String imf = p.currentName();
                            JsonToken iv = p.nextToken();
                            switch (imf) {
                                case "id" -> {
                                    iseen = mark(iseen, 1);
                                    q.imageId = str(p, iv);
                                }
                                case "name" -> {
                                    iseen = mark(iseen, 2);
                                    q.imageName = str(p, iv);
                                }
                                default -> p.skipChildren();
                            }
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    /** pod_labels: string values kept, null values dropped, anything else or a duplicate key declines. */
    private void labels(JsonParser p, JsonToken t, Proc q) throws IOException {
        if (!object(t)) {
            return;
        }
        String[] kv = labelScratch;
        int n = 0; // entries with a value, as key/value pairs
        int fields = 0;
        int nulls = 0;
        String[] nullKeys = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            fields++;
            if (fields > 64) {
                throw Decline.INSTANCE;
            }
            String val = str(p, v);
            // duplicate keys: the tree keeps the last value; decline instead
            for (int i = 0; i < n; i += 2) {
                if (kv[i].equals(k)) {
                    throw Decline.INSTANCE;
                }
            }
            for (int i = 0; i < nulls; i++) {
                if (nullKeys[i].equals(k)) {
                    throw Decline.INSTANCE;
                }
            }
            if (val == null) {
                if (nullKeys == null) {
                    nullKeys = new String[64];
                }
                nullKeys[nulls++] = k;
                continue;
            }
            if (n + 2 > kv.length) {
                kv = labelScratch = Arrays.copyOf(kv, kv.length * 2);
            }
            kv[n++] = k;
            kv[n++] = val;
        }
        if (fields == 0) {
            return;
        }
        q.labelsSet = true;
        q.labels = labelCache.get(kv, n);
    }

    /** Immutable label maps per distinct key/value sequence. */
    private static final class LabelCache {
        private final String[][] keys;
        private final Map<?, ?>[] maps;
        private final int mask;

        LabelCache(int sizePow2) {
            keys = new String[sizePow2][];
            maps = new Map<?, ?>[sizePow2];
            mask = sizePow2 - 1;
        }

        @SuppressWarnings("unchecked")
        Map<String, String> get(String[] kv, int n) {
            int h = n;
            for (int i = 0; i < n; i++) {
                h = 31 * h + kv[i].hashCode();
            }
            int idx = (h ^ (h >>> 15)) & mask;
            String[] k = keys[idx];
            if (k != null && k.length == n) {
                boolean same = true;
                for (int i = 0; i < n && same; i++) {
                    same = k[i].equals(kv[i]);
                }
                if (same) {
                    return (Map<String, String>) maps[idx];
                }
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i += 2) {
                m.put(kv[i], kv[i + 1]);
            }
            Map<String, String> im = Map.copyOf(m);
            keys[idx] = Arrays.copyOf(kv, n);
            maps[idx] = im;
            return im;
        }
    }

    // --- TetragonJsonSource#process, on the collected values ---

    private String basename(String path) {
        return path == null ? null : basenames.get(path, JsonEventSource::basename);
    }

    private String cmdline(String name, String args) {
        if (args == null || args.isEmpty()) {
            return name;
        }
        int h = (31 * name.hashCode() + args.hashCode());
        int idx = (h ^ (h >>> 15)) & (cmdLines.length - 1);
        if (name.equals(cmdNames[idx]) && args.equals(cmdArgs[idx])) {
            return cmdLines[idx];
        }
        String c = name + " " + args;
        cmdNames[idx] = name;
        cmdArgs[idx] = args;
        cmdLines[idx] = c;
        return c;
    }

    private static String[] splitContainerId(String id) {
        String full = ContainerImages.stripRuntimePrefix(id);
        if (full == null || full.isEmpty()) {
            return new String[]{null, null};
        }
        return new String[]{full, full.length() > 12 ? full.substring(0, 12) : full};
    }

    private void process(Event e, Proc p, Proc parent, String node) {
        Long pid = p.pid;
        e.setIfPresent(Fields.PROC_PID, pid);
        String binary = p.binary;
        String args = p.args;
        String name = basename(binary);
        e.setIfPresent(Fields.PROC_EXEPATH, binary);
        e.setIfPresent(Fields.PROC_EXE, binary);
        e.setIfPresent(Fields.PROC_NAME, name);
        e.setIfPresent(Fields.PROC_ARGS, args);
        if (name != null) {
            e.set(Fields.PROC_CMDLINE, cmdline(name, args));
        }
        e.setIfPresent(Fields.PROC_CWD, p.cwd);
        e.setIfPresent(Fields.PROC_TTY, p.tty);
        Long start = p.start;
        e.setIfPresent(Fields.PROC_PID_TS, start);
        Long uid = p.uid;
        if (uid == null && p.creds) {
            uid = p.credEuid;
            if (uid == null) {
                uid = p.credUid;
            }
        }
        e.setIfPresent(Fields.USER_UID, uid);
        Long auid = p.auid;
        if (auid != null && auid == 4294967295L) {
            auid = -1L;
        }
        e.setIfPresent(Fields.USER_LOGINUID, auid);
        e.setIfPresent(Fields.USER_NAME, p.userName);
        String containerId = null;
        if (p.pod) {
            e.setIfPresent(Fields.K8S_NS_NAME, p.ns);
            e.setIfPresent(Fields.K8S_POD_NAME, p.podName);
            e.setIfPresent(Fields.K8S_POD_UID, p.podUid);
            if (p.labelsSet) {
                e.set(Fields.K8S_POD_LABELS, p.labels);
            }
            if (p.container) {
                if (p.containerId != null) {
                    String[] ids = containerIds.get(p.containerId, TetragonStreamParser::splitContainerId);
                    if (ids[0] != null) {
                        containerId = ids[1];
                        e.set(Fields.CONTAINER_FULL_ID, ids[0]);
                    }
                }
                e.setIfPresent(Fields.CONTAINER_NAME, p.containerName);
                if (p.image) {
                    String imageName = p.imageName;
                    e.setIfPresent(Fields.CONTAINER_IMAGE, imageName);
                    ContainerImages.ImageRef ref = imageName == null ? ContainerImages.parse(null) : images.get(imageName, ContainerImages::parse);
                    e.setIfPresent(Fields.CONTAINER_IMAGE_REPOSITORY, ref.repository());
                    e.setIfPresent(Fields.CONTAINER_IMAGE_TAG, ref.tag());
                    String digest = p.imageId == null ? null : digests.get(p.imageId, ContainerImages::digestOf);
                    e.setIfPresent(Fields.CONTAINER_IMAGE_DIGEST, digest != null ? digest : ref.digest());
                }
            }
        }
        if (containerId == null) {
            String docker = p.docker;
            if (docker != null && !docker.isEmpty()) {
                containerId = docker.length() > 12 ? docker.substring(0, 12) : docker;
            }
        }
        e.set(Fields.CONTAINER_ID, containerId == null ? "host" : containerId);
        String execId = p.execId;
        if (execId == null || execId.isEmpty()) {
            execId = ProcessIdentity.execId(node, pid, start, containerId == null ? "host" : containerId);
        }
        e.setIfPresent(Fields.PROC_EXEC_ID, execId);
        String pexec = p.parentExecId;
        if (parent != null) {
            e.setIfPresent(Fields.PROC_PPID, parent.pid);
            String pbin = parent.binary;
            String pname = basename(pbin);
            String pargs = parent.args;
            e.setIfPresent(Fields.PROC_PEXEPATH, pbin);
            e.setIfPresent(Fields.PROC_PNAME, pname);
            if (pname != null) {
                e.set(Fields.PROC_PCMDLINE, cmdline(pname, pargs));
            }
            Long pstart = parent.start;
            e.setIfPresent(Fields.PROC_PPID_TS, pstart);
            if (pexec == null || pexec.isEmpty()) {
                pexec = parent.execId;
            }
            if (pexec == null || pexec.isEmpty()) {
                pexec = ProcessIdentity.parentExecId(node, parent.pid, pstart);
            }
        }
        e.setIfPresent(Fields.PROC_PEXEC_ID, pexec);
    }
}
