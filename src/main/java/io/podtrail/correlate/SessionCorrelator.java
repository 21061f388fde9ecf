package io.podtrail.correlate;

import io.podtrail.event.Event;
import io.podtrail.event.EventKind;
import io.podtrail.event.Fields;
import io.podtrail.normalize.Hashing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Process trees per node and the exec sessions behind them (see docs/sessions.md).
 *
 * <p>Time is event time: the watermark is the latest sensor event time seen ({@link #advanceTo} moves it when
 * nothing arrives), so replaying a day of files decides exactly as the live stream did. Kubernetes audit events
 * do not move it: they travel another path and may be minutes late.
 *
 * <p>Matching: a session's root is a process of that pod (and container, when the request names one) started from
 * outside the container (its parent is the runtime: containerd-shim, runc, conmon, crio, ...), whose argv equals
 * the requested command, and which started within {@code window} of the request. Sessions and roots of a pod
 * that fit each other form groups; a group of one session and one root is exact, anything larger is ambiguous
 * (no guessing: every candidate is listed). Descendants inherit their root's session.
 *
 * <p>Memory: a process leaves the table when it and all its descendants have exited, {@code retention} after
 * its exit; a node's table never exceeds {@code maxProcessesPerNode} (the oldest entry goes first, counted).
 */
public final class SessionCorrelator implements Correlator {

    /**
     * @param window              how far a root process's start may be from its request (clock skew between the
     *                            API server and the nodes, kubectl's round trips)
     * @param retention           how long exited processes and recent root candidates stay in memory for late
     *                            sessions; older ones are found in the store
     * @param outsideApiDelay     how long an interactive process started by the runtime waits for its API request
     *                            before it is called an exec outside the Kubernetes API
     * @param maxProcessesPerNode upper bound of a node's process table
     * @param lateness            how far behind the latest sensor event another may still arrive (nodes' exports
     *                            are not in step): decisions wait until the watermark minus this has passed them
     */
    public record Config(Duration window, Duration retention, Duration outsideApiDelay, int maxProcessesPerNode,
                         Duration lateness) {
        public static Config defaults() {
            return new Config(Duration.ofSeconds(30), Duration.ofMinutes(15), Duration.ofMinutes(2), 65_536,
                    Duration.ofMinutes(1));
        }
    }

    /** Parent process names of a process started from outside its container. */
    static final Set<String> RUNTIMES = Set.of("containerd-shim", "containerd-shim-runc-v1", "containerd-shim-runc-v2",
            "runc", "runc:[0:PARENT]", "runc:[1:CHILD]", "runc:[2:INIT]", "crun", "conmon", "crio", "docker-runc",
            "docker-runc-cur", "dockerd", "containerd", "exe", "cri-o");
    static final Set<String> SHELLS = Set.of("sh", "bash", "ash", "dash", "zsh", "ksh", "csh", "tcsh", "fish", "busybox");
    private static final int MAX_ANCESTORS = 16;

    private final Config config;
    private final long window;
    private final long retention;
    private final long outsideApiDelay;
    private final long lateness;
    private final ProcessArchive archive;

    private final Map<String, Proc> procs = new HashMap<>();
    /** Per node, its processes in insertion order (for the per-node cap). */
    private final Map<String, LinkedHashMap<String, Proc>> nodes = new HashMap<>();
    /** Children that arrived before their parent, by the parent's exec_id. */
    private final Map<String, List<Proc>> orphans = new HashMap<>();
    private final Set<String> orphanLookups = new LinkedHashSet<>();
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, Pod> pods = new HashMap<>();
    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>(Comparator.comparingLong(Deadline::at));
    private long watermark = Long.MIN_VALUE;

    private final Map<String, Session> changed = new LinkedHashMap<>();
    private final Map<String, String> attributed = new LinkedHashMap<>();
    private final List<String> removed = new ArrayList<>();
    /**
     * Evictions wait for {@link #drain()}: drain runs after the batch is stored, and a process evicted while its
     * own batch is still in memory would be in neither place for a late session's descendants.
     */
    private final List<Proc> exitedTrees = new ArrayList<>();
    private final List<Proc> overCap = new ArrayList<>();

    private long nSessions;
    private long nMatched;
    private long nAmbiguous;
    private long nUnmatched;
    private long nOutsideApi;
    private long nLate;
    private long nOrphansExpired;
    private long nEvicted;

    /** What a pod has that matching looks at: its sessions still deciding and its recent root candidates. */
    private static final class Pod {
        final List<Session> sessions = new ArrayList<>();
        final List<Proc> roots = new ArrayList<>();
    }

    private enum Action { DECIDE_SESSION, OUTSIDE_API, EVICT, EXPIRE_ORPHANS }

    private record Deadline(long at, Action action, Object subject) {
    }

    public SessionCorrelator(Config config, ProcessArchive archive) {
        this.config = config;
        this.window = config.window().toNanos();
        this.retention = config.retention().toNanos();
        this.outsideApiDelay = config.outsideApiDelay().toNanos();
        this.lateness = config.lateness().toNanos();
        this.archive = archive;
        for (SessionRecord r : archive.pendingSessions()) {
            resume(r);
        }
    }

    public SessionCorrelator(ProcessArchive archive) {
        this(Config.defaults(), archive);
    }

    // ------------------------------------------------------------------------------------------------ events

    @Override
    public void accept(Event e) {
        if (e.kind() == EventKind.K8S_API) {
            SessionRequest r = SessionRequest.of(e);
            if (r != null) {
                Session s = request(r);
                s.record().applyTo(e, false);
            }
            return;
        }
        String execId = e.getString(Fields.PROC_EXEC_ID);
        if (execId == null) {
            return;
        }
        advanceTo(e.time());
        Proc p = procs.get(execId);
        if (e.kind() == EventKind.PROCESS_EXEC || p == null) {
            p = exec(e, execId, p);
        }
        if (e.kind() == EventKind.PROCESS_EXIT) {
            exit(p, e.time());
        }
        if (e.get(Fields.ANCESTORS) == null && !p.ancestors.isEmpty()) {
            e.set(Fields.ANCESTORS, p.ancestors);
        }
        if (p.session != null) {
            p.session.record().applyTo(e, p.session.root == p);
        }
    }

    /**
     * Moves event time (the watermark) forward; decisions happen {@code lateness} behind it. Also called without
     * events, so a quiet server still decides pending matches.
     */
    @Override
    public void advanceTo(long nowNs) {
        if (nowNs > watermark) {
            watermark = nowNs;
        }
        if (watermark == Long.MIN_VALUE) {
            return;
        }
        // also when the clock did not move: a process that arrives after the clock passed its deadline (a server's
        // idle tick ran ahead of a late batch) is decided at the next event, not at the next tick
        long settled = watermark - lateness;
        Deadline d;
        while ((d = deadlines.peek()) != null && d.at() <= settled) {
            deadlines.poll();
            fire(d);
        }
    }

    @Override
    public void endOfInput() {
        if (watermark != Long.MIN_VALUE) {
            long last = watermark;
            advanceTo(last + lateness + Math.max(window, outsideApiDelay) + 1);
            watermark = last;
        }
    }

    /**
     * A process seen for the first time: its exec, or any other event of it (an exit or a connection that
     * arrived before the exec, a process that started before we looked): they carry the same process fields.
     */
    private Proc exec(Event e, String execId, Proc known) {
        Proc p = known;
        if (p == null) {
            p = new Proc(execId, e.getString(Fields.PROC_PEXEC_ID));
            procs.put(execId, p);
        } else if (!p.archived) {
            return p; // a second exec event for the same process (duplicate input): nothing new
        }
        p.name = e.getString(Fields.PROC_NAME);
        p.args = e.getString(Fields.PROC_ARGS);
        p.parentName = e.getString(Fields.PROC_PNAME);
        p.tty = e.getLong(Fields.PROC_TTY);
        p.node = e.getString(Fields.HOSTNAME);
        p.cluster = e.getString(Fields.K8S_CLUSTER_NAME);
        p.namespace = e.getString(Fields.K8S_NS_NAME);
        p.pod = e.getString(Fields.K8S_POD_NAME);
        p.container = e.getString(Fields.CONTAINER_NAME);
        p.containerId = e.getString(Fields.CONTAINER_ID);
        Long ts = e.getLong(Fields.PROC_PID_TS);
        p.start = ts != null ? ts : e.time();
        LinkedHashMap<String, Proc> table = nodes.computeIfAbsent(p.node == null ? "" : p.node, k -> new LinkedHashMap<>());
        table.put(execId, p);
        if (table.size() > config.maxProcessesPerNode()) {
            Iterator<Proc> it = table.values().iterator();
            Proc eldest = it.next();
            it.remove();
            overCap.add(eldest);
        }
        Proc parent = p.parentExecId == null ? null : procs.get(p.parentExecId);
        if (parent != null && !parent.evicted) {
            link(parent, p, false);
        } else if (p.parentExecId != null) {
            p.ancestors = p.parentName == null ? List.of() : List.of(p.parentName);
            if (!runtime(p.parentName)) {
                orphans.computeIfAbsent(p.parentExecId, k -> new ArrayList<>(2)).add(p);
                orphanLookups.add(p.parentExecId);
                deadlines.add(new Deadline(p.start + retention, Action.EXPIRE_ORPHANS, p.parentExecId));
            }
        }
        List<Proc> waiting = orphans.remove(execId);
        if (waiting != null) {
            for (Proc c : waiting) {
                link(p, c, true); // the children were stored before their parent came
            }
        }
        p.rootCandidate = p.pod != null && p.containerId != null && !"host".equals(p.containerId)
                && (runtime(p.parentName) || (parent != null && !Objects.equals(parent.containerId, p.containerId)));
        if (p.rootCandidate && p.session == null) {
            Pod pod = pods.computeIfAbsent(podKey(p.namespace, p.pod), k -> new Pod());
            pod.roots.add(p);
            if (interactive(p)) {
                deadlines.add(new Deadline(p.start + outsideApiDelay, Action.OUTSIDE_API, p));
            }
            match(pod);
        }
        if (p.exited()) {
            scheduleEviction(p);
        }
        return p;
    }

    private void link(Proc parent, Proc child, boolean late) {
        child.parent = parent;
        parent.addChild(child);
        List<String> a = new ArrayList<>(Math.min(MAX_ANCESTORS, parent.ancestors.size() + 1));
        a.add(parent.name == null ? "" : parent.name);
        for (String n : parent.ancestors) {
            if (a.size() >= MAX_ANCESTORS) {
                break;
            }
            a.add(n);
        }
        child.ancestors = List.copyOf(a);
        if (parent.session != null && child.session != parent.session && !(child.rootCandidate && child.session != null)) {
            attributeSubtree(child, parent.session, late);
        }
    }

    private void exit(Proc p, long t) {
        if (p.exited()) {
            return;
        }
        p.exit = t;
        if (p.session != null && p.session.outsideApi() && p.session.root == p) {
            p.session.end = t;
            touch(p.session);
        }
        scheduleEviction(p);
    }

    private void scheduleEviction(Proc p) {
        if (!p.hasChildren()) {
            deadlines.add(new Deadline(Math.max(p.exit, watermark) + retention, Action.EVICT, p));
        }
    }

    private void evict(Proc p, boolean cascade) {
        if (p.evicted) {
            return;
        }
        p.evicted = true;
        nEvicted++;
        procs.remove(p.execId);
        LinkedHashMap<String, Proc> table = nodes.get(p.node == null ? "" : p.node);
        if (table != null) {
            table.remove(p.execId);
        }
        if (p.children != null) {
            for (Proc c : p.children) {
                c.parent = null;
            }
        }
        if (p.rootCandidate) {
            forgetRoot(p);
        }
        Proc parent = p.parent;
        p.parent = null;
        if (parent != null) {
            parent.lostChildren = true;
        }
        if (parent != null && parent.children != null) {
            parent.children.remove(p);
            if (cascade && parent.exited() && !parent.hasChildren()) {
                scheduleEviction(parent);
            }
        }
    }

    private void forgetRoot(Proc p) {
        String key = podKey(p.namespace, p.pod);
        Pod pod = pods.get(key);
        if (pod != null) {
            pod.roots.remove(p);
            if (pod.roots.isEmpty() && pod.sessions.isEmpty()) {
                pods.remove(key);
            }
        }
    }

    private void fire(Deadline d) {
        switch (d.action()) {
            case DECIDE_SESSION -> {
                Session s = (Session) d.subject();
                if (!s.decided) {
                    s.decided = true;
                    String key = podKey(s.namespace, s.pod);
                    Pod pod = pods.get(key);
                    if (pod != null) {
                        pod.sessions.remove(s);
                        if (pod.roots.isEmpty() && pod.sessions.isEmpty()) {
                            pods.remove(key);
                        }
                    }
                    if (s.root == null && SessionRecord.PENDING.equals(s.confidence)) {
                        s.confidence = SessionRecord.UNMATCHED;
                        if (!Boolean.FALSE.equals(s.allowed())) {
                            nUnmatched++;
                        }
                        touch(s);
                    }
                }
            }
            case OUTSIDE_API -> {
                Proc p = (Proc) d.subject();
                if (p.session == null && !p.evicted) {
                    outsideApi(p);
                }
            }
            case EVICT -> exitedTrees.add((Proc) d.subject());
            case EXPIRE_ORPHANS -> {
                List<Proc> left = orphans.remove((String) d.subject());
                if (left != null) {
                    nOrphansExpired += left.size();
                }
                orphanLookups.remove((String) d.subject());
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ sessions

    /** An audit stage of a session request: creates or updates the session. */
    private Session request(SessionRequest r) {
        Session s = sessions.get(r.auditId());
        boolean fresh = s == null;
        if (fresh) {
            s = new Session(r.auditId(), r.kind());
            s.request = r;
            s.cluster = r.cluster();
            s.namespace = r.namespace();
            s.pod = r.pod();
            s.container = r.container();
            s.received = r.received();
            s.start = r.received();
            if (!s.startsProcess()) {
                s.confidence = null; // attach and port-forward start no process: nothing to match
            }
            sessions.put(s.id, s);
            nSessions++;
            deadlines.add(new Deadline(s.received + window, Action.DECIDE_SESSION, s));
        }
        if ("ResponseStarted".equals(r.stage()) && r.stageTime() != null) {
            s.start = r.stageTime();
        }
        if ("ResponseComplete".equals(r.stage()) || "Panic".equals(r.stage())) {
            s.end = r.stageTime();
        }
        if (r.responseCode() != null) {
            s.responseCode = r.responseCode();
        }
        touch(s);
        if (s.startsProcess() && !s.decided && fresh) {
            Pod pod = pods.computeIfAbsent(podKey(s.namespace, s.pod), k -> new Pod());
            pod.sessions.add(s);
            Session asked = s;
            if (pod.roots.stream().noneMatch(root -> fits(root, asked))) {
                fromArchive(s, pod);
            }
            match(pod);
        } else if (Boolean.FALSE.equals(s.allowed()) && s.root == null && s.startsProcess()) {
            s.confidence = SessionRecord.UNMATCHED; // denied: there will be no process
            touch(s);
        }
        if (watermark != Long.MIN_VALUE && s.received + window < watermark - lateness) {
            // the sensors are already past its window: no root can still come
            fire(new Deadline(watermark, Action.DECIDE_SESSION, s));
        }
        return s;
    }

    /** Root candidates of a late session that are no longer in memory (evicted, or stored by an earlier run). */
    private void fromArchive(Session s, Pod pod) {
        List<ProcessInfo> found = archive.processesInPod(s.namespace, s.pod, s.received - window, s.received + window);
        for (ProcessInfo i : found) {
            if (procs.containsKey(i.execId()) || !runtime(i.parentName())) {
                continue;
            }
            Proc p = new Proc(i.execId(), i.parentExecId());
            p.name = i.name();
            p.args = i.args();
            p.parentName = i.parentName();
            p.tty = i.tty();
            p.node = i.node();
            p.cluster = i.cluster();
            p.namespace = i.namespace();
            p.pod = i.pod();
            p.container = i.container();
            p.containerId = i.containerId();
            p.start = i.startNs();
            p.rootCandidate = true;
            p.archived = true;
            p.exit = p.start; // long gone: evicted again after the retention
            if (fits(p, s)) {
                pod.roots.add(p);
                deadlines.add(new Deadline(Math.max(watermark, p.start) + retention, Action.EVICT, p));
            }
        }
    }

    /** Rebuilds a stored pending session after a restart, so roots arriving now still find it. */
    private void resume(SessionRecord r) {
        if (r.namespace() == null || r.pod() == null || r.start() == null) {
            return;
        }
        String kind = r.kind();
        SessionRequest req = new SessionRequest(r.id(), kind, r.cluster(), r.namespace(), r.pod(), r.container(),
                r.command() == null ? List.of() : r.command(), r.tty(), r.stdin(), r.userName(), r.userGroups(),
                r.impUserName(), r.sourceIp(), r.userAgent(), null, r.start(), r.end(), r.responseCode());
        Session s = new Session(r.id(), kind);
        s.request = req;
        s.cluster = r.cluster();
        s.namespace = r.namespace();
        s.pod = r.pod();
        s.container = r.container();
        s.received = r.start();
        s.start = r.start();
        s.end = r.end();
        s.responseCode = r.responseCode();
        sessions.put(s.id, s);
        pods.computeIfAbsent(podKey(s.namespace, s.pod), k -> new Pod()).sessions.add(s);
        deadlines.add(new Deadline(s.received + window, Action.DECIDE_SESSION, s));
    }

    /** Does this root fit this session (same pod and container, same argv, within the window)? */
    boolean fits(Proc root, Session s) {
        if (s == null || !s.startsProcess() || Boolean.FALSE.equals(s.allowed())) {
            return false;
        }
        if (!Objects.equals(root.namespace, s.namespace) || !Objects.equals(root.pod, s.pod)) {
            return false;
        }
        if (Math.abs(root.start - s.received) > window) {
            return false;
        }
        if (SessionRequest.DEBUG.equals(s.kind)) {
            return s.container == null || s.container.equals(root.container);
        }
        if (s.container != null && !s.container.equals(root.container)) {
            return false;
        }
        return argvMatches(s.request.command(), root.name, root.args);
    }

    static boolean argvMatches(List<String> command, String name, String args) {
        if (command.isEmpty() || name == null) {
            return false;
        }
        String c0 = command.get(0);
        String base = c0.substring(c0.lastIndexOf('/') + 1);
        if (!base.equals(name)) {
            return false;
        }
        StringBuilder want = new StringBuilder();
        for (int i = 1; i < command.size(); i++) {
            want.append(i == 1 ? "" : " ").append(command.get(i));
        }
        return normalize(want.toString()).equals(normalize(args == null ? "" : args));
    }

    /** Sensors quote arguments differently (Tetragon quotes those with spaces): compare without quotes and runs of spaces. */
    private static String normalize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                continue;
            }
            if (Character.isWhitespace(c)) {
                space = b.length() > 0;
                continue;
            }
            if (space) {
                b.append(' ');
                space = false;
            }
            b.append(c);
        }
        return b.toString();
    }

    /**
     * Pairs a pod's undecided sessions with its root candidates: groups of sessions and roots that fit each
     * other; one session with one root is exact, larger groups are ambiguous.
     */
    private void match(Pod pod) {
        List<Session> open = new ArrayList<>();
        for (Session s : pod.sessions) {
            if (s.startsProcess() && !Boolean.FALSE.equals(s.allowed())) {
                open.add(s);
            }
        }
        if (open.isEmpty()) {
            return;
        }
        List<Proc> roots = new ArrayList<>();
        for (Proc r : pod.roots) {
            if (r.session == null || r.session.outsideApi() || open.contains(r.session)) {
                roots.add(r);
            }
        }
        // union-find over sessions [0, n) and roots [n, n + m)
        int n = open.size();
        int[] up = new int[n + roots.size()];
        for (int i = 0; i < up.length; i++) {
            up[i] = i;
        }
        boolean[] fitsAny = new boolean[roots.size()];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < roots.size(); j++) {
                if (fits(roots.get(j), open.get(i))) {
                    union(up, i, n + j);
                    fitsAny[j] = true;
                }
            }
        }
        Map<Integer, List<Session>> groupSessions = new LinkedHashMap<>();
        Map<Integer, List<Proc>> groupRoots = new HashMap<>();
        for (int i = 0; i < n; i++) {
            groupSessions.computeIfAbsent(find(up, i), k -> new ArrayList<>()).add(open.get(i));
        }
        for (int j = 0; j < roots.size(); j++) {
            if (fitsAny[j]) {
                groupRoots.computeIfAbsent(find(up, n + j), k -> new ArrayList<>()).add(roots.get(j));
            }
        }
        for (Map.Entry<Integer, List<Session>> g : groupSessions.entrySet()) {
            List<Session> ss = g.getValue();
            List<Proc> rs = groupRoots.getOrDefault(g.getKey(), List.of());
            if (rs.isEmpty()) {
                continue;
            }
            ss.sort(Comparator.comparingLong((Session s) -> s.received).thenComparing(s -> s.id));
            rs.sort(Comparator.comparingLong((Proc p) -> p.start).thenComparing(p -> p.execId));
            if (ss.size() == 1 && rs.size() == 1) {
                Session s = ss.get(0);
                if (!SessionRecord.EXACT.equals(s.confidence) || s.root != rs.get(0)) {
                    if (SessionRecord.PENDING.equals(s.confidence)) {
                        nMatched++;
                    }
                    s.confidence = SessionRecord.EXACT;
                    s.candidates = null;
                    setRoot(s, rs.get(0));
                }
                continue;
            }
            List<String> candidates = rs.stream().map(p -> p.execId).toList();
            Session primary = ss.get(0);
            for (Session s : ss) {
                if (!SessionRecord.AMBIGUOUS.equals(s.confidence)) {
                    nAmbiguous++;
                    if (SessionRecord.EXACT.equals(s.confidence)) {
                        nMatched--;
                    }
                }
                s.confidence = SessionRecord.AMBIGUOUS;
                s.candidates = candidates;
                if (s != primary) {
                    s.root = null;
                }
                touch(s);
            }
            // the processes are attributed to the earliest request, marked ambiguous, with every candidate listed
            for (Proc r : rs) {
                setRoot(primary, r);
            }
        }
    }

    private static int find(int[] up, int i) {
        while (up[i] != i) {
            up[i] = up[up[i]];
            i = up[i];
        }
        return i;
    }

    private static void union(int[] up, int a, int b) {
        up[find(up, a)] = find(up, b);
    }

    private void setRoot(Session s, Proc root) {
        if (root.session != null && root.session != s && root.session.outsideApi()) {
            Session guess = root.session;
            sessions.remove(guess.id);
            changed.remove(guess.id);
            removed.add(guess.id);
            nOutsideApi--;
        }
        // an ambiguous session names no root: its candidates say which processes might be it
        s.root = SessionRecord.EXACT.equals(s.confidence) ? root : null;
        s.node = root.node;
        s.containerId = root.containerId;
        if (s.container == null) {
            s.container = root.container;
        }
        touch(s);
        if (root.archived) {
            nLate++;
            // an earlier run may have called it a shell outside the API before this request arrived
            String stored = archive.sessionsOf(List.of(root.execId)).get(root.execId);
            if (stored != null && stored.startsWith("outside-") && !stored.equals(s.id)) {
                removed.add(stored);
                nOutsideApi--;
            }
        }
        attributeSubtree(root, s, false);
    }

    /** Gives a process and its descendants a session (a descendant that is itself a matched root keeps its own). */
    private void attributeSubtree(Proc top, Session s, boolean late) {
        ArrayDeque<Proc> todo = new ArrayDeque<>();
        todo.add(top);
        while (!todo.isEmpty()) {
            Proc p = todo.poll();
            if (p != top && p.rootCandidate && p.session != null && p.session != s && !p.session.outsideApi()) {
                continue;
            }
            if (p.session != s) {
                p.session = s;
                attributed.put(p.execId, s.id);
                if (late) {
                    nLate++;
                }
            }
            if (p.children != null) {
                todo.addAll(p.children);
            }
            if (p.archived || p.lostChildren) {
                // descendants that already left memory: attribute them in the store
                for (String d : archive.descendants(p.execId, p.start)) {
                    if (!procs.containsKey(d) && !s.id.equals(attributed.put(d, s.id))) {
                        nLate++;
                    }
                }
            }
        }
    }

    /** Is this parent name a container runtime's (null-safe: Set.of refuses null lookups)? */
    static boolean runtime(String parentName) {
        return parentName != null && RUNTIMES.contains(parentName);
    }

    static boolean interactive(Proc p) {
        if (p.tty != null && p.tty > 0) {
            return true;
        }
        if (p.name == null || !SHELLS.contains(p.name)) {
            return false;
        }
        String a = p.args == null ? "" : p.args.trim().toLowerCase(Locale.ROOT);
        return a.isEmpty() || a.equals("-i") || a.equals("-l") || a.equals("--login") || a.equals("-il") || a.equals("-li");
    }

    /** An interactive process the runtime started with no API request: an exec outside the Kubernetes API. */
    private void outsideApi(Proc root) {
        String id = "outside-" + Long.toHexString(Hashing.hash64(root.execId));
        Session s = new Session(id, SessionRecord.OUTSIDE_API);
        s.cluster = root.cluster;
        s.namespace = root.namespace;
        s.pod = root.pod;
        s.container = root.container;
        s.received = root.start;
        s.start = root.start;
        s.end = root.exited() ? root.exit : null;
        s.confidence = SessionRecord.EXACT;
        s.decided = true;
        sessions.put(id, s);
        nOutsideApi++;
        s.root = root;
        s.node = root.node;
        s.containerId = root.containerId;
        touch(s);
        attributeSubtree(root, s, true);
    }

    private void touch(Session s) {
        s.changed();
        changed.put(s.id, s);
    }

    private static String podKey(String ns, String pod) {
        return ns + '/' + pod;
    }

    // ------------------------------------------------------------------------------------------------ output

    @Override
    public Attributions drain() {
        for (Proc p : overCap) {
            evict(p, false);
        }
        overCap.clear();
        for (int i = 0; i < exitedTrees.size(); i++) { // evict() may schedule parents; they come back by deadline
            Proc p = exitedTrees.get(i);
            if (!p.evicted && p.exited() && !p.hasChildren()) {
                evict(p, true);
            }
        }
        exitedTrees.clear();
        resolveOrphansFromArchive();
        if (changed.isEmpty() && attributed.isEmpty() && removed.isEmpty()) {
            return Attributions.EMPTY;
        }
        List<SessionRecord> out = new ArrayList<>(changed.size());
        for (Session s : changed.values()) {
            out.add(s.record());
        }
        Attributions a = new Attributions(out, new LinkedHashMap<>(attributed), List.copyOf(removed));
        changed.clear();
        attributed.clear();
        removed.clear();
        forgetDecidedSessions();
        return a;
    }

    /** Children whose parent is not in memory: the store may know the parent's session (a restart, an eviction). */
    private void resolveOrphansFromArchive() {
        if (orphanLookups.isEmpty()) {
            return;
        }
        List<String> ask = new ArrayList<>(orphanLookups);
        orphanLookups.clear();
        Map<String, String> known = archive.sessionsOf(ask);
        for (Map.Entry<String, String> k : known.entrySet()) {
            List<Proc> children = orphans.get(k.getKey());
            if (children == null) {
                continue;
            }
            Session s = sessions.get(k.getValue());
            if (s == null) {
                SessionRecord r = archive.session(k.getValue());
                if (r == null) {
                    continue;
                }
                s = fromRecord(r);
            }
            for (Proc c : children) {
                attributeSubtree(c, s, true);
            }
        }
    }

    private Session fromRecord(SessionRecord r) {
        Session s = new Session(r.id(), r.kind());
        if (!s.outsideApi()) {
            s.request = new SessionRequest(r.id(), r.kind(), r.cluster(), r.namespace(), r.pod(), r.container(),
                    r.command() == null ? List.of() : r.command(), r.tty(), r.stdin(), r.userName(), r.userGroups(),
                    r.impUserName(), r.sourceIp(), r.userAgent(), null, r.start() == null ? 0 : r.start(), r.end(),
                    r.responseCode());
        }
        s.cluster = r.cluster();
        s.namespace = r.namespace();
        s.pod = r.pod();
        s.container = r.container();
        s.node = r.node();
        s.containerId = r.containerId();
        s.start = r.start();
        s.end = r.end();
        s.responseCode = r.responseCode();
        s.confidence = r.confidence();
        s.candidates = r.candidates();
        s.decided = true;
        sessions.put(s.id, s);
        return s;
    }

    /** Sessions stay in memory while a process of theirs does, or while they are deciding. */
    private void forgetDecidedSessions() {
        if (sessions.size() < 4096) {
            return;
        }
        Set<Session> live = new HashSet<>();
        for (Proc p : procs.values()) {
            if (p.session != null) {
                live.add(p.session);
            }
        }
        sessions.values().removeIf(s -> s.decided && !live.contains(s));
    }

    @Override
    public CorrelationStats stats() {
        return new CorrelationStats(procs.size(), nSessions, nMatched, nAmbiguous, nUnmatched, nOutsideApi, nLate,
                nOrphansExpired, nEvicted);
    }
}
