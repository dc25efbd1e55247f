package io.quaero.ingest.history;

import io.quaero.contracts.Cursor;

/**
 * A decoded event with the Kafka position it was read from.
 *
 * @param copy       true when ingest forwarded it there from another partition ({@code ForwardedHeader})
 * @param appendedAt the record's timestamp (the broker's append time): which mask patterns apply
 */
record Positioned<E>(E event, Cursor cursor, boolean copy, long appendedAt) {
}
