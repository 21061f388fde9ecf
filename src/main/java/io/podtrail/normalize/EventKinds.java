package io.podtrail.normalize;

import io.podtrail.event.EventKind;

/** The event kind a Falco/sysdig {@code evt.type} stands for. */
public final class EventKinds {

    private EventKinds() {
    }

    public static EventKind fromEvtType(String evtType) {
        if (evtType == null) {
            return EventKind.OTHER;
        }
        return switch (evtType) {
            case "execve", "execveat" -> EventKind.PROCESS_EXEC;
            case "procexit" -> EventKind.PROCESS_EXIT;
            case "connect" -> EventKind.NETWORK_CONNECT;
            case "accept", "accept4" -> EventKind.NETWORK_ACCEPT;
            case "open", "openat", "openat2", "creat", "unlink", "unlinkat", "rename", "renameat", "renameat2",
                 "chmod", "fchmod", "fchmodat", "chown", "fchown", "fchownat", "lchown", "mkdir", "mkdirat",
                 "rmdir", "link", "linkat", "symlink", "symlinkat", "truncate", "ftruncate", "open_by_handle_at" ->
                    EventKind.FILE;
            default -> EventKind.OTHER;
        };
    }
}
