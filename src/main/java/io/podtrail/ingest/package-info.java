/**
 * Stage 1, ingest: one {@link io.podtrail.ingest.EventSource} per real input format (Kubernetes audit log lines
 * and webhook EventList bodies, Tetragon JSON export, Falco JSON alerts, Podtrail native JSON lines) turns a
 * byte stream into normalized events; {@link io.podtrail.ingest.Formats} detects the format. Adapters never
 * throw on a bad record: they reject it with its line and reason and go on.
 */
package io.podtrail.ingest;
