package io.podtrail.store;

/**
 * Sessions whose opening event matches a filter ({@link EventStore#sessions}): the API request of an exec,
 * attach, debug or port-forward session, or the root process's exec of a session outside the Kubernetes API.
 * So {@code k8s.ns.name = billing} or {@code session.user.name = "john.doe"} select sessions as they select events.
 *
 * @param filter filter text ("" for all)
 * @param fromNs inclusive lower bound on the opening event's time, or null
 * @param toNs   exclusive upper bound, or null
 * @param limit  at most this many, newest first
 */
public record SessionQuery(String filter, Long fromNs, Long toNs, int limit) {

    public SessionQuery {
        filter = filter == null ? "" : filter;
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
    }
}
