package io.podtrail.query;

import java.util.List;

/**
 * The parsed (unresolved) syntax tree of a filter or Falco condition, as {@link FilterParser} builds it.
 * Every node carries the 0-based offset where it starts in the source text. Names are not checked here:
 * a bare {@link Identifier} may be a Falco macro (expanded by a later pass) and a field may be unknown;
 * {@link FilterResolver} checks names and types.
 */
public sealed interface Expr {

    /** 0-based offset of the node in the filter text. */
    int pos();

    /** {@code a and b and ...} (flattened, at least two terms). */
    record And(List<Expr> terms, int pos) implements Expr {
        public And {
            terms = List.copyOf(terms);
        }
    }

    /** {@code a or b or ...} (flattened, at least two terms). */
    record Or(List<Expr> terms, int pos) implements Expr {
        public Or {
            terms = List.copyOf(terms);
        }
    }

    record Not(Expr expr, int pos) implements Expr {
    }

    /** {@code field op value}; never {@link Op#EXISTS}. {@code opPos} is the operator's offset. */
    record Compare(Operand left, Op op, Value right, int pos, int opPos) implements Expr {
    }

    /** {@code field exists}. */
    record Exists(Operand left, int pos) implements Expr {
    }

    /** A bare word standing alone as a condition: a macro name (or a mistyped field). */
    record Identifier(String name, int pos) implements Expr {
    }

    /** The left side of a comparison: a field, possibly wrapped in transformers. */
    sealed interface Operand {
        int pos();
    }

    /**
     * A field reference: {@code proc.name}, {@code ka.uri.param[command]}.
     *
     * @param arg    the bracketed argument, or null when none
     * @param length characters covered in the source, including the argument
     */
    record FieldRef(String name, String arg, int pos, int length) implements Operand {
    }

    /** {@code tolower(field)}, {@code toupper(...)}, {@code b64(...)}, {@code basename(...)}, {@code len(...)}. */
    record Transform(String function, Operand arg, int pos) implements Operand {
    }

    /** The right side of a comparison. */
    sealed interface Value {
        int pos();

        int length();
    }

    /**
     * A single value. {@code quoted} is false for bare words, which inside a list may name a Falco list.
     *
     * @param text the value with quotes removed and escapes resolved
     */
    record Literal(String text, boolean quoted, int pos, int length) implements Value {
    }

    /** {@code (a, b, "c d")}. */
    record ListValue(List<Literal> items, int pos, int length) implements Value {
        public ListValue {
            items = List.copyOf(items);
        }
    }

    /** A list operator followed by a bare name instead of a parenthesized list ({@code proc.name in shells}). */
    record ListRef(String name, int pos, int length) implements Value {
    }

    /** {@code val(other.field)} or a transformer on the right side: compare to another field. */
    record FieldValue(Operand field, int pos, int length) implements Value {
    }
}
