/**
 * The Quaero wire format: Kafka topic names and keys, the shared vocabularies ({@link
 * io.quaero.contracts.Level}, {@link io.quaero.contracts.JobStatus}) and the {@link
 * io.quaero.contracts.Cursor} that marks a position in the job event log.
 *
 * <p>This module is the single place where the format lives; every service depends on it and it
 * depends on no other Quaero module. Event records and their JSON codec are in {@link
 * io.quaero.contracts.event}, browser-facing Server-Sent Event payloads in {@link
 * io.quaero.contracts.sse}, and the JSON Schemas that non-Java workers validate against under
 * {@code /schemas} on the classpath.
 */
@NullMarked
package io.quaero.contracts;

import org.jspecify.annotations.NullMarked;
