package io.podtrail.simulate;

import java.util.List;

/**
 * Ground truth of a simulation run: the exact identifiers of everything the stories caused, so that tests and the
 * demo can check Podtrail's answers. Serialised (snake_case) to truth.json.
 */
public record Truth(
        long seed,
        String start,
        String end,
        List<String> stories,
        List<String> trustedCidrs,
        Counts counts,
        List<Session> sessions,
        List<NodeShell> nodeShells,
        List<Tcpdump> tcpdumpExecutions,
        List<Outbound> unknownOutboundBilling) {

    /** Lines written per file and per Tetragon event type. */
    public record Counts(long tetragonLines, long auditLines, long processExec, long processExit,
                         long processKprobe, long auditRequests) {}

    /** One kubectl exec request (allowed or denied) and everything it caused inside the container. */
    public record Session(String story, String auditId, String user, List<String> groups, String sourceIp,
                          String userAgent, String verb, String requestUri, int responseCode, String namespace,
                          String pod, String container, String containerId, String node, List<String> command,
                          boolean tty, String start, String end, List<Process> processes,
                          List<Connection> connections) {}

    /** A process: exec_id and pid as written in the Tetragon export. */
    public record Process(String execId, int pid, String parentExecId, String binary, String arguments,
                          String node, String pod, String time) {}

    /** A tcp_connect made by a story process. */
    public record Connection(String execId, String binary, String srcIp, int srcPort, String dstIp, int dstPort,
                             String time) {}

    /** A shell started from the node (no API request). */
    public record NodeShell(String story, String node, String namespace, String pod, String container,
                            String containerId, List<Process> processes) {}

    /** One tcpdump execution; pod/namespace/workload are null on a host. */
    public record Tcpdump(String node, boolean host, String namespace, String pod, String workload,
                          String containerId, String execId, int pid, String arguments, String time) {}

    /** An outbound connection from the billing namespace to an unknown destination. */
    public record Outbound(String namespace, String pod, String workload, String execId, String binary,
                           String srcIp, String dstIp, int dstPort, String time) {}
}
