package io.podtrail.correlate;

/**
 * What matching needs to know of one process.
 *
 * @param name       proc.name
 * @param args       proc.args (arguments without argv[0])
 * @param parentName proc.pname: the runtime (containerd-shim, runc, conmon, ...) for a process started from outside
 * @param tty        proc.tty, 0 or null when none
 */
public record ProcessInfo(String execId, String parentExecId, String name, String args, String parentName,
                          Long tty, String node, String cluster, String namespace, String pod, String container,
                          String containerId, long startNs) {
}
