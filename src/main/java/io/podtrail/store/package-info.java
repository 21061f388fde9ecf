/**
 * Stage: the durable trail behind the small {@link io.podtrail.store.EventStore} interface; the embedded
 * implementation is in {@code io.podtrail.store.duckdb}, a distributed one will implement the same contract.
 */
package io.podtrail.store;
