package io.quaero.ingest.intake;

import io.quaero.contracts.Cursor;

/**
 * A record a write did not store because it belongs to another partition of its topic: it is
 * copied there ({@link Forwards}), and stored when it is read from there.
 *
 * @param from where the record is
 * @param to   the partition it belongs to (its job's)
 */
public record Forward(Cursor from, int to) {
}
