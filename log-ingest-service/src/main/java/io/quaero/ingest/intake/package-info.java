/**
 * From Kafka records to stored rows: decoding and the checks that make a record poison, the
 * transactions a poll is written in, how a record the database refuses is isolated, and where
 * what can never be stored goes (the dead-letter topic).
 */
package io.quaero.ingest.intake;
