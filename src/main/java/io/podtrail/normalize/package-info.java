/**
 * Stage 2, normalize: what every adapter shares so that events from different sensors look alike — stable
 * process identities ({@code proc.exec_id}), merging of a Kubernetes API request's audit stages, image
 * reference splitting, RFC 3339 times, and the 64-bit hash behind {@code podtrail.id}.
 */
package io.podtrail.normalize;
