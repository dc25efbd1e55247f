package io.quaero.jobs.limits;

/** A job whose planned lines would take the user's unfinished jobs past their cap ({@link LoadCaps}): 429. */
public final class TooMuchLoadException extends RuntimeException {

    private final String field;

    TooMuchLoadException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The parameter to lower, e.g. {@code params.duration_s}. */
    public String field() {
        return field;
    }
}
