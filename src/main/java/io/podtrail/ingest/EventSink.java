package io.podtrail.ingest;

import io.podtrail.event.Event;

/** Where an {@link EventSource} delivers what it reads. Called from the reading thread only. */
public interface EventSink {

    /** A normalized event; throws {@link Failed} when the sink can take no more (reading must stop). */
    void accept(Event event);

    /**
     * The sink failed for a reason that has nothing to do with the record (its store failed): the source stops
     * reading and lets this through, instead of rejecting every remaining record for it.
     */
    final class Failed extends RuntimeException {
        public Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A record that was not accepted; the rest of the input goes on. */
    void reject(Rejection rejection);
}
