package io.podtrail.store;

import java.util.List;

/**
 * Counts of matching events grouped by a scope hierarchy ({@link EventStore#facets}).
 *
 * @param filter   filter text ("" for everything)
 * @param fromNs   inclusive lower bound on evt.time in ns, or null
 * @param toNs     exclusive upper bound on evt.time in ns, or null
 * @param by       the hierarchy
 * @param maxPods  at most this many pods (the largest by count) under each parent; the rest are folded into
 *                 one "others" row per parent ({@value #DEFAULT_MAX_PODS} by default, at most {@value #MAX_PODS})
 */
public record FacetQuery(String filter, Long fromNs, Long toNs, Hierarchy by, int maxPods) {

    public static final int DEFAULT_MAX_PODS = 20;
    public static final int MAX_PODS = 1000;

    /** The levels below the root, outermost first; pods are the capped level. */
    public enum Hierarchy {
        /** cluster > namespace > workload (kind/name) > pod > container */
        WORKLOAD(List.of("cluster", "namespace", "workload", "pod", "container"), 3),
        /** cluster > node > pod (namespace/name) */
        NODE(List.of("cluster", "node", "pod"), 2);

        private final List<String> levels;
        private final int podLevel;

        Hierarchy(List<String> levels, int podLevel) {
            this.levels = levels;
            this.podLevel = podLevel;
        }

        public List<String> levels() {
            return levels;
        }

        /** Index in {@link #levels()} of the pod level (whose rows are capped per parent). */
        public int podLevel() {
            return podLevel;
        }

        public static Hierarchy parse(String text) {
            return switch (text == null ? "workload" : text.trim().toLowerCase()) {
                case "workload", "" -> WORKLOAD;
                case "node" -> NODE;
                default -> throw new IllegalArgumentException("by: '" + text + "' is not a hierarchy (workload or node)");
            };
        }
    }

    public FacetQuery {
        filter = filter == null ? "" : filter;
        by = by == null ? Hierarchy.WORKLOAD : by;
        if (maxPods < 1 || maxPods > MAX_PODS) {
            throw new IllegalArgumentException("maxPods must be between 1 and " + MAX_PODS + ", got " + maxPods);
        }
    }

    public static FacetQuery of(String filter, Hierarchy by) {
        return new FacetQuery(filter, null, null, by, DEFAULT_MAX_PODS);
    }
}
