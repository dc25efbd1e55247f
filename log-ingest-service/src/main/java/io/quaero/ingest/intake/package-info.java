/**
 * From Kafka records to stored rows: decoding and the checks that make a record poison, the
 * transactions a poll is written in, how a record the database refuses is isolated, where what
 * can never be stored goes (the dead-letter topic), and what a poll publishes once it is stored
 * (copies to a job's partition, status changes to the status topic).
 */
package io.quaero.ingest.intake;
