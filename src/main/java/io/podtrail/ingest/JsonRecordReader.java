package io.podtrail.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Splits a byte stream into JSON values: JSON lines, several values on one line, or values
 * pretty-printed over many lines. Each value is handed over with the 1-based line where it starts
 * and its exact bytes; each syntax error becomes a {@link Handler#error} with line and the
 * parser's message, and reading resumes at the next line.
 *
 * <p>Hot path: a line is parsed directly. Only when a line ends inside a value (Jackson reports an
 * unexpected end-of-input) are further lines appended; a small structural scanner (braces,
 * brackets, strings) then finds where the value ends, so a pretty-printed value is parsed once.
 * A line can continue a value only when the previous line ends with { [ , : or the line starts
 * with } ] — so a truncated JSON line does not swallow the next record.
 */
final class JsonRecordReader {

    /** Receives values and errors. */
    interface Handler {
        /** One JSON value; {@code buf[off, off+len)} are its bytes (valid only during the call). */
        void value(JsonNode node, byte[] buf, int off, int len, long line);

        /**
         * Offered first for a line that holds one JSON object ({@code buf[off, off+len)} from its
         * '{' to its last '}', without surrounding blanks): true when the handler dealt with it
         * completely, false to have it parsed and delivered as usual.
         */
        default boolean line(byte[] buf, int off, int len, long line) {
            return false;
        }

        /** A syntax error; {@code payload} is the text of the broken record (maybe truncated). */
        void error(long line, String message, String payload);
    }

    static final int MAX_RECORD_BYTES = 64 << 20;
    static final int MAX_PAYLOAD_CHARS = 4096;

    private final ObjectMapper mapper;
    private final InputStream in;
    private final Handler handler;

    // input buffer
    private final byte[] ibuf = new byte[1 << 16];
    private int ipos;
    private int ilen;
    private boolean eof;
    private long lineNo;
    private boolean skippingOversize;

    // lines pushed back for re-reading after an error in a multi-line record
    private final ArrayDeque<byte[]> pushedBack = new ArrayDeque<>();
    private final ArrayDeque<Long> pushedBackLine = new ArrayDeque<>();

    // the current line
    private byte[] line = new byte[1024];
    private int lineLen;
    private long curLine;

    // the pending record (multi-line mode)
    private byte[] acc = new byte[1024];
    private int accLen;
    private long accStartLine;
    private int[] accLineStarts = new int[16];
    private int accLines;
    private boolean multi;
    // scanner state
    private int depth;
    private boolean inString;
    private boolean escape;

    JsonRecordReader(ObjectMapper mapper, InputStream in, Handler handler) {
        this.mapper = mapper;
        this.in = in;
        this.handler = handler;
    }

    void run() throws IOException {
        while (nextLine()) {
            if (!multi) {
                int s = firstNonWs(line, 0, lineLen);
                if (s == lineLen) {
                    continue;
                }
                if (line[s] == '{' && offerLine(s)) {
                    continue;
                }
                // hot path: the line becomes the pending record without a copy (buffers swap)
                byte[] t = acc;
                acc = line;
                line = t;
                accLen = lineLen;
                accLines = 0;
                accStartLine = curLine;
                addLineStart(0);
                parseAcc();
            } else {
                int s = firstNonWs(line, 0, lineLen);
                if (s == lineLen) {
                    appendLine(line, lineLen);
                    continue;
                }
                byte last = lastSignificant();
                byte first = line[s];
                boolean continues = last == '{' || last == '[' || last == ',' || last == ':' || first == '}' || first == ']';
                if (!continues) {
                    failPendingIncomplete();
                    // re-read this line after any lines the failure pushed back
                    pushedBack.addLast(Arrays.copyOf(line, lineLen));
                    pushedBackLine.addLast(curLine);
                    continue;
                }
                int from = accLen + 1;
                appendLine(line, lineLen);
                if (accLen > MAX_RECORD_BYTES) {
                    handler.error(accStartLine, "record larger than " + MAX_RECORD_BYTES + " bytes", payload(acc, 0, Math.min(accLen, MAX_PAYLOAD_CHARS)));
                    resetAcc();
                    continue;
                }
                scan(from, accLen);
                if (inString) {
                    // a JSON string cannot span lines: the record is broken here
                    parseAcc();
                } else if (depth <= 0) {
                    parseAcc();
                }
            }
        }
        if (multi) {
            failPendingIncomplete();
        }
    }

    /** Offers line[s, end of the last '}') to the handler's fast path when only blanks surround it. */
    private boolean offerLine(int s) {
        for (int i = 0; i < s; i++) {
            if (line[i] != ' ' && line[i] != '\t') {
                return false; // BOM or form feed: the parser decides
            }
        }
        int e = lineLen;
        while (e > s && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\r')) {
            e--;
        }
        return line[e - 1] == '}' && handler.line(line, s, e - s, curLine);
    }

    private void failPendingIncomplete() {
        // parse to get the parser's own message about the truncated record
        parseAcc();
        if (multi) {
            handler.error(accStartLine, "truncated record (end of input inside a JSON value)", payload(acc, 0, Math.min(accLen, MAX_PAYLOAD_CHARS)));
            resetAcc();
        }
    }

    private void resetAcc() {
        multi = false;
        accLen = 0;
        accLines = 0;
        depth = 0;
        inString = false;
        escape = false;
    }

    private void startRecord(byte[] b, int off, int len, long lineNumber) {
        accLen = 0;
        accLines = 0;
        accStartLine = lineNumber;
        ensureAcc(len);
        System.arraycopy(b, off, acc, 0, len);
        accLen = len;
        addLineStart(0);
    }

    private void appendLine(byte[] b, int len) {
        ensureAcc(accLen + 1 + len);
        acc[accLen++] = '\n';
        addLineStart(accLen);
        System.arraycopy(b, 0, acc, accLen, len);
        accLen += len;
    }

    private void addLineStart(int off) {
        if (accLines == accLineStarts.length) {
            accLineStarts = Arrays.copyOf(accLineStarts, accLines * 2);
        }
        accLineStarts[accLines++] = off;
    }

    private void ensureAcc(int n) {
        if (n > acc.length) {
            acc = Arrays.copyOf(acc, Math.max(n, acc.length * 2));
        }
    }

    private byte lastSignificant() {
        for (int i = accLen - 1; i >= 0; i--) {
            byte c = acc[i];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return c;
            }
        }
        return 0;
    }

    /**
     * Parses the pending bytes acc[0, accLen): delivers every complete value; on end-of-input inside
     * a value switches to (or stays in) multi-line mode with that value's bytes pending; on a syntax
     * error reports it and resumes at the line after the error (or at the error line when it is not
     * the record's first line, since it may start a new record).
     */
    private void parseAcc() {
        int consumed = 0;
        long baseLine = accStartLine;
        try (JsonParser p = mapper.getFactory().createParser(acc, 0, accLen)) {
            while (true) {
                JsonToken t;
                int startOff;
                long startLine;
                try {
                    t = p.nextToken();
                    if (t == null) {
                        break;
                    }
                    JsonLocation loc = p.currentTokenLocation();
                    startOff = (int) loc.getByteOffset();
                    startLine = baseLine + loc.getLineNr() - 1;
                    JsonNode node;
                    try {
                        node = mapper.readTree(p);
                    } catch (JsonEOFException eof) {
                        keepPending(startOff, startLine, eof);
                        return;
                    }
                    int endOff = (int) p.currentLocation().getByteOffset();
                    consumed = endOff;
                    if (node != null) {
                        handler.value(node, acc, startOff, endOff - startOff, startLine);
                    }
                } catch (JsonEOFException eof) {
                    keepPending(consumed, baseLine + lineIndexOf(consumed), eof);
                    return;
                }
            }
            resetAcc();
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            int errLineIdx = loc == null ? 0 : Math.max(0, loc.getLineNr() - 1);
            int recStartIdx = lineIndexOf(consumed);
            long recLine = baseLine + recStartIdx;
            String msg = e.getOriginalMessage();
            int end = errLineIdx + 1 < accLines ? accLineStarts[errLineIdx + 1] : accLen;
            handler.error(recLine, msg, payload(acc, consumed, Math.min(end - consumed, MAX_PAYLOAD_CHARS)));
            // resume: lines after the error line (and the error line itself when it is not the record's first)
            int resumeIdx = errLineIdx > recStartIdx ? errLineIdx : errLineIdx + 1;
            pushBack(resumeIdx);
            resetAcc();
        } catch (IOException e) {
            handler.error(baseLine, String.valueOf(e.getMessage()), payload(acc, 0, Math.min(accLen, MAX_PAYLOAD_CHARS)));
            resetAcc();
        }
    }

    private void keepPending(int fromOff, long startLine, JsonEOFException eof) {
        if (multi && depth <= 0 && !inString) {
            // the scanner saw the record end but the parser did not: report
            handler.error(startLine, eof.getOriginalMessage(), payload(acc, fromOff, Math.min(accLen - fromOff, MAX_PAYLOAD_CHARS)));
            resetAcc();
            return;
        }
        if (multi && inString) {
            handler.error(startLine, eof.getOriginalMessage(), payload(acc, fromOff, Math.min(accLen - fromOff, MAX_PAYLOAD_CHARS)));
            resetAcc();
            return;
        }
        // keep acc[fromOff, accLen) as the pending record
        int fromIdx = lineIndexOf(fromOff);
        int n = accLen - fromOff;
        System.arraycopy(acc, fromOff, acc, 0, n);
        int k = 0;
        accLineStarts[k++] = 0;
        for (int i = fromIdx + 1; i < accLines; i++) {
            accLineStarts[k++] = accLineStarts[i] - fromOff;
        }
        accLines = k;
        accLen = n;
        accStartLine = startLine;
        multi = true;
        depth = 0;
        inString = false;
        escape = false;
        scan(0, accLen);
        if (inString || depth <= 0) {
            handler.error(startLine, eof.getOriginalMessage(), payload(acc, 0, Math.min(accLen, MAX_PAYLOAD_CHARS)));
            resetAcc();
        }
    }

    private int lineIndexOf(int off) {
        int idx = 0;
        for (int i = 1; i < accLines; i++) {
            if (accLineStarts[i] <= off) {
                idx = i;
            } else {
                break;
            }
        }
        return idx;
    }

    private void pushBack(int fromIdx) {
        for (int i = accLines - 1; i >= fromIdx; i--) {
            int s = accLineStarts[i];
            int e = i + 1 < accLines ? accLineStarts[i + 1] - 1 : accLen;
            pushedBack.push(Arrays.copyOfRange(acc, s, e));
            pushedBackLine.push(accStartLine + i);
        }
    }

    private void scan(int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = acc[i];
            if (inString) {
                if (escape) {
                    escape = false;
                } else if (c == '\\') {
                    escape = true;
                } else if (c == '"') {
                    inString = false;
                } else if (c == '\n') {
                    return; // broken: strings do not span lines
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
    }

    private static int firstNonWs(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != 0x0c) {
                // UTF-8 BOM
                if (c == (byte) 0xEF && i + 2 < to && b[i + 1] == (byte) 0xBB && b[i + 2] == (byte) 0xBF) {
                    i += 3;
                    continue;
                }
                return i;
            }
            i++;
        }
        return to;
    }

    /** Reads the next line (without its terminator) into {@code line}; false at end of input. */
    private boolean nextLine() throws IOException {
        if (!pushedBack.isEmpty()) {
            byte[] l = pushedBack.pop();
            curLine = pushedBackLine.pop();
            ensureLine(l.length);
            System.arraycopy(l, 0, line, 0, l.length);
            lineLen = l.length;
            return true;
        }
        lineLen = 0;
        boolean any = false;
        while (true) {
            if (ipos == ilen) {
                if (eof) {
                    break;
                }
                ilen = in.read(ibuf, 0, ibuf.length);
                ipos = 0;
                if (ilen <= 0) {
                    ilen = 0;
                    eof = true;
                    break;
                }
            }
            any = true;
            int start = ipos;
            int i = start;
            byte[] b = ibuf;
            int end = ilen;
            while (i < end && b[i] != '\n') {
                i++;
            }
            int n = i - start;
            if (!skippingOversize) {
                if (lineLen + n > MAX_RECORD_BYTES) {
                    skippingOversize = true;
                    handler.error(lineNo + 1, "line longer than " + MAX_RECORD_BYTES + " bytes", payload(line, 0, Math.min(lineLen, MAX_PAYLOAD_CHARS)));
                } else {
                    ensureLine(lineLen + n);
                    System.arraycopy(b, start, line, lineLen, n);
                    lineLen += n;
                }
            }
            if (i < end) {
                ipos = i + 1;
                break;
            }
            ipos = end;
        }
        if (!any) {
            return false;
        }
        lineNo++;
        curLine = lineNo;
        if (skippingOversize) {
            skippingOversize = false;
            lineLen = 0;
        }
        if (lineLen > 0 && line[lineLen - 1] == '\r') {
            lineLen--;
        }
        return true;
    }

    private void ensureLine(int n) {
        if (n > line.length) {
            line = Arrays.copyOf(line, Math.max(n, line.length * 2));
        }
    }

    static String payload(byte[] b, int off, int len) {
        if (len <= 0) {
            return "";
        }
        return new String(b, off, len, StandardCharsets.UTF_8);
    }
}
