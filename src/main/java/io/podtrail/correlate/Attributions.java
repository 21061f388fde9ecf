package io.podtrail.correlate;

import java.util.List;
import java.util.Map;

/**
 * What the correlator learned since it was last drained, for the store to persist.
 *
 * @param sessions  sessions created or changed (upserted by id)
 * @param processes process exec_id -> session id, new or changed attributions
 * @param removed   ids of sessions that no longer exist (an outside-the-API guess replaced by the API request
 *                  that arrived late)
 */
public record Attributions(List<SessionRecord> sessions, Map<String, String> processes, List<String> removed) {

    public static final Attributions EMPTY = new Attributions(List.of(), Map.of(), List.of());

    public boolean isEmpty() {
        return sessions.isEmpty() && processes.isEmpty() && removed.isEmpty();
    }
}
