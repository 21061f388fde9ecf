package io.podtrail.detect;

import java.util.Locale;
import java.util.Optional;

/** Falco's rule priorities, most severe first; {@link #label()} is how Falco prints them. */
public enum Priority {
    EMERGENCY("Emergency"), ALERT("Alert"), CRITICAL("Critical"), ERROR("Error"), WARNING("Warning"),
    NOTICE("Notice"), INFORMATIONAL("Informational"), DEBUG("Debug");

    private final String label;

    Priority(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Parses a priority as Falco does: case-insensitive, {@code info} for informational. */
    public static Optional<Priority> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String u = s.trim().toUpperCase(Locale.ROOT);
        if (u.equals("INFO")) {
            return Optional.of(INFORMATIONAL);
        }
        for (Priority p : values()) {
            if (p.name().equals(u)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
