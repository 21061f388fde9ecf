package io.podtrail.query;

import io.podtrail.query.Expr.FieldRef;
import io.podtrail.query.Expr.FieldValue;
import io.podtrail.query.Expr.ListRef;
import io.podtrail.query.Expr.ListValue;
import io.podtrail.query.Expr.Literal;
import io.podtrail.query.Expr.Operand;
import io.podtrail.query.Expr.Transform;
import io.podtrail.query.Expr.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses the filter language, which is Falco's condition syntax, into an {@link Expr} tree.
 * A hand-written recursive descent parser that lexes on demand (which token is valid depends on
 * the context: {@code <} is an operator after a field and a bare value after {@code =}).
 *
 * <pre>
 * Grammar (EBNF; blanks are spaces, tabs and newlines and separate tokens):
 *   Expr          ::= OrExpr
 *   OrExpr        ::= AndExpr ('or' AndExpr)*
 *   AndExpr       ::= NotExpr ('and' NotExpr)*
 *   NotExpr       ::= 'not' NotExpr | Check
 *   Check         ::= '(' Expr ')'
 *                   | Operand 'exists'
 *                   | Operand CmpOp Scalar
 *                   | Operand ListOp ListValue
 *                   | Identifier                      -- a macro name, resolved later
 *   Operand       ::= Transformer '(' Operand ')' | Field
 *   Transformer   ::= 'tolower' | 'toupper' | 'b64' | 'basename' | 'len'
 *   Field         ::= FieldName ('[' FieldArg ']')?
 *                   | Identifier                      -- only when an operator follows (aliases: node)
 *   CmpOp         ::= '=' | '==' | '!=' | '&lt;' | '&lt;=' | '&gt;' | '&gt;=' | 'contains' | 'icontains'
 *                   | 'bcontains' | 'startswith' | 'bstartswith' | 'endswith' | 'glob' | 'iglob' | 'regex'
 *   ListOp        ::= 'in' | 'intersects' | 'pmatch'
 *   Scalar        ::= 'val(' Operand ')' | Transformer '(' Operand ')' | QuotedStr | BareStr
 *   ListValue     ::= '(' (ListItem (',' ListItem)*)? ')' | Identifier
 *   ListItem      ::= QuotedStr | ListBareStr         -- a bare item may name a Falco list
 *
 * Tokens:
 *   Identifier    ::= [a-zA-Z_][a-zA-Z0-9_]*
 *   FieldName     ::= Identifier ('.' [a-zA-Z0-9_]+)+
 *   FieldArg      ::= QuotedStr | [^ \t\r\n\[\]"']*
 *   QuotedStr     ::= '"' ( '\' any | [^"\\] )* '"' | "'" ( '\' any | [^'\\] )* "'"
 *                     escapes: \\ \" \' \n \t \r; any other \x is kept as the two characters
 *   BareStr       ::= [^ \t\r\n(),="']+                -- numbers, paths, CIDRs, &lt;NA&gt; are bare strings
 *   ListBareStr   ::= [^ \t\r\n(),"']+
 * Keywords (and, or, not, operators) are lowercase and must end at a non-identifier character.
 * Precedence: not &gt; and &gt; or. Nesting deeper than {@value #MAX_DEPTH} is a syntax error.
 * </pre>
 *
 * <p>Only syntax is checked here: the first error ends parsing with a {@code syntax} or {@code bad-operator}
 * diagnostic. Field names, types and macros are {@link FilterResolver}'s job. Not thread-safe; one parser
 * per text ({@link #parse(String)} creates one).
 */
public final class FilterParser {

    static final int MAX_DEPTH = 200;
    static final Set<String> TRANSFORMERS = Set.of("tolower", "toupper", "b64", "basename", "len");

    private final String in;
    private int pos;
    private int depth;

    private FilterParser(String text) {
        this.in = text;
    }

    /** Parses {@code text}; an empty or blank text is a syntax error (callers treat "" as match-all first). */
    public static Expr parse(String text) throws FilterException {
        FilterParser p = new FilterParser(text);
        try {
            p.blanks();
            if (p.pos >= text.length()) {
                throw p.error("syntax", "empty condition", p.pos, 1);
            }
            Expr e = p.orExpr();
            p.blanks();
            if (p.pos < text.length()) {
                throw p.error("syntax", "unexpected '" + p.tokenAt(p.pos) + "' at column " + (p.pos + 1)
                        + " (expected 'and', 'or' or the end)", p.pos, p.tokenAt(p.pos).length());
            }
            return e;
        } catch (Failure f) {
            throw new FilterException(text, f.diagnostic);
        }
    }

    /** Internal unchecked carrier so recursive methods stay readable. */
    private static final class Failure extends RuntimeException {
        private final transient Diagnostic diagnostic;

        Failure(Diagnostic d) {
            super(d.message(), null, false, false);
            this.diagnostic = d;
        }
    }

    private Failure error(String code, String message, int at, int length) {
        return new Failure(Diagnostic.at(in, code, message, at, length));
    }

    // --- boolean structure ---

    private Expr orExpr() {
        int start = pos;
        List<Expr> terms = new ArrayList<>();
        terms.add(andExpr());
        while (keyword("or")) {
            terms.add(andExpr());
        }
        return terms.size() == 1 ? terms.get(0) : new Expr.Or(terms, start);
    }

    private Expr andExpr() {
        int start = pos;
        List<Expr> terms = new ArrayList<>();
        terms.add(notExpr());
        while (keyword("and")) {
            terms.add(notExpr());
        }
        return terms.size() == 1 ? terms.get(0) : new Expr.And(terms, start);
    }

    private Expr notExpr() {
        blanks();
        int start = pos;
        if (keyword("not")) {
            enter(start);
            Expr inner = notExpr();
            depth--;
            return new Expr.Not(inner, start);
        }
        return check();
    }

    private void enter(int at) {
        if (++depth > MAX_DEPTH) {
            throw error("syntax", "condition nested deeper than " + MAX_DEPTH + " levels", at, 1);
        }
    }

    private Expr check() {
        blanks();
        int start = pos;
        if (pos >= in.length()) {
            throw error("syntax", "expected a condition at column " + (pos + 1) + " but the filter ends", pos, 1);
        }
        char c = in.charAt(pos);
        if (c == '(') {
            pos++;
            enter(start);
            Expr e = orExpr();
            depth--;
            blanks();
            if (!peek(')')) {
                throw error("syntax", "expected ')' to close the '(' at column " + (start + 1), pos, 1);
            }
            pos++;
            return e;
        }
        if (!isIdentStart(c)) {
            throw error("syntax", "expected a field, a macro or '(' at column " + (pos + 1) + ", got '"
                    + tokenAt(pos) + "'", pos, tokenAt(pos).length());
        }
        String name = identifierOrFieldName();
        if (TRANSFORMERS.contains(name) && peek('(')) {
            Operand op = transformRest(name, start);
            return condition(op, start);
        }
        if (name.indexOf('.') < 0 && !peek('[')) {
            // A bare word: a macro, unless an operator follows (then it names a field, e.g. the alias node).
            int save = pos;
            blanks();
            if (pos < in.length() && startsOperator()) {
                return condition(new FieldRef(name, null, start, name.length()), start);
            }
            pos = save;
            return new Expr.Identifier(name, start);
        }
        Operand field = fieldRest(name, start);
        return condition(field, start);
    }

    // --- operands ---

    private String identifierOrFieldName() {
        int start = pos;
        while (pos < in.length() && isIdentPart(in.charAt(pos))) {
            pos++;
        }
        while (pos + 1 < in.length() && in.charAt(pos) == '.' && isIdentPart(in.charAt(pos + 1))) {
            pos++;
            while (pos < in.length() && isIdentPart(in.charAt(pos))) {
                pos++;
            }
        }
        return in.substring(start, pos);
    }

    private FieldRef fieldRest(String name, int start) {
        String arg = null;
        if (peek('[')) {
            int open = pos;
            pos++;
            if (peek('"') || peek('\'')) {
                arg = quoted().text();
            } else {
                int s = pos;
                while (pos < in.length() && " \t\r\n[]\"'".indexOf(in.charAt(pos)) < 0) {
                    pos++;
                }
                arg = in.substring(s, pos);
            }
            if (!peek(']')) {
                throw error("syntax", "expected ']' to close the argument of " + name + " opened at column "
                        + (open + 1), pos, 1);
            }
            pos++;
        }
        return new FieldRef(name, arg, start, pos - start);
    }

    /** After {@code name(}: the operand inside and the closing parenthesis. */
    private Operand transformRest(String function, int start) {
        pos++; // '('
        enter(start);
        blanks();
        int innerStart = pos;
        if (pos >= in.length() || !isIdentStart(in.charAt(pos))) {
            throw error("syntax", "expected a field inside " + function + "( at column " + (pos + 1), pos, 1);
        }
        String inner = identifierOrFieldName();
        Operand arg = TRANSFORMERS.contains(inner) && peek('(')
                ? transformRest(inner, innerStart)
                : fieldRest(inner, innerStart);
        blanks();
        if (!peek(')')) {
            throw error("syntax", "expected ')' to close " + function + "( at column " + (start + 1), pos, 1);
        }
        pos++;
        depth--;
        return new Transform(function, arg, start);
    }

    // --- conditions ---

    private boolean startsOperator() {
        char c = in.charAt(pos);
        if (c == '=' || c == '!' || c == '<' || c == '>') {
            return true;
        }
        if (!Character.isLetter(c)) {
            return false;
        }
        int e = pos;
        while (e < in.length() && isIdentPart(in.charAt(e))) {
            e++;
        }
        return Op.word(in.substring(pos, e)).isPresent();
    }

    private Expr condition(Operand left, int start) {
        blanks();
        int opPos = pos;
        String leftText = in.substring(left.pos(), Math.min(pos, in.length())).strip();
        if (pos >= in.length()) {
            throw error("syntax", "expected an operator after '" + leftText + "' at column " + (pos + 1), pos, 1);
        }
        Op op = operator(leftText);
        if (op == Op.EXISTS) {
            return new Expr.Exists(left, start);
        }
        blanks();
        Value v = op.takesList() ? listValue(op, opPos) : scalarValue(op, opPos);
        return new Expr.Compare(left, op, v, start, opPos);
    }

    private Op operator(String leftText) {
        int start = pos;
        char c = in.charAt(pos);
        String sym = null;
        if (in.startsWith("==", pos)) {
            sym = "==";
        } else if (in.startsWith("!=", pos)) {
            sym = "!=";
        } else if (in.startsWith("<=", pos)) {
            sym = "<=";
        } else if (in.startsWith(">=", pos)) {
            sym = ">=";
        } else if (c == '=' || c == '<' || c == '>') {
            sym = String.valueOf(c);
        }
        if (sym != null) {
            pos += sym.length();
            return switch (sym) {
                case "=", "==" -> Op.EQ;
                case "!=" -> Op.NE;
                case "<" -> Op.LT;
                case "<=" -> Op.LE;
                case ">" -> Op.GT;
                default -> Op.GE;
            };
        }
        if (Character.isLetter(c)) {
            int e = pos;
            while (e < in.length() && isIdentPart(in.charAt(e))) {
                e++;
            }
            String word = in.substring(pos, e);
            Optional<Op> op = Op.word(word);
            if (op.isPresent()) {
                pos = e;
                return op.get();
            }
            throw error("bad-operator", "unknown operator '" + word + "' after '" + leftText + "' at column "
                    + (start + 1) + " (expected =, !=, <, <=, >, >=, contains, icontains, startswith, endswith, "
                    + "glob, iglob, regex, in, intersects, pmatch or exists)", start, word.length());
        }
        throw error("syntax", "expected an operator after '" + leftText + "' at column " + (start + 1)
                + ", got '" + tokenAt(start) + "'", start, tokenAt(start).length());
    }

    private Value scalarValue(Op op, int opPos) {
        int start = pos;
        if (pos >= in.length()) {
            throw error("syntax", "expected a value after '" + op.text() + "' at column " + (pos + 1), pos, 1);
        }
        Optional<Value> fv = fieldValue();
        if (fv.isPresent()) {
            return fv.get();
        }
        char c = in.charAt(pos);
        if (c == '"' || c == '\'') {
            return quoted();
        }
        while (pos < in.length() && " \t\r\n(),=\"'".indexOf(in.charAt(pos)) < 0) {
            pos++;
        }
        if (pos == start) {
            throw error("syntax", "expected a value after '" + op.text() + "' at column " + (start + 1)
                    + ", got '" + tokenAt(start) + "'", start, 1);
        }
        return new Literal(in.substring(start, pos), false, start, pos - start);
    }

    /** {@code val(field)} or {@code transformer(field)} on the right side. */
    private Optional<Value> fieldValue() {
        int start = pos;
        if (!isIdentStart(in.charAt(pos))) {
            return Optional.empty();
        }
        int e = pos;
        while (e < in.length() && isIdentPart(in.charAt(e))) {
            e++;
        }
        String word = in.substring(pos, e);
        if (e >= in.length() || in.charAt(e) != '(' || !(word.equals("val") || TRANSFORMERS.contains(word))) {
            return Optional.empty();
        }
        pos = e;
        Operand o = transformRest(word, start);
        if (word.equals("val")) {
            o = ((Transform) o).arg();
        }
        return Optional.of(new FieldValue(o, start, pos - start));
    }

    private Value listValue(Op op, int opPos) {
        int start = pos;
        if (pos >= in.length()) {
            throw error("syntax", "expected a list after '" + op.text() + "' at column " + (pos + 1), pos, 1);
        }
        if (!peek('(')) {
            Optional<Value> fv = fieldValue();
            if (fv.isPresent()) {
                return fv.get();
            }
            if (isIdentStart(in.charAt(pos))) {
                String name = identifierOrFieldName();
                return new ListRef(name, start, pos - start);
            }
            throw error("syntax", "expected '(' and a list after '" + op.text() + "' at column " + (start + 1)
                    + ", got '" + tokenAt(start) + "'", start, tokenAt(start).length());
        }
        pos++;
        List<Literal> items = new ArrayList<>();
        blanks();
        if (peek(')')) {
            pos++;
            return new ListValue(items, start, pos - start);
        }
        while (true) {
            blanks();
            items.add(listItem());
            blanks();
            if (peek(',')) {
                pos++;
                continue;
            }
            if (peek(')')) {
                pos++;
                return new ListValue(items, start, pos - start);
            }
            if (pos >= in.length()) {
                throw error("syntax", "expected ')' to close the list opened at column " + (start + 1), pos, 1);
            }
            throw error("syntax", "expected ',' or ')' in the list opened at column " + (start + 1) + ", got '"
                    + tokenAt(pos) + "'", pos, 1);
        }
    }

    private Literal listItem() {
        int start = pos;
        if (pos < in.length() && (peek('"') || peek('\''))) {
            return quoted();
        }
        while (pos < in.length() && " \t\r\n(),\"'".indexOf(in.charAt(pos)) < 0) {
            pos++;
        }
        if (pos == start) {
            throw error("syntax", "expected a list item at column " + (start + 1) + ", got '"
                    + (pos < in.length() ? tokenAt(pos) : "end of filter") + "'", start, 1);
        }
        return new Literal(in.substring(start, pos), false, start, pos - start);
    }

    private Literal quoted() {
        int start = pos;
        char q = in.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (pos < in.length()) {
            char c = in.charAt(pos++);
            if (c == q) {
                return new Literal(sb.toString(), true, start, pos - start);
            }
            if (c == '\\' && pos < in.length()) {
                char n = in.charAt(pos++);
                switch (n) {
                    case '\\', '"', '\'' -> sb.append(n);
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    default -> sb.append('\\').append(n);
                }
            } else {
                sb.append(c);
            }
        }
        throw error("syntax", "unterminated string starting at column " + (start + 1) + " (missing " + q + ")",
                start, 1);
    }

    // --- lexing helpers ---

    /** Consumes {@code word} (after blanks) when it is a whole word; otherwise leaves the position alone. */
    private boolean keyword(String word) {
        int save = pos;
        blanks();
        if (in.startsWith(word, pos)) {
            int e = pos + word.length();
            if (e >= in.length() || !isIdentPart(in.charAt(e)) && in.charAt(e) != '.') {
                pos = e;
                return true;
            }
        }
        pos = save;
        return false;
    }

    private void blanks() {
        while (pos < in.length() && Character.isWhitespace(in.charAt(pos))) {
            pos++;
        }
    }

    private boolean peek(char c) {
        return pos < in.length() && in.charAt(pos) == c;
    }

    private String tokenAt(int at) {
        if (at >= in.length()) {
            return "end of filter";
        }
        int e = at;
        while (e < in.length() && !Character.isWhitespace(in.charAt(e)) && (e == at || "()".indexOf(in.charAt(e)) < 0)) {
            e++;
        }
        return in.substring(at, e);
    }

    private static boolean isIdentStart(char c) {
        return c < 128 && (Character.isLetter(c) || c == '_');
    }

    private static boolean isIdentPart(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '_');
    }
}
