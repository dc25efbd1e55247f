/** From Kafka record to event: decoding and the checks that make a record poison. */
package io.quaero.ingest.intake;
