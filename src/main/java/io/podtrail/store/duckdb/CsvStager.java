package io.podtrail.store.duckdb;

import io.podtrail.event.Event;
import io.podtrail.event.EventIds;
import io.podtrail.event.Field;
import io.podtrail.event.FieldType;
import io.podtrail.event.Fields;
import io.podtrail.query.IpNumbers;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes rows as RFC 4180 CSV that DuckDB's {@code read_csv} loads with explicit column types:
 * every non-null string is quoted (quotes doubled), so commas, quotes, newlines, backslashes and any
 * Unicode round-trip; a null is an empty unquoted field ({@code allow_quoted_nulls=false} keeps
 * {@code ""} an empty string). Lists and maps are staged as JSON text and cast in the load statement.
 * Encodes UTF-8 itself (an unpaired surrogate becomes '?'), so a batch costs one pass over a byte buffer.
 */
final class CsvStager {

    /**
     * One staged row: the event (the values of the table's field columns), its payload reference
     * (rawIdx -1: none), its audit stage bits and the dimension keys the table's internal columns need.
     */
    record Row(Event event, long rawBlock, int rawIdx, int stages, int pkey, int ckey, int nkey, boolean fdNameConn) {
        Row(Event event, long rawBlock, int rawIdx, int stages) {
            this(event, rawBlock, rawIdx, stages, 0, 0, 0, false);
        }
    }

    private final List<Schema.Column> columns;
    private byte[] buf = new byte[1 << 20];
    private int len;

    /** Stages the stored ones of {@code columns} (a generated column is computed by DuckDB). */
    CsvStager(List<Schema.Column> columns) {
        this.columns = columns.stream().filter(Schema.Column::stored).toList();
    }

    /** The staged columns, in order: the column list of the insert. */
    List<Schema.Column> columns() {
        return columns;
    }

    /** The {@code read_csv(...)} table function call for a staged file. */
    String readCsv(String path) {
        StringBuilder sb = new StringBuilder("read_csv('").append(path.replace("'", "''"))
                .append("', header = false, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
                        + "new_line = '\\n', allow_quoted_nulls = false, columns = {");
        for (int i = 0; i < columns.size(); i++) {
            Schema.Column c = columns.get(i);
            sb.append(i == 0 ? "'" : ", '").append(c.name()).append("': '").append(stagedType(c)).append('\'');
        }
        return sb.append("})").toString();
    }

