package io.podtrail.simulate;

import io.podtrail.simulate.Lines.Clock;
import io.podtrail.simulate.Model.Conn;
import io.podtrail.simulate.Model.Node;
import io.podtrail.simulate.Model.Pod;
import io.podtrail.simulate.Model.Proc;

import java.util.ArrayList;
import java.util.List;

/** Collects the ground truth while generating. Only story data is kept, so it stays small. */
final class TruthBuilder {
    private final SimulationConfig cfg;
    private final Clock clock;
    private final List<SessionB> sessions = new ArrayList<>();
    private final List<Truth.NodeShell> nodeShells = new ArrayList<>();
    private final List<Truth.Tcpdump> tcpdumps = new ArrayList<>();
    private final List<Truth.Outbound> outbound = new ArrayList<>();
    private final List<long[]> trusted = new ArrayList<>(); // {network, mask}

    TruthBuilder(SimulationConfig cfg, Clock clock) {
        this.cfg = cfg;
        this.clock = clock;
        for (String cidr : ClusterSimulator.TRUSTED_CIDRS) {
            String[] parts = cidr.split("/");
            long mask = (0xFFFFFFFFL << (32 - Integer.parseInt(parts[1]))) & 0xFFFFFFFFL;
            trusted.add(new long[]{ipv4(parts[0]) & mask, mask});
        }
    }

    final class SessionB {
        final Story story;
        final ClusterSimulator.AuditReq req;
        final String user, sourceIp, userAgent;
        final List<String> groups, command;
        final Pod pod;
        final boolean tty;
        final long start, end;
        final List<Truth.Process> processes = new ArrayList<>();
        final List<Truth.Connection> connections = new ArrayList<>();

        SessionB(Story story, ClusterSimulator.AuditReq req, String user, List<String> groups, String sourceIp,
                 String userAgent, Pod pod, List<String> command, boolean tty, long start, long end) {
            this.story = story;
            this.req = req;
            this.user = user;
            this.groups = groups;
            this.sourceIp = sourceIp;
            this.userAgent = userAgent;
            this.pod = pod;
            this.command = command;
            this.tty = tty;
            this.start = start;
            this.end = end;
        }

        void process(Proc p, long t) {
            processes.add(TruthBuilder.this.process(p));
        }

        void connection(Proc p, Conn c, long t) {
            connections.add(new Truth.Connection(p.execId, p.binary, c.saddr, c.sport, c.daddr, c.dport,
                    clock.format(t)));
        }

        Truth.Session build() {
            return new Truth.Session(story.name(), req.id, user, groups, sourceIp, userAgent, req.verb, req.uri,
                    req.code, pod.w.ns, pod.name, pod.w.container, "containerd://" + pod.containerId, pod.node.name,
                    command, tty, clock.format(start), clock.format(end), List.copyOf(processes),
                    List.copyOf(connections));
        }
    }

    SessionB session(Story story, ClusterSimulator.AuditReq req, String user, List<String> groups, String sourceIp,
                     String userAgent, Pod pod, List<String> command, boolean tty, long start, long end) {
        SessionB s = new SessionB(story, req, user, groups, sourceIp, userAgent, pod, command, tty, start, end);
        sessions.add(s);
        return s;
    }

    Truth.Process process(Proc p) {
        return new Truth.Process(p.execId, p.pid, p.parent == null ? null : p.parent.execId, p.binary, p.arguments,
                p.node.name, p.pod == null ? null : p.pod.name, clock.format(p.startNs));
    }

    void nodeShell(Pod pod, List<Proc> procs) {
        nodeShells.add(new Truth.NodeShell(Story.NODE_SHELL.name(), pod.node.name, pod.w.ns, pod.name,
                pod.w.container, "containerd://" + pod.containerId, procs.stream().map(this::process).toList()));
    }

    void tcpdump(Node n, Pod pod, Proc p, long t) {
        tcpdumps.add(new Truth.Tcpdump(n.name, pod == null, pod == null ? null : pod.w.ns,
                pod == null ? null : pod.name, pod == null ? null : pod.w.name,
                pod == null ? null : "containerd://" + pod.containerId, p.execId, p.pid, p.arguments,
                clock.format(t)));
    }

    /** Called for every tcp_connect written: records billing connections to unknown destinations. */
    void connect(Proc p, Conn c, long t) {
        if (p.pod == null || !"billing".equals(p.pod.w.ns) || known(c.daddr)) return;
        outbound.add(new Truth.Outbound(p.pod.w.ns, p.pod.name, p.pod.w.name, p.execId, p.binary, c.saddr, c.daddr,
                c.dport, clock.format(t)));
    }

    /** Pod (10.244/16), service (10.96/12), node/VPC (10.0/16) addresses are all in 10/8; plus loopback, trusted. */
    boolean known(String ip) {
        if (ip.startsWith("10.") || ip.startsWith("127.")) return true;
        long a = ipv4(ip);
        for (long[] net : trusted) if ((a & net[1]) == net[0]) return true;
        return false;
    }

    static long ipv4(String ip) {
        long v = 0;
        for (String part : ip.split("\\.")) v = (v << 8) | Integer.parseInt(part);
        return v;
    }

    Truth build(long tetragonLines, long auditLines, long exec, long exit, long kprobe, long auditRequests) {
        long startNs = cfg.start().getEpochSecond() * 1_000_000_000L + cfg.start().getNano();
        return new Truth(cfg.seed(), clock.format(startNs), clock.format(startNs + cfg.duration().toNanos()),
                cfg.stories().stream().sorted().map(Enum::name).toList(), ClusterSimulator.TRUSTED_CIDRS,
                new Truth.Counts(tetragonLines, auditLines, exec, exit, kprobe, auditRequests),
                sessions.stream().map(SessionB::build).toList(), List.copyOf(nodeShells), List.copyOf(tcpdumps),
                List.copyOf(outbound));
    }
}
