package io.podtrail.query;

import io.podtrail.query.Expr.FieldRef;
import io.podtrail.query.Expr.Literal;
import io.podtrail.query.Expr.Operand;
import io.podtrail.query.Expr.Value;
import java.util.stream.Collectors;

/**
 * Prints an {@link Expr} as a one-line S-expression, for golden tests and {@code explain} output:
 * {@code (and (= proc.name bash) (not (macro spawned_process)))}. Quoted values keep their quotes
 * (re-escaped), bare values are printed as written, so the list-name ambiguity stays visible.
 */
public final class ExprPrinter {

    private ExprPrinter() {
    }

    public static String print(Expr e) {
        return switch (e) {
            case Expr.And a -> "(and " + a.terms().stream().map(ExprPrinter::print).collect(Collectors.joining(" ")) + ")";
            case Expr.Or o -> "(or " + o.terms().stream().map(ExprPrinter::print).collect(Collectors.joining(" ")) + ")";
            case Expr.Not n -> "(not " + print(n.expr()) + ")";
            case Expr.Identifier id -> "(macro " + id.name() + ")";
            case Expr.Exists x -> "(exists " + operand(x.left()) + ")";
            case Expr.Compare c -> "(" + c.op().text() + " " + operand(c.left()) + " " + value(c.right()) + ")";
        };
    }

    private static String operand(Operand o) {
        return switch (o) {
            case FieldRef f -> f.arg() == null ? f.name() : f.name() + "[" + f.arg() + "]";
            case Expr.Transform t -> t.function() + "(" + operand(t.arg()) + ")";
        };
    }

    private static String value(Value v) {
        return switch (v) {
            case Literal l -> literal(l);
            case Expr.ListValue l -> "(list" + l.items().stream().map(i -> " " + literal(i)).collect(Collectors.joining()) + ")";
            case Expr.ListRef r -> "(listref " + r.name() + ")";
            case Expr.FieldValue f -> "(val " + operand(f.field()) + ")";
        };
    }

    private static String literal(Literal l) {
        if (!l.quoted()) {
            return l.text();
        }
        return "\"" + l.text().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }
}
