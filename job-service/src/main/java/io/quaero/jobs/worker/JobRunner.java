package io.quaero.jobs.worker;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.jobs.catalog.JobCancelled;
import io.quaero.jobs.catalog.JobFailure;
import io.quaero.jobs.catalog.JobParams;
import io.quaero.jobs.catalog.JobType;
import io.quaero.jobs.config.JobsProperties;
import io.quaero.jobs.events.JobEvents;
import io.quaero.jobs.store.JobStore;
import io.quaero.servicelog.JobMdc;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs claimed jobs, each on its own virtual thread, at most {@code max-concurrent-jobs} at once.
 * Publishes each job's start and end, and hands the lease back when the end is acknowledged.
 *
 * <p>On shutdown the running jobs are stopped and end as {@code failed} ("worker shut down"),
 * so none is left {@code running}; a job whose end cannot be published keeps its lease until it
 * lapses, and is then failed by a reaper.
 */
@Component
class JobRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    private final JobStore store;
    private final JobEvents events;
    private final JobsProperties props;
    private final Semaphore slots;
    private final Map<UUID, RunningJob> running = new ConcurrentHashMap<>();
    private final Map<UUID, Thread> threads = new ConcurrentHashMap<>();
    private volatile boolean accepting;

    JobRunner(JobStore store, JobEvents events, JobsProperties props) {
        this.store = store;
        this.events = events;
        this.props = props;
        this.slots = new Semaphore(props.maxConcurrentJobs());
    }

    /** Reserves a slot, waiting up to {@code wait}; false if none freed up (or shutting down). */
    boolean reserve(Duration wait) throws InterruptedException {
        return accepting && slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Gives back a slot reserved for a job that turned out not to be ours. */
    void unreserve() {
        slots.release();
    }

    /** Starts a claimed job in a reserved slot; its events go to {@code partition}, the job's. */
    void start(UUID jobId, @Nullable Integer partition, JobType type, JobParams params) {
        RunningJob job = new RunningJob(jobId, partition, props.workerId(), events);
        running.put(jobId, job);
        threads.put(jobId, Thread.ofVirtual().name("job-" + jobId).start(() -> {
            try (var ignored = JobMdc.put(jobId)) {
                execute(job, type, params);
            } finally {
                running.remove(jobId);
                threads.remove(jobId);
                slots.release();
            }
        }));
    }

    /** Stops a job running here for {@code reason}; false if it does not run here. */
    boolean stop(UUID jobId, RunningJob.Stop reason) {
        RunningJob job = running.get(jobId);
        if (job == null) {
            return false;
        }
        job.stop(reason);
        return true;
    }

    Set<UUID> runningJobs() {
        return Set.copyOf(running.keySet());
    }

    private void execute(RunningJob job, JobType type, JobParams params) {
        UUID id = job.jobId();
        log.info("job {} ({}) started on worker {}", id, type.name(), props.workerId());
        JobStatus end;
        try {
            job.started();
            type.run(job, params);
            job.finish(JobStatus.COMPLETED, Level.INFO, "Job completed");
            end = JobStatus.COMPLETED;
        } catch (JobCancelled e) {
            job.finish(JobStatus.CANCELLED, Level.WARN, "Cancelled by request; stopped by worker " + props.workerId());
            end = JobStatus.CANCELLED;
        } catch (JobFailure e) {
            job.finish(JobStatus.FAILED, Level.ERROR, "Job failed: " + e.getMessage());
            end = JobStatus.FAILED;
        } catch (RunningJob.Stopped e) {
            if (job.stopReason() == RunningJob.Stop.LEASE_LOST) {
                log.warn("job {} stopped: its lease lapsed and it was failed elsewhere", id);
                return;
            }
            job.finish(JobStatus.FAILED, Level.FATAL, "Worker " + props.workerId() + " shut down while the job was running");
            end = JobStatus.FAILED;
        } catch (JobEvents.PublishFailedException e) {
            // Nothing more can be said through Kafka; the lease lapses and a reaper fails the job.
            log.error("job {} stopped: its events cannot be published ({}); leaving it to the lease reaper", id, e.getMessage());
            return;
        } catch (RuntimeException e) {
            log.error("job {} ({}) crashed", id, type.name(), e);
            job.finish(JobStatus.FAILED, Level.FATAL, "Worker error: " + e);
            end = JobStatus.FAILED;
        }
        try {
            job.awaitPublished(props.publishTimeout());
            store.release(id, props.workerId());
        } catch (RuntimeException e) {
            log.error("job {}: its end ({}) was not acknowledged; leaving it to the lease reaper: {}", id, end.wireName(), e.toString());
            return;
        }
        switch (end) {
            case COMPLETED -> log.info("job {} ({}) completed", id, type.name());
            case CANCELLED -> log.info("job {} ({}) cancelled", id, type.name());
            default -> log.warn("job {} ({}) failed", id, type.name());
        }
    }

    @Override
    public void start() {
        accepting = true;
    }

    @Override
    public void stop() {
        accepting = false;
        running.values().forEach(job -> job.stop(RunningJob.Stop.SHUTDOWN));
        long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        for (Thread t : threads.values()) {
            try {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public boolean isRunning() {
        return accepting;
    }

    /** Stops after the dispatch consumer (no new jobs arrive) but before the producer closes. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
