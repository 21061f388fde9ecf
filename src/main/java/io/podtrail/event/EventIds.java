package io.podtrail.event;

/**
 * The form of {@code podtrail.id} that sources give an event: its time XOR a 31-bit hash of the source record
 * written twice, {@code time ^ (h << 31 | h)}.
 *
 * <p>Why: a random 64-bit hash does not compress (8 bytes an event, a quarter of the trail), while this id is
 * stored as its 31-bit hash alone (~4 bytes) and put back from the event's time by the store. It stays as
 * unique as a 64-bit hash: two events of different times can share an id only if their times differ by exactly
 * {@code d << 31 | d} and their hashes by {@code d} (about 2^-62 for a pair), events of the same nanosecond
 * only if their hashes are equal (2^-31), and records re-sent give the same id, so re-ingesting deduplicates.
 * An id of any other form (given by the input, or by an older trail) is valid too and is stored whole.
 */
public final class EventIds {

    private static final long MASK31 = 0x7FFF_FFFFL;

    private EventIds() {
    }

    /** The id of an event at {@code time} whose source record hashes to {@code hash} (its low 31 bits are used). */
    public static long derive(long time, long hash) {
        long h = hash & MASK31;
        return time ^ (h << 31 | h);
    }

    /** The 31-bit hash {@code id} was derived from with {@code time}, or -1 when it was not derived from it. */
    public static int hashOf(long id, long time) {
        long x = id ^ time;
        long h = x & MASK31;
        return x == (h << 31 | h) ? (int) h : -1;
    }
}
