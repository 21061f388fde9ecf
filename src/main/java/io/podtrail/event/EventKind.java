package io.podtrail.event;

/** What an event is about; one value per normalized event ({@code podtrail.kind}). */
public enum EventKind {
    PROCESS_EXEC("exec"),
    PROCESS_EXIT("exit"),
    /** Outbound network connection (the process is the client). */
    NETWORK_CONNECT("connect"),
    /** Inbound network connection (the process is the server). */
    NETWORK_ACCEPT("accept"),
    /** A network connection's end (Tetragon tcp_close). */
    NETWORK_CLOSE("close"),
    /** A file action: open for write or read of a watched file, unlink, rename, ... */
    FILE("file"),
    /** One Kubernetes API request (all of its audit stages merged). */
    K8S_API("k8s_api"),
    /** Anything else a sensor reports (other kprobes, Falco alerts on other syscalls): kept, queryable. */
    OTHER("other");

    private final String label;

    EventKind(String label) {
        this.label = label;
    }

    /** The value of the {@code podtrail.kind} field. */
    public String label() {
        return label;
    }

    public static EventKind fromLabel(String label) {
        for (EventKind k : values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown event kind '" + label + "' (expected one of exec, exit, connect, accept, close, file, k8s_api, other)");
    }
}
