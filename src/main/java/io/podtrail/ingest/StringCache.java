package io.podtrail.ingest;

/**
 * A small direct-mapped cache of strings keyed by their characters, so that values repeated across
 * records (node, binary, pod and image names, exec ids of long-lived processes, label values) are
 * not allocated again for every record. Not thread-safe: one per adapter thread.
 */
final class StringCache {

    private final String[] table;
    private final int mask;
    private final int maxLen;

    StringCache(int sizePow2, int maxLen) {
        this.table = new String[sizePow2];
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
        int h = 0;
        int end = off + len;
        for (int i = off; i < end; i++) {
            h = 31 * h + c[i];
        }
        int idx = (h ^ (h >>> 15)) & mask;
        String s = table[idx];
        if (s != null && s.hashCode() == h && s.length() == len && same(s, c, off, len)) {
            return s;
        }
        s = new String(c, off, len);
        table[idx] = s;
        return s;
    }

    private static boolean same(String s, char[] c, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != c[off + i]) {
                return false;
            }
        }
        return true;
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
