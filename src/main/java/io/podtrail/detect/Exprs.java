package io.podtrail.detect;

import io.podtrail.query.Expr;
import java.util.List;

/** Helpers on parsed conditions. */
final class Exprs {

    private Exprs() {
    }

    /** A copy of {@code e} with every position moved by {@code delta} (a segment of a rule's virtual text). */
    static Expr shift(Expr e, int delta) {
        if (delta == 0) {
            return e;
        }
        return switch (e) {
            case Expr.And a -> new Expr.And(a.terms().stream().map(t -> shift(t, delta)).toList(), a.pos() + delta);
            case Expr.Or o -> new Expr.Or(o.terms().stream().map(t -> shift(t, delta)).toList(), o.pos() + delta);
            case Expr.Not n -> new Expr.Not(shift(n.expr(), delta), n.pos() + delta);
            case Expr.Identifier id -> new Expr.Identifier(id.name(), id.pos() + delta);
            case Expr.Exists x -> new Expr.Exists(operand(x.left(), delta), x.pos() + delta);
            case Expr.Compare c -> new Expr.Compare(operand(c.left(), delta), c.op(), value(c.right(), delta),
                    c.pos() + delta, c.opPos() + delta);
        };
    }

    private static Expr.Operand operand(Expr.Operand o, int d) {
        return switch (o) {
            case Expr.FieldRef f -> new Expr.FieldRef(f.name(), f.arg(), f.pos() + d, f.length());
            case Expr.Transform t -> new Expr.Transform(t.function(), operand(t.arg(), d), t.pos() + d);
        };
    }

    private static Expr.Value value(Expr.Value v, int d) {
        return switch (v) {
            case Expr.Literal l -> new Expr.Literal(l.text(), l.quoted(), l.pos() + d, l.length());
            case Expr.ListValue lv -> new Expr.ListValue(lv.items().stream().map(l -> (Expr.Literal) value(l, d)).toList(),
                    lv.pos() + d, lv.length());
            case Expr.ListRef r -> new Expr.ListRef(r.name(), r.pos() + d, r.length());
            case Expr.FieldValue f -> new Expr.FieldValue(operand(f.field(), d), f.pos() + d, f.length());
        };
    }

}
