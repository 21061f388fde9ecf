package io.podtrail.server;

import java.util.Locale;

/** What a token may do: sensors send events, analysts read (optionally scoped), admins do both. */
public enum Role {
    /** Ingest endpoints only. */
    SENSOR,
    /** Read endpoints, limited to the token's namespaces/clusters when it lists any. */
    ANALYST,
    /** Everything. */
    ADMIN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromId(String id) {
        for (Role r : values()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + id + "' (expected sensor, analyst or admin)");
    }

    public boolean mayIngest() {
        return this == SENSOR || this == ADMIN;
    }

    public boolean mayRead() {
        return this == ANALYST || this == ADMIN;
    }
}
