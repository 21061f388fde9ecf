package io.podtrail.query;

/**
 * What to fetch: a filter in the filter language (may be empty), a time range and a page.
 *
 * @param filter the filter text ("" for everything)
 * @param fromNs inclusive lower bound on evt.time in ns, or null
 * @param toNs   exclusive upper bound on evt.time in ns, or null
 * @param limit  maximum number of events
 * @param cursor cursor from a previous page, or null
 */
public record EventQuery(String filter, Long fromNs, Long toNs, int limit, String cursor) {
    public EventQuery {
        filter = filter == null ? "" : filter;
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
    }

    public static EventQuery of(String filter) {
        return new EventQuery(filter, null, null, 1000, null);
    }
}
