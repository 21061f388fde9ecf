package io.podtrail.query;

import io.podtrail.event.Field;
import java.util.List;

/**
 * A resolved, type-checked filter: what {@link FilterResolver} produces from an {@link Expr} and what
 * backends ({@code DuckDbFilterSql}, {@link FilterEvaluator}) compile. Fields are catalogue entries and
 * values are already converted to the field's type, so backends never re-parse text.
 *
 * <h2>Semantics (shared by every backend)</h2>
 * A condition is two-valued: true or false for every event, never unknown.
 * <ul>
 *   <li>A {@link Test} on a value the event does not have is false, whatever the operator (as in Falco),
 *       except {@link Op#EXISTS}. So {@code proc.name != bash} is false for an API event, and
 *       {@code not proc.name = bash} is true for it. {@code f = <NA>} resolves to {@code not f exists} and
 *       {@code f != <NA>} to {@code f exists}.</li>
 *   <li>{@link Op#NE}: the value is present and not equal.</li>
 *   <li>An empty list (STRING_LIST) counts as absent.</li>
 * </ul>
 */
public sealed interface Condition {

    /** True when every term is true; no terms: always true. */
    record All(List<Condition> terms) implements Condition {
        public All {
            terms = List.copyOf(terms);
        }
    }

    /** True when some term is true; no terms: always false. */
    record Any(List<Condition> terms) implements Condition {
        public Any {
            terms = List.copyOf(terms);
        }
    }

    record Negate(Condition term) implements Condition {
    }

    /**
     * One comparison.
     *
     * @param target the field (with its argument and transformer)
     * @param op     never BCONTAINS/BSTARTSWITH; INTERSECTS on scalar fields is normalized to IN
     * @param values typed operands: String (STRING and list elements; pre-lowercased for ICONTAINS/IGLOB and
     *               after tolower; a Java regex source for REGEX), Long (LONG, TIME), Boolean (BOOL),
     *               {@link IpNumbers.Range} (IP); one value for scalar operators, any number for IN,
     *               INTERSECTS and PMATCH; none for EXISTS
     */
    record Test(Target target, Op op, List<Object> values) implements Condition {
        public Test {
            values = List.copyOf(values);
        }
    }

    /**
     * What a test reads.
     *
     * @param field     a catalogue field (stored or derived)
     * @param arg       the bracketed argument for argument fields ({@code command} of
     *                  {@code ka.uri.param[command]}), else null
     * @param transform applied to a STRING value before comparing
     */
    record Target(Field field, String arg, Transform transform) {
    }

    /** LOWER, UPPER: tolower / toupper; TEXT: a number compared as its decimal text (Falco's string operators on ka.response.code). */
    enum Transform {
        NONE, LOWER, UPPER, TEXT
    }
}
