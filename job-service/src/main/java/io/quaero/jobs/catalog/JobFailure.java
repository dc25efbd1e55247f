package io.quaero.jobs.catalog;

/** Thrown by a job to end it as failed: its current step and the job are marked failed. */
public final class JobFailure extends RuntimeException {

    public JobFailure(String message) {
        super(message);
    }
}
