package io.podtrail.ingest;

import io.podtrail.event.Event;

/** Where an {@link EventSource} delivers what it reads. Called from the reading thread only. */
public interface EventSink {

    /** A normalized event. */
    void accept(Event event);

    /** A record that was not accepted; the rest of the input goes on. */
    void reject(Rejection rejection);
}
