package io.quaero.jobs.limits;

/** A job whose planned lines would take the user's unfinished jobs past their cap ({@link LoadCaps}): 429. */
public final class TooMuchLoadException extends RuntimeException {

    TooMuchLoadException(String message) {
        super(message);
    }
}
