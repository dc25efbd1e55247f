/**
 * {@code ./quaero cluster}: the production topology — 3 Kafka nodes, PostgreSQL, 2 log-ingest,
 * 3 stream-gateway, job-service, web-ui, nginx — each its own process on this machine, for
 * operators to try and for the failure drills to break. {@link io.quaero.dev.cluster.Cluster}
 * starts and stops it; {@link io.quaero.dev.cluster.Node} is one process with its pid and log file.
 */
package io.quaero.dev.cluster;
