package io.podtrail.ingest;

/**
 * An input record that could not be turned into an event.
 *
 * @param origin  where it came from (a file path, or an HTTP request description)
 * @param line    1-based line number of the record's start in that origin
 * @param reason  what was wrong, for a human (e.g. "missing field 'auditID'")
 * @param payload the record's text as received (possibly truncated for huge records)
 */
public record Rejection(String origin, long line, String reason, String payload) {
}
