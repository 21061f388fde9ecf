package io.podtrail.ingest;

import java.util.Arrays;

/**
 * A small direct-mapped cache of strings keyed by their characters, so that values repeated across
 * records (node, binary, pod and image names, exec ids of long-lived processes, label values) are
 * not allocated again for every record. Not thread-safe: one per adapter thread.
 */
final class StringCache {

    private final String[] table;
    private final char[][] chars;
    private final int mask;
    private final int maxLen;

    StringCache(int sizePow2, int maxLen) {
        this.table = new String[sizePow2];
        this.chars = new char[sizePow2][];
        this.mask = sizePow2 - 1;
        this.maxLen = maxLen;
    }

    String get(char[] c, int off, int len) {
        if (len == 0) {
            return "";
        }
        if (len > maxLen) {
            return new String(c, off, len);
        }
        // hash a few characters only (ends and samples); equality is checked in full, vectorized
        int end = off + len;
        int h = len * 0x9E3779B1;
        h = 31 * h + c[off];
        h = 31 * h + c[end - 1];
        h = 31 * h + c[off + (len >> 1)];
        h = 31 * h + c[off + (len >> 2)];
        h = 31 * h + c[end - 1 - (len >> 2)];
        int tail = Math.min(len, 8);
        for (int i = end - tail; i < end; i++) {
            h = 31 * h + c[i];
        }
        int idx = (h ^ (h >>> 15)) & mask;
        char[] k = chars[idx];
        if (k != null && k.length == len && Arrays.equals(k, 0, len, c, off, end)) {
            return table[idx];
        }
        String s = new String(c, off, len);
        chars[idx] = Arrays.copyOfRange(c, off, end);
        table[idx] = s;
        return s;
    }

    /** A direct-mapped memo of a derived value per distinct key (compared with equals). */
    static final class Memo<K, V> {
        private final Object[] keys;
        private final Object[] values;
        private final int mask;

        Memo(int sizePow2) {
            keys = new Object[sizePow2];
            values = new Object[sizePow2];
            mask = sizePow2 - 1;
        }

        @SuppressWarnings("unchecked")
        V get(K key, java.util.function.Function<K, V> f) {
            int h = key.hashCode();
            int idx = (h ^ (h >>> 15)) & mask;
            Object k = keys[idx];
            if (k != null && (k == key || k.equals(key))) {
                return (V) values[idx];
            }
            V v = f.apply(key);
            keys[idx] = key;
            values[idx] = v;
            return v;
        }
    }
}
