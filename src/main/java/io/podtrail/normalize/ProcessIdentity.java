package io.podtrail.normalize;

/**
 * Derives {@code proc.exec_id} when the sensor does not supply one (Falco, native events).
 *
 * <p>With a start time: {@code podtrail:<node>:<pid>:<start ns>} — unique across pid reuse, since
 * no two processes of a node share pid and start time. Tetragon's own exec_id (base64 of
 * node:ktime:pid) is always preferred when present; derived ids never look like Tetragon's.
 *
 * <p>Without a start time the best available is {@code podtrail:<node>:<container>:<pid>} (container
 * id or "host"): it does NOT survive pid reuse on the same node/container, so two processes that
 * reuse a pid share an id. Parents get an id only when their start time is known.
 */
public final class ProcessIdentity {

    private ProcessIdentity() {
    }

    /**
     * @param node        node / host name (may be null)
     * @param pid         process id; null gives null
     * @param startNs     process start time in ns since the epoch, or null
     * @param containerId container id (12 chars or full) or "host", may be null
     */
    public static String execId(String node, Long pid, Long startNs, String containerId) {
        if (pid == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(64).append("podtrail:").append(node == null ? "" : node).append(':');
        if (startNs != null) {
            return sb.append(pid.longValue()).append(':').append(startNs.longValue()).toString();
        }
        return sb.append(containerId == null ? "" : containerId).append(':').append(pid.longValue()).toString();
    }

    /** The parent's derived exec id: only when the parent's start time is known, else null. */
    public static String parentExecId(String node, Long ppid, Long parentStartNs) {
        if (ppid == null || parentStartNs == null) {
            return null;
        }
        return execId(node, ppid, parentStartNs, null);
    }
}