    /** The select list that turns staged columns into table columns. */
    String selectList() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            Schema.Column c = columns.get(i);
            sb.append(i == 0 ? "" : ", ");
            if (c.field() != null && !c.ipNumber()
                    && (c.field().type() == FieldType.STRING_LIST || c.field().type() == FieldType.STRING_MAP)) {
                sb.append("CAST(CAST(").append(c.name()).append(" AS JSON) AS ").append(c.sqlType()).append(')');
            } else {
                sb.append(c.name());
            }
        }
        return sb.toString();
    }

    private static String stagedType(Schema.Column c) {
        if (c.field() != null && !c.ipNumber()
                && (c.field().type() == FieldType.STRING_LIST || c.field().type() == FieldType.STRING_MAP)) {
            return "VARCHAR";
        }
        return c.sqlType();
    }

    void reset() {
        len = 0;
    }

    int size() {
        return len;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, len);
    }

    void add(Row row) {
        Event e = row.event();
        int idHash = Integer.MIN_VALUE; // EventIds.hashOf, computed for the first id column that needs it
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                put((byte) ',');
            }
            Schema.Column c = columns.get(i);
            Field f = c.field();
            if (f == null) {
                switch (c.name()) {
                    case Schema.RAW_BLOCK -> {
                        if (row.rawIdx() >= 0) {
                            putLong(row.rawBlock());
                        }
                    }
                    case Schema.RAW_IDX -> {
                        if (row.rawIdx() >= 0) {
                            putLong(row.rawIdx());
                        }
                    }
                    case Schema.STAGES -> {
                        if (row.stages() != 0) {
                            putLong(row.stages());
                        }
                    }
                    case Schema.PRESENT -> putPresent(row);
                    case Schema.PKEY -> putLong(row.pkey());
                    case Schema.CKEY -> putLong(row.ckey());
                    case Schema.NKEY -> putLong(row.nkey());
                    case Schema.FD_NAME_CONN -> putAscii(row.fdNameConn() ? "true" : "false");
                    case Schema.ID_HASH, Schema.ID_GIVEN -> {
                        if (idHash == Integer.MIN_VALUE) {
                            idHash = EventIds.hashOf(e.id(), e.time());
                        }
                        if (c.name().equals(Schema.ID_HASH) && idHash >= 0) {
                            putLong(idHash);
                        } else if (c.name().equals(Schema.ID_GIVEN) && idHash < 0) {
                            putLong(e.id());
                        }
                    }
                    default -> throw new IllegalStateException(c.name());
                }
                continue;
            }
            Object v = e.get(f);
            if (v == null || (row.fdNameConn() && f == Fields.FD_NAME)) {
                continue;
            }
            if (c.ipNumber()) {
                putIpNumber((String) v);
                continue;
            }
            switch (f.type()) {
                case STRING, IP -> {
                    put((byte) '"');
                    putText((String) v, false);
                    put((byte) '"');
                }
                case LONG, TIME -> putLong((Long) v);
                case BOOL -> putAscii(((Boolean) v) ? "true" : "false");
                case STRING_LIST -> {
                    put((byte) '"');
                    put((byte) '[');
                    boolean first = true;
                    for (Object o : (List<?>) v) {
                        if (!first) {
                            put((byte) ',');
                        }
                        first = false;
                        putJsonString(o);
                    }
                    put((byte) ']');
                    put((byte) '"');
                }
                case STRING_MAP -> {
                    put((byte) '"');
                    put((byte) '{');
                    boolean first = true;
                    for (Map.Entry<?, ?> en : ((Map<?, ?>) v).entrySet()) {
                        if (!first) {
                            put((byte) ',');
                        }
                        first = false;
                        putJsonString(en.getKey());
                        put((byte) ':');
                        putJsonString(en.getValue());
                    }
                    put((byte) '}');
                    put((byte) '"');
                }
            }
        }
        put((byte) '\n');
    }

    private void putIpNumber(String ip) {
        long[] v = IpNumbers.parse(ip);
        if (v == null) {
            return;
        }
        if (v[0] == 0 && v[1] >= 0) {
            putLong(v[1]);
        } else {
            putAscii(IpNumbers.toNumber(ip).toString());
        }
    }

    private void putJsonString(Object o) {
        if (o == null) {
            putAscii("null");
            return;
        }
        put((byte) '"');
        put((byte) '"'); // the JSON quote, doubled for CSV
        putText(o.toString(), true);
        put((byte) '"');
        put((byte) '"');
    }

    /** UTF-8 text inside a quoted CSV field; JSON escaping too when json is set. */
    private void putText(String s, boolean json) {
        // String.getBytes(UTF_8) is a plain copy for ASCII strings and maps unpaired surrogates to '?'.
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        if (!json && s.indexOf('"') < 0) { // indexOf is vectorized: the common case is one copy
            ensure(u.length);
            System.arraycopy(u, 0, buf, len, u.length);
            len += u.length;
            return;
        }
        int specials = u.length;
        ensure(u.length + specials * 6);
        for (byte b : u) {
            if (b == '"' && !json) {
                buf[len++] = '"';
                buf[len++] = '"';
            } else if (json && b >= 0 && (b < 0x20 || b == '\\' || b == '"')) {
                putJsonEscape((char) b);
            } else {
                buf[len++] = b;
            }
        }
    }

    private void putJsonEscape(char ch) {
        ensure(16);
        switch (ch) {
            case '"' -> putAscii("\\\"\"");   // \" with the quote doubled for CSV
            case '\\' -> putAscii("\\\\");
            case '\n' -> putAscii("\\n");
            case '\r' -> putAscii("\\r");
            case '\t' -> putAscii("\\t");
            default -> putAscii(String.format("\\u%04x", (int) ch));
        }
    }

    private void putLong(long v) {
        ensure(20);
        if (v == Long.MIN_VALUE) {
            putAscii(Long.toString(v));
            return;
        }
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int start = len;
        do {
            buf[len++] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    /** The names of the row's non-null field columns, comma-separated and quoted (see {@link Schema#PRESENT}). */
    private void putPresent(Row row) {
        put((byte) '"');
        boolean first = true;
        for (Schema.Column c : columns) {
            if (c.field() != null && !c.ipNumber() && row.event().get(c.field()) != null
                    && !(row.fdNameConn() && c.field() == Fields.FD_NAME)) {
                if (!first) {
                    put((byte) ',');
                }
                putAscii(c.name());
                first = false;
            }
        }
        put((byte) '"');
    }

    private void putAscii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void put(byte b) {
        if (len == buf.length) {
            ensure(1);
        }
        buf[len++] = b;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }
}
