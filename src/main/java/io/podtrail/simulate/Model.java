package io.podtrail.simulate;

import java.util.ArrayList;
import java.util.List;

/** The simulated cluster's mutable state: small, bounded, built once and updated by rollouts. */
final class Model {
    private Model() {}

    static final class Node {
        final int index;
        final String name;
        final String ip;
        final long bootNs; // epoch nanos of boot; ktime = t - bootNs
        int nextPid;
        int nextPodHost = 2;
        Proc systemd, containerd, sshd;
        /** {@code },"node_name":"NAME","time":"} */
        final String suffix;

        Node(int index, String name, String ip, long bootNs, int firstPid) {
            this.index = index;
            this.name = name;
            this.ip = ip;
            this.bootNs = bootNs;
            this.nextPid = firstPid;
            this.suffix = "},\"node_name\":\"" + name + "\",\"time\":\"";
        }

        String podCidr() {
            return "10.244." + index + ".0/24";
        }
    }

    enum TargetKind { SERVICE, EXTERNAL, NODE, POD }

    /** A destination a workload talks to in the background. */
    record Target(TargetKind kind, String service, int port, Workload backend, String[] ips) {}

    static final class Workload {
        final String ns, name, kind, container, image, imageId, binary, args, cwd;
        final int uid, replicas, serverPort;
        final boolean hostNetwork;
        String probeBinary, probeArgs;
        String scriptArgs; // sh -c script run by the app itself, null if none
        String scriptChildBinary, scriptChildArgs;
        Target scriptTarget;
        Target[] targets = new Target[0];
        String rsHash; // current ReplicaSet hash for Deployments
        String serviceIp; // ClusterIP, null if none
        final List<Pod> active = new ArrayList<>();
        String extraLabels = "";

        Workload(String ns, String name, String kind, String container, String image, String imageId, String binary,
                 String args, String cwd, int uid, int replicas, int serverPort, boolean hostNetwork) {
            this.ns = ns;
            this.name = name;
            this.kind = kind;
            this.container = container;
            this.image = image;
            this.imageId = imageId;
            this.binary = binary;
            this.args = args;
            this.cwd = cwd;
            this.uid = uid;
            this.replicas = replicas;
            this.serverPort = serverPort;
            this.hostNetwork = hostNetwork;
        }
    }

    static final class Pod {
        final Workload w;
        final String name, ip, containerId, docker;
        final Node node;
        final long startNs;
        Proc shim, entry;
        int nextContainerPid = 1;
        /** JSON of the Tetragon "pod" object (without the key), container pid is filled per process. */
        String podJsonHead, podJsonTail;

        Pod(Workload w, String name, Node node, String ip, String containerId, long startNs) {
            this.w = w;
            this.name = name;
            this.node = node;
            this.ip = ip;
            this.containerId = containerId;
            this.docker = containerId.substring(0, 31);
            this.startNs = startNs;
        }
    }

    static final class Proc {
        final Node node;
        final Pod pod; // null on the host
        final String execId, binary, arguments;
        final int pid;
        final long startNs;
        final Proc parent;
        /** {@code "process":{...},"parent":{...}} */
        String pair;
        /** the process object alone */
        String json;

        Proc(Node node, Pod pod, String execId, int pid, long startNs, String binary, String arguments, Proc parent) {
            this.node = node;
            this.pod = pod;
            this.execId = execId;
            this.pid = pid;
            this.startNs = startNs;
            this.binary = binary;
            this.arguments = arguments;
            this.parent = parent;
        }
    }

    static final class Conn {
        final String saddr, daddr;
        final int sport, dport;
        final long cookie;

        Conn(String saddr, int sport, String daddr, int dport, long cookie) {
            this.saddr = saddr;
            this.sport = sport;
            this.daddr = daddr;
            this.dport = dport;
            this.cookie = cookie;
        }
    }
}
