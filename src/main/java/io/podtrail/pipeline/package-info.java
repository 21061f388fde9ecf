/**
 * Runs inputs through the stages into the store ({@link io.podtrail.pipeline.IngestPipeline}): parsing and
 * storing overlap on two threads, batches are committed durably, rejected records are kept for the operator.
 */
package io.podtrail.pipeline;
