package io.podtrail.query;

import java.util.List;

/** A filter that cannot be parsed, resolved or compiled; carries every {@link Diagnostic} found. */
public final class FilterException extends Exception {

    private final String text;
    private final transient List<Diagnostic> diagnostics;

    public FilterException(String text, List<Diagnostic> diagnostics) {
        super(diagnostics.isEmpty() ? "invalid filter" : diagnostics.get(0).toString());
        if (diagnostics.isEmpty()) {
            throw new IllegalArgumentException("a FilterException needs at least one diagnostic");
        }
        this.text = text;
        this.diagnostics = List.copyOf(diagnostics);
    }

    public FilterException(String text, Diagnostic diagnostic) {
        this(text, List.of(diagnostic));
    }

    /** The filter text the diagnostics point into. */
    public String text() {
        return text;
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    /** The first diagnostic's code. */
    public String code() {
        return diagnostics.get(0).code();
    }

    /** Every diagnostic, each as the offending line of the filter with a caret line under it (for the CLI). */
    public String render() {
        return render(text);
    }

    /**
     * Renders each diagnostic as {@code error[code]: message}, the line of {@code filterText} it is on and a
     * caret line ({@code ^~~~}) under the offending characters.
     */
    public String render(String filterText) {
        StringBuilder sb = new StringBuilder();
        for (Diagnostic d : diagnostics) {
            sb.append(renderOne(filterText, d));
        }
        return sb.toString();
    }

    static String renderOne(String filterText, Diagnostic d) {
        String[] lines = filterText.split("\n", -1);
        String line = d.line() - 1 < lines.length ? lines[d.line() - 1] : "";
        int col = d.column() - 1;
        int len = Math.max(1, Math.min(d.length(), Math.max(1, line.length() - col)));
        StringBuilder sb = new StringBuilder();
        sb.append("error[").append(d.code()).append("]: ").append(d.message()).append('\n');
        sb.append("  ").append(line).append('\n');
        sb.append("  ");
        for (int i = 0; i < col; i++) {
            sb.append(i < line.length() && line.charAt(i) == '\t' ? '\t' : ' ');
        }
        sb.append('^');
        sb.append("~".repeat(len - 1));
        sb.append('\n');
        return sb.toString();
    }
}
