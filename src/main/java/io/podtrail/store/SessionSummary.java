package io.podtrail.store;

import io.podtrail.correlate.SessionRecord;

/**
 * A session with what it caused: counts over the events attributed to it.
 *
 * @param processes   distinct processes (exec events)
 * @param connections outbound and inbound connections
 * @param files       file actions
 * @param events      all attributed events, the request itself included
 */
public record SessionSummary(SessionRecord session, long processes, long connections, long files, long events) {
}
