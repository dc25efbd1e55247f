package io.quaero.ingest.history;

import io.quaero.contracts.Cursor;

/** A decoded event with the Kafka position it was read from. */
record Positioned<E>(E event, Cursor cursor) {
}
