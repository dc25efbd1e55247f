package io.quaero.jobs.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.event.StepState;
import io.quaero.jobs.catalog.JobCancelled;
import io.quaero.jobs.catalog.JobRun;
import io.quaero.jobs.events.JobEvents;
import org.jspecify.annotations.Nullable;

/**
 * One job on this worker: the {@link JobRun} its type calls, turning each call into an event.
 * Called from the job's own thread; {@link #stop} is called from others (dispatch consumer,
 * heartbeat, shutdown).
 *
 * <p>Events are published without waiting (a load job sends thousands per second); the runner
 * waits for the last one at the end. Since all of a job's events go through one idempotent
 * producer to one partition, the last one acknowledged means all were.
 */
final class RunningJob implements JobRun {

    /** Why a job stops before its end, set once by whoever stops it. */
    enum Stop {
        /** Cancel requested: ends as cancelled. */
        CANCEL,
        /** The lease was lost (the job was failed by a reaper): stop silently. */
        LEASE_LOST,
        /** The worker is shutting down: ends as failed, saying so. */
        SHUTDOWN
    }

    /** Thrown into the job's code when it is stopped for a reason other than a cancel. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    private final UUID jobId;
    /** The job's partition, recorded when it was created; every event goes there. */
    private final @Nullable Integer partition;
    private final String workerId;
    private final JobEvents events;
    private final AtomicReference<@Nullable Stop> stop = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<@Nullable Throwable> publishFailure = new AtomicReference<>();
    private @Nullable String stepId;
    private @Nullable String stepName;
    private int progress;
    private CompletableFuture<?> last = CompletableFuture.completedFuture(null);

    RunningJob(UUID jobId, @Nullable Integer partition, String workerId, JobEvents events) {
        this.jobId = jobId;
        this.partition = partition;
        this.workerId = workerId;
        this.events = events;
    }

    UUID jobId() {
        return jobId;
    }

    /** Asks the job to stop; the first reason wins. */
    void stop(Stop reason) {
        if (stop.compareAndSet(null, reason)) {
            stopped.countDown();
        }
    }

    @Nullable Stop stopReason() {
        return stop.get();
    }

    void started() {
        track(events.status(jobId, partition, JobStatus.RUNNING, 0, List.of()));
    }

    @Override
    public void step(String id, String name) {
        List<StepState> changed = new ArrayList<>(2);
        if (stepId != null) {
            changed.add(new StepState(stepId, stepName, JobStatus.COMPLETED));
        }
        changed.add(new StepState(id, name, JobStatus.RUNNING));
        stepId = id;
        stepName = name;
        track(events.status(jobId, partition, JobStatus.RUNNING, progress, changed));
    }

    @Override
    public void log(Level level, String message) {
        checkPublishing();
        track(events.log(jobId, partition, level, message, stepId, stepName, workerId));
    }

    @Override
    public void progress(int percent) {
        int p = Math.clamp(percent, 0, 100);
        if (p != progress) {
            progress = p;
            track(events.status(jobId, partition, JobStatus.RUNNING, p, List.of()));
        }
    }

    @Override
    public void checkCancelled() {
        Stop reason = stop.get();
        if (reason == Stop.CANCEL) {
            throw new JobCancelled();
        }
        if (reason != null) {
            throw new Stopped();
        }
        checkPublishing();
    }

    @Override
    public void sleep(Duration duration) {
        try {
            if (stopped.await(duration.toNanos(), TimeUnit.NANOSECONDS)) {
                checkCancelled();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop(Stop.SHUTDOWN);
            throw new Stopped();
        }
        checkPublishing();
    }

    /** The job's end: its current step and the job get {@code status}, with a last line if given. */
    void finish(JobStatus status, @Nullable Level level, @Nullable String line) {
        if (level != null && line != null) {
            track(events.log(jobId, partition, level, line, stepId, stepName, workerId));
        }
        List<StepState> steps = stepId == null ? List.of() : List.of(new StepState(stepId, stepName, status));
        track(events.status(jobId, partition, status, status == JobStatus.COMPLETED ? Integer.valueOf(100) : null, steps));
    }

    /** Waits until everything published so far is acknowledged. */
    void awaitPublished(Duration timeout) {
        JobEvents.await(last, timeout);
        Throwable failure = publishFailure.get();
        if (failure != null) {
            throw new JobEvents.PublishFailedException(failure);
        }
    }

    private void track(CompletableFuture<?> sent) {
        sent.whenComplete((ok, error) -> {
            if (error != null) {
                publishFailure.compareAndSet(null, error);
            }
        });
        last = sent;
    }

    /** A job that cannot publish stops: its lines would be lost, and nobody could watch it. */
    private void checkPublishing() {
        Throwable failure = publishFailure.get();
        if (failure != null) {
            throw new JobEvents.PublishFailedException(failure);
        }
    }
}
