package io.quaero.jobs.api;

/** Nothing with this id (or nothing the caller may see, which answers the same): 404. */
public class NotFoundException extends RuntimeException {

    private final String field;

    public NotFoundException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
