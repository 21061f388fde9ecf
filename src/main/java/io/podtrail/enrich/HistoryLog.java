package io.podtrail.enrich;

import java.util.function.Consumer;

/**
 * Where history records are kept across restarts: append the intervals as they open and close, load them all
 * at start. An open record followed later by the same record with its end set means the interval closed.
 *
 * <p>Implementations are thread-safe: sources append from their own threads.
 */
public interface HistoryLog extends AutoCloseable {

    /** A log that keeps nothing (history lives in memory only). */
    HistoryLog NONE = new HistoryLog() {
        @Override
        public void append(HistoryRecord r) {
        }

        @Override
        public void load(Consumer<HistoryRecord> into) {
        }
    };

    void append(HistoryRecord record);

    /** Passes every record kept, in the order appended. */
    void load(Consumer<HistoryRecord> into);

    /** Makes every record appended so far durable. */
    default void flush() {
    }

    @Override
    default void close() {
        flush();
    }
}
