/**
 * The values on the Kafka topics, as Java records, and {@link io.quaero.contracts.event.EventCodec},
 * the one mapping between them and JSON.
 *
 * <p>Records enforce the same invariants as the wire format (required fields, text limits,
 * progress range), so any record that can be constructed can be encoded, and decoding what was
 * encoded gives back an equal record. Decoding is strict and total: every input either yields a
 * valid record or an {@link io.quaero.contracts.event.InvalidEventException} that names the
 * offending field. The JSON Schemas in {@code /schemas} state the same rules for non-Java
 * producers; {@code SchemaAgreementTest} keeps the two in step.
 */
@NullMarked
package io.quaero.contracts.event;

import org.jspecify.annotations.NullMarked;
