package io.podtrail.ingest;

/** Thrown by an adapter's record mapping to reject the record with a reason; never escapes {@link EventSource#read}. */
final class RecordException extends RuntimeException {

    RecordException(String reason) {
        super(reason, null, false, false);
    }
}
