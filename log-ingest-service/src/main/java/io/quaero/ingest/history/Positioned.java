package io.quaero.ingest.history;

import io.quaero.contracts.Cursor;

/**
 * A decoded event with the Kafka position it was read from.
 *
 * @param copy true when ingest forwarded it there from another partition ({@code ForwardedHeader})
 */
record Positioned<E>(E event, Cursor cursor, boolean copy) {
}
