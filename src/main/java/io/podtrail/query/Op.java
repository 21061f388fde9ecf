package io.podtrail.query;

import java.util.Optional;

/** The comparison operators of Falco's condition syntax, with the text users write. */
public enum Op {
    EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="),
    CONTAINS("contains"), ICONTAINS("icontains"), BCONTAINS("bcontains"),
    STARTSWITH("startswith"), BSTARTSWITH("bstartswith"), ENDSWITH("endswith"),
    GLOB("glob"), IGLOB("iglob"), REGEX("regex"),
    IN("in"), INTERSECTS("intersects"), PMATCH("pmatch"),
    EXISTS("exists");

    private final String text;

    Op(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** True for the operators whose right side is a list: {@code in}, {@code intersects}, {@code pmatch}. */
    public boolean takesList() {
        return this == IN || this == INTERSECTS || this == PMATCH;
    }

    /** The word operator spelled {@code word}, if any ({@code ==} is accepted as {@link #EQ} by the parser). */
    public static Optional<Op> word(String word) {
        for (Op op : values()) {
            if (Character.isLetter(op.text.charAt(0)) && op.text.equals(word)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }
}
