package io.quaero.jobs.api;

/** A request field or parameter that is missing, malformed or out of range: 400 naming it. */
public final class BadRequestException extends RuntimeException {

    private final String field;

    public BadRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
