package io.quaero.jobs.limits;

/** A job creation over the user's rate ({@link CreationRate}): 429 with {@code Retry-After}. */
public final class TooManyJobsException extends RuntimeException {

    private final long retryAfterSeconds;

    TooManyJobsException(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** When a creation will be allowed again, in whole seconds. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
