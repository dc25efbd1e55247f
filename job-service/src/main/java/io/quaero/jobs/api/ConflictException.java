package io.quaero.jobs.api;

/** The request is fine but the job's state forbids it (e.g. cancelling a finished job): 409. */
public final class ConflictException extends RuntimeException {

    private final String field;

    public ConflictException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
