package io.quaero.ingest.intake;

import java.io.Serial;

/**
 * Thrown by a writer for a record it can never store consistently, whatever the database's state
 * (e.g. a copy forwarded to a partition that is not its job's). {@link BatchIntake} isolates it
 * like a record the database refused and dead-letters it with this message, which names the field.
 */
public class RefusedRecordException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /** @param field the record's field at fault, e.g. {@code partition} or {@code job_id} */
    public RefusedRecordException(String field, String reason) {
        super(field + ": " + reason);
    }
}
