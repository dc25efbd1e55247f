package io.quaero.jobs.catalog;

/** Thrown inside a job by {@link JobRun} once a cancel was requested; the runner ends it as cancelled. */
public final class JobCancelled extends RuntimeException {

    public JobCancelled() {
        super("cancelled by request", null, false, false);
    }
}
