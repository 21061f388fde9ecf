package io.podtrail.correlate;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the correlator asks the store about processes that are no longer in memory: a session whose API
 * request arrives after its processes were evicted (or stored by an earlier run), a process whose parent was
 * attributed before a restart. Called on the writer thread, so every earlier batch is already stored.
 */
public interface ProcessArchive {

    /** An archive that knows nothing (tests of the in-memory correlator, stores without sessions). */
    ProcessArchive NONE = new ProcessArchive() {
        @Override
        public Map<String, String> sessionsOf(Collection<String> execIds) {
            return Map.of();
        }

        @Override
        public List<ProcessInfo> processesInPod(String namespace, String pod, long fromNs, long toNs) {
            return List.of();
        }

        @Override
        public List<String> descendants(String execId, long fromNs) {
            return List.of();
        }
    };

    /** The stored session of each given process that has one. */
    Map<String, String> sessionsOf(Collection<String> execIds);

    /** Processes of a pod's containers started in [fromNs, toNs]. */
    List<ProcessInfo> processesInPod(String namespace, String pod, long fromNs, long toNs);

    /** Every stored descendant of a process (children, their children, ...) started at or after fromNs. */
    List<String> descendants(String execId, long fromNs);

    /** A stored session, or null. */
    default SessionRecord session(String id) {
        return null;
    }

    /** Stored sessions still waiting for their root process (confidence pending), to resume after a restart. */
    default List<SessionRecord> pendingSessions() {
        return List.of();
    }
}
