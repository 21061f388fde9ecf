/**
 * Enrichment: Kubernetes context with history. Every event is resolved to cluster, namespace, workload, pod,
 * container and node, and every connection's remote end to what it was when the connection happened, also
 * for pods long gone.
 *
 * <p>Entry point: {@link io.podtrail.enrich.Enricher#enrich(io.podtrail.event.Event)}, assembled by
 * {@link io.podtrail.enrich.KubernetesContext}. The state is a {@link io.podtrail.enrich.ClusterHistory} of
 * validity intervals ({@link io.podtrail.enrich.HistoryRecord}) fed by offline snapshots
 * ({@link io.podtrail.enrich.SnapshotReader}) and live informers ({@link io.podtrail.enrich.InformerSource}),
 * kept across restarts by a {@link io.podtrail.enrich.HistoryLog}. See docs/context.md.
 */
package io.podtrail.enrich;
