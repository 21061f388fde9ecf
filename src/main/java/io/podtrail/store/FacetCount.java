package io.podtrail.store;

import java.util.List;

/**
 * One node of a facet tree, as a flat row in pre-order (a parent before its children, siblings by value,
 * a missing value last): {@code path} holds one value per level from the outermost
 * ({@link FacetQuery.Hierarchy#levels()}); the root (every matching event) has an empty path. A value is
 * null when the events have none (host processes have no namespace, pod or container).
 *
 * <p>An {@code others} row stands for the pods left out by {@link FacetQuery#maxPods()} under its parent: its
 * path is the parent's plus null, {@code count} their events and {@code hidden} how many pods they are.
 *
 * @param path   values from the outermost level down; its size is the depth
 * @param count  matching events under this node
 * @param others true for the row that sums the pods beyond the cap
 * @param hidden for an others row, the number of pods it folds; else 0
 */
public record FacetCount(List<String> path, long count, boolean others, long hidden) {
    public FacetCount {
        path = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(path));
    }

    public int depth() {
        return path.size();
    }
}
