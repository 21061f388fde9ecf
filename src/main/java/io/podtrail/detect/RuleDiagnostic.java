package io.podtrail.detect;

/**
 * A problem found while loading a rules file: a stable code, where it is and which rule (or macro, list) it
 * belongs to.
 *
 * @param severity error (the item is not loaded) or warning (loaded, or skipped on purpose)
 * @param code     stable category: {@code yaml}, {@code syntax}, {@code unknown-field}, {@code unsupported},
 *                 {@code undefined-macro}, {@code undefined-list}, {@code macro-cycle}, {@code bad-priority},
 *                 {@code bad-exception}, {@code unknown-source}, {@code append-without-base}, {@code missing-key},
 *                 or a filter diagnostic code ({@code type-mismatch}, {@code bad-operator}, ...)
 * @param file     the rules file
 * @param line     1-based line, 0 when unknown
 * @param column   1-based column, 0 when unknown
 * @param item     the rule, macro or list the problem belongs to ({@code rule 'X'}), or null
 */
public record RuleDiagnostic(Severity severity, String code, String message, String file, int line, int column,
                             String item) {

    public enum Severity {
        ERROR, WARNING
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + severity.name().toLowerCase(java.util.Locale.ROOT) + "[" + code
                + "]" + (item == null ? "" : " " + item) + ": " + message;
    }
}
