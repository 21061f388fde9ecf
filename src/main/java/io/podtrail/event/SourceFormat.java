package io.podtrail.event;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The input formats Podtrail reads; {@link #id()} is the name used by {@code --format} and {@code podtrail.format}. */
public enum SourceFormat {
    K8S_AUDIT("k8s-audit"),
    TETRAGON("tetragon"),
    FALCO("falco"),
    PODTRAIL("podtrail");

    private final String id;

    SourceFormat(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static SourceFormat fromId(String id) {
        for (SourceFormat f : values()) {
            if (f.id.equals(id)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown format '" + id + "' (expected one of "
                + Arrays.stream(values()).map(SourceFormat::id).collect(Collectors.joining(", ")) + ")");
    }
}
