package io.podtrail.ingest;

/** Test/benchmark access to the two Tetragon parsing paths (the tree-model one is package-private). */
public final class TetragonSources {

    private TetragonSources() {
    }

    /** The production adapter (streaming hot path, tree-model fallback). */
    public static EventSource streaming() {
        return new TetragonJsonSource();
    }

    /** The original Jackson tree-model path only, for side-by-side comparison. */
    public static EventSource treeModel() {
        return new TetragonJsonSource(false);
    }
}
