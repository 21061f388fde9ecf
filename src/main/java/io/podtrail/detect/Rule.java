package io.podtrail.detect;

import io.podtrail.event.Event;
import io.podtrail.query.Condition;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One compiled rule: its condition resolved against the field catalogue (macros, lists and exceptions
 * expanded) and its output format compiled.
 *
 * @param eventTypes the evt.type values the condition requires (Falco indexes rules by them), or null when it
 *                   accepts any type
 * @param readsSession true when the condition or the output reads {@code session.*} fields: its result or its
 *                   output can change when a session is attributed after the event was stored, so it is
 *                   evaluated again then
 * @param after      Podtrail's sequence extension ({@code podtrail_after}), or null
 */
public record Rule(String name, String description, Priority priority, List<String> tags, String source,
                   OutputFormat output, Condition condition, Predicate<Event> predicate, Set<String> eventTypes,
                   boolean readsSession, Sequence after, String file, int line) {

    public Rule {
        tags = List.copyOf(tags);
    }

    /**
     * The rule fires only when an earlier event with the same value of {@code key} matched {@code condition}
     * at most {@code withinNs} before (e.g. a download earlier in the same exec session).
     */
    public record Sequence(Condition condition, Predicate<Event> predicate, Condition.Target key, String keyName,
                           long withinNs) {
    }
}
