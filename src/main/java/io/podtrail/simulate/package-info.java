/**
 * A deterministic, streaming simulator of a small cluster's activity in the real sensor formats (Tetragon JSON
 * export, Kubernetes audit log, Falco alerts), with built-in incident stories and their ground truth. Feeds the
 * demo, the tests and the benchmarks.
 */
package io.podtrail.simulate;
