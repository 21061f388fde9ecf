package io.podtrail.detect;

import io.podtrail.event.Event;
import java.util.List;

/**
 * A rule match: the rule, its priority, tags and formatted output, and the event that triggered it (identified
 * by its podtrail.id; the store keeps one policy event per rule and triggering event).
 *
 * @param time      evt.time of the triggering event
 * @param eventId   podtrail.id of the triggering event
 * @param sessionId the triggering event's session.id when it had one at detection time, else null
 * @param event     the triggering event (as read back from the store for the feed), or null
 */
public record PolicyEvent(String rule, Priority priority, List<String> tags, String output, long time, long eventId,
                          String sessionId, String source, Event event) {

    public PolicyEvent {
        tags = List.copyOf(tags);
    }
}
