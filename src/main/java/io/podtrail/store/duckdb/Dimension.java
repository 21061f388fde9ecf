package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.Field;
import io.podtrail.event.Fields;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A content-addressed dimension (processes, containers): a row per distinct combination of its
 * attribute values (plus the parent dimension's key), identified by a small surrogate INTEGER key
 * assigned here, monotonically, so the referencing column bit-packs well.
 *
 * <p>The cache maps the exact attribute values (compared with equals, so there are no hash collisions
 * to worry about) to the key. It is an LRU bounded to {@code capacity} entries; a value combination
 * that is not cached (evicted, or stored before the store was reopened) simply gets a new key and a
 * new row: a duplicate dimension row costs a little space, never correctness, because every key
 * identifies exactly one row. Rows created by an append are staged and inserted in that append's
 * transaction; when an append fails, {@link #abort} forgets everything cached, so no key refers to a
 * row that was never committed. Not thread-safe: used by the (serialized) append path only.
 */
final class Dimension {

    /**
     * The attribute values of one row; equality is value equality of all of them. The hash covers only
     * the identifying attributes (see the constructor) plus the parent key: hashing every string of every
     * event (command lines, label maps) cost ~3 us/event, and a hash collision only costs an equals.
     */
    private record Key(Object[] values, int hash) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.values, values);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final Field[] fields;
    /** Indexes into fields of the attributes that go into the hash. */
    private final int[] hashed;
    /** Which key column identifies this dimension's rows. */
    enum Kind { CONTAINER, PROCESS, PEER }

    private final Kind kind;
    private final int capacity;
    private final LinkedHashMap<Key, Integer> cache;
    private final List<CsvStager.Row> pending = new ArrayList<>();
    private int nextKey;

    /**
     * @param kind     containers (key _ckey), processes (key _pkey, parent _ckey) or peers (key _nkey)
     * @param fields   the dimension's attributes
     * @param identity the attributes that (nearly) identify a row, hashed; all attributes are compared
     * @param capacity cached value combinations (LRU beyond that)
     * @param nextKey  the first key to assign (one more than the largest stored)
     */
    Dimension(Kind kind, java.util.Collection<Field> fields, List<Field> identity, int capacity, int nextKey) {
        this.kind = kind;
        this.fields = fields.stream().sorted((a, b) -> Integer.compare(a.index(), b.index())).toArray(Field[]::new);
        List<Field> ordered = Arrays.asList(this.fields);
        this.hashed = identity.stream().mapToInt(ordered::indexOf).toArray();
        if (Arrays.stream(hashed).anyMatch(i -> i < 0)) {
            throw new IllegalArgumentException("identity fields must be attributes of the dimension: " + identity);
        }
        this.capacity = capacity;
        this.nextKey = nextKey;
        this.cache = new LinkedHashMap<>(Math.min(capacity, 1 << 16) * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Integer> eldest) {
                return size() > Dimension.this.capacity;
            }
        };
    }

    /**
     * The key of the row holding the event's values of this dimension's fields under the given parent
     * key (0 when the dimension has no parent); stages a new row when the combination is not cached.
     */
    int keyOf(Event e, int parentKey) {
        Object[] v = new Object[fields.length + 1];
        for (int i = 0; i < fields.length; i++) {
            v[i] = e.get(fields[i]);
        }
        v[fields.length] = parentKey;
        int h = parentKey;
        for (int i : hashed) {
            h = 31 * h + (v[i] == null ? 0 : v[i].hashCode());
        }
        Key k = new Key(v, h);
        Integer key = cache.get(k);
        if (key != null) {
            return key;
        }
        if (nextKey == Integer.MAX_VALUE) {
            throw new IllegalStateException("dimension keys exhausted");
        }
        int assigned = nextKey++;
        cache.put(k, assigned);
        Event row = new Event();
        for (int i = 0; i < fields.length; i++) {
            if (v[i] != null) {
                row.set(fields[i], v[i]);
            }
        }
        row.set(Fields.ID, 0L); // not stored in a dimension; keeps the row a valid event
        pending.add(switch (kind) {
            case CONTAINER -> new CsvStager.Row(row, 0, -1, 0, 0, assigned, 0, false);
            case PROCESS -> new CsvStager.Row(row, 0, -1, 0, assigned, parentKey, 0, false);
            case PEER -> new CsvStager.Row(row, 0, -1, 0, 0, 0, assigned, false);
        });
        return assigned;
    }

    /** Rows created since the last {@link #committed}, to insert in the current transaction. */
    List<CsvStager.Row> pending() {
        return pending;
    }

    /** The current transaction committed: its rows are stored. */
    void committed() {
        pending.clear();
    }

    /** The current transaction failed: forget its rows and, to be safe, every cached key. */
    void abort() {
        pending.clear();
        cache.clear();
    }

    int cached() {
        return cache.size();
    }
}
