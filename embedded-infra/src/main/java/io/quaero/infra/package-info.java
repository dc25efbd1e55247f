/**
 * Real infrastructure for the dev stack and the tests, without Docker: an Apache Kafka broker
 * (KRaft, combined broker + controller) and a PostgreSQL server, both started from this JVM.
 *
 * <p>{@link io.quaero.infra.Infrastructure} decides where each comes from: the endpoints given in
 * the environment ({@code QUAERO_KAFKA_BOOTSTRAP}, {@code QUAERO_DB_URL}), containers when
 * {@code QUAERO_INFRA=testcontainers} and a Docker engine is present, or the embedded defaults.
 */
package io.quaero.infra;
