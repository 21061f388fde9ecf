package io.podtrail.enrich;

import java.util.function.BiConsumer;

/**
 * An open-addressing map from non-negative long keys (IPv4 addresses, hex short container IDs) to timelines:
 * keys in a {@code long[]}, no boxing, one probe sequence over a flat array.
 *
 * <p>Readers take no lock: a key slot only ever goes from empty to a key (nothing is removed), the value is
 * written before the key, and a resize publishes a new table through a volatile field. A reader racing an
 * insert may miss the key being inserted, which is the same answer it would have had a moment earlier.
 * Writers synchronize on the map.
 */
final class LongTimelineMap {

    private static final long EMPTY = -1L;

    private record Table(long[] keys, Timeline[] values) {
    }

    private volatile Table table = newTable(1024);
    private int size;

    private static Table newTable(int capacity) {
        long[] keys = new long[capacity];
        java.util.Arrays.fill(keys, EMPTY);
        return new Table(keys, new Timeline[capacity]);
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    Timeline get(long key) {
        Table t = table;
        long[] keys = t.keys;
        int mask = keys.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return t.values[i];
            }
            if (k == EMPTY) {
                return null;
            }
        }
    }

    synchronized Timeline computeIfAbsent(long key) {
        Timeline existing = get(key);
        if (existing != null) {
            return existing;
        }
        if ((size + 1) * 2 > table.keys.length) {
            resize();
        }
        Table t = table;
        int mask = t.keys.length - 1;
        int i = slot(key, mask);
        while (t.keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        Timeline tl = new Timeline();
        t.values[i] = tl;
        t.keys[i] = key;
        size++;
        table = t; // volatile write: publishes the slot to readers that read the table afterwards
        return tl;
    }

    private void resize() {
        Table old = table;
        Table t = newTable(old.keys.length * 2);
        int mask = t.keys.length - 1;
        for (int j = 0; j < old.keys.length; j++) {
            long k = old.keys[j];
            if (k != EMPTY) {
                int i = slot(k, mask);
                while (t.keys[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                t.values[i] = old.values[j];
                t.keys[i] = k;
            }
        }
        table = t;
    }

    void forEach(BiConsumer<Long, Timeline> action) {
        Table t = table;
        for (int i = 0; i < t.keys.length; i++) {
            if (t.keys[i] != EMPTY && t.values[i] != null) {
                action.accept(t.keys[i], t.values[i]);
            }
        }
    }
}
