package io.quaero.jobs.catalog;

import java.time.Duration;

import io.quaero.contracts.Level;

/**
 * What a running job can do. Every call publishes events on {@code quaero.job-events} (the same
 * contract an external worker follows); nothing is written to the database directly.
 *
 * <p>The job's start ({@code running}) and end ({@code completed}, {@code failed} when it throws
 * {@link JobFailure}, {@code cancelled}) are published by the runner, not by the job.
 */
public interface JobRun {

    /** Completes the current step, if any, and starts this one; later lines belong to it. */
    void step(String id, String name);

    /** A log line of the current step (or of the job, before the first step). Asynchronous. */
    void log(Level level, String message);

    /** Percent done, 0..100, published with the job's status. */
    void progress(int percent);

    /** Throws {@link JobCancelled} if a cancel was requested. Call it between units of work. */
    void checkCancelled();

    /** Sleeps, but wakes at once with {@link JobCancelled} when a cancel arrives. */
    void sleep(Duration duration);
}
