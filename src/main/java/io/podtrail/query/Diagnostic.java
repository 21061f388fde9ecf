package io.podtrail.query;

/**
 * One problem found in a filter: a stable code, a message for people and where it is.
 *
 * @param code     stable category: {@code syntax}, {@code bad-operator}, {@code unknown-field},
 *                 {@code unknown-field-or-macro}, {@code unknown-list}, {@code bad-argument},
 *                 {@code type-mismatch}, {@code bad-cidr}, {@code unsupported}
 * @param message  one sentence, naming the offending text
 * @param position 0-based character offset in the filter text
 * @param line     1-based line (conditions loaded from rules files may span lines)
 * @param column   1-based column within that line
 * @param length   number of characters the problem covers (at least 1)
 */
public record Diagnostic(String code, String message, int position, int line, int column, int length) {

    /** A diagnostic at {@code position} of {@code text}, computing line and column. */
    public static Diagnostic at(String text, String code, String message, int position, int length) {
        int pos = Math.max(0, Math.min(position, text.length()));
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < pos; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Diagnostic(code, message, pos, line, pos - lineStart + 1, Math.max(1, length));
    }

    /** {@code code at line:column: message}, or {@code code at column N: message} for one-line filters. */
    @Override
    public String toString() {
        String where = line == 1 ? "column " + column : "line " + line + ", column " + column;
        return code + " at " + where + ": " + message;
    }
}
