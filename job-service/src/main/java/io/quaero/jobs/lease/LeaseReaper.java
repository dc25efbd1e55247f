package io.quaero.jobs.lease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.event.StepState;
import io.quaero.jobs.config.JobsProperties;
import io.quaero.jobs.events.IngestWatermark;
import io.quaero.jobs.events.JobEvents;
import io.quaero.jobs.events.JobPartitions;
import io.quaero.jobs.store.JobStore;
import io.quaero.servicelog.JobMdc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Fails the jobs nobody is running any more, so none stays {@code running} for ever: built-in
 * jobs whose worker stopped renewing its lease (crashed, killed, partitioned away), built-in jobs
 * no worker claimed within {@code pending-timeout} of their creation (the backstop for a run
 * command lost or stuck for any reason: a job always starts or ends with a reason), and external
 * jobs with no stored event for {@code external-idle-timeout} — judged only in a pass that finds
 * ingest caught up, since "no stored event" read while ingest is behind (stopped, or held by a
 * database outage) would fail jobs whose workers are busy. The end goes to the job's partition.
 *
 * <p>A database outage stops every worker's heartbeat as well as this reaper, so a lease that
 * lapsed during one says nothing about its worker. When a pass gets its connection more than two
 * intervals after the last good pass ended (the database, or this instance, was away), lapsed
 * leases are judged again only {@code lease-ttl} later, which gives every live worker time to
 * renew. (Found by the cluster drill that stops PostgreSQL for 20 s: running jobs were failed
 * although their workers went on to finish them.)
 *
 * <p>Every job-service instance runs one; they share the work through {@code FOR UPDATE SKIP
 * LOCKED} and the {@code reason} column, so each job is failed once. The failure is published
 * (a fatal line with the reason, then {@code failed} for the job and its running steps) in the
 * transaction that marks the row: if Kafka does not acknowledge, the mark rolls back and the
 * next pass tries again.
 */
@Component
class LeaseReaper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeaseReaper.class);
    /** Jobs handled per transaction; a backlog is worked off in consecutive passes. */
    private static final int BATCH = 100;

    private final JobStore store;
    private final JobEvents events;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final JobPartitions partitions;
    private final IngestWatermark ingest;
    private final JobsProperties props;
    private final Periodic timer;
    /** {@link System#nanoTime()} when the last pass that reached the database ended. */
    private volatile long lastGoodPassNanos = System.nanoTime();
    /** {@link System#nanoTime()} before which lapsed leases are not judged. */
    private volatile long judgeLeasesFrom = System.nanoTime();

    LeaseReaper(JobStore store, JobEvents events, JobPartitions partitions, IngestWatermark ingest, JdbcTemplate jdbc,
                TransactionTemplate tx, JobsProperties props) {
        this.store = store;
        this.events = events;
        this.partitions = partitions;
        this.ingest = ingest;
        this.jdbc = jdbc;
        this.tx = tx;
        this.props = props;
        this.timer = new Periodic("lease-reaper", props.reaperInterval(), this::pass);
    }

    /** One pass; returns how many jobs it failed. */
    int reap() throws InterruptedException {
        // External jobs are judged quiet by what ingest stored: not while it is behind.
        boolean judgeExternal = ingest.caughtUp(Duration.ZERO);
        int total = 0;
        while (true) {
            Integer failed = tx.execute(status -> failAbandoned(judgeLeases(), judgeExternal));
            total += failed == null ? 0 : failed;
            if (failed == null || failed < BATCH) {
                lastGoodPassNanos = System.nanoTime();
                return total;
            }
        }
    }

    /** Called with the pass's connection in hand: after a gap, give the workers a lease-ttl to renew first. */
    private boolean judgeLeases() {
        long now = System.nanoTime();
        long gap = props.reaperInterval().multipliedBy(2).plus(props.heartbeatInterval()).toNanos();
        if (now - lastGoodPassNanos > gap) {
            judgeLeasesFrom = now + props.leaseTtl().toNanos();
            log.info("the database was out of reach for {} s: lapsed leases are judged again in {}",
                (now - lastGoodPassNanos) / 1_000_000_000, props.leaseTtl());
            lastGoodPassNanos = now;
        }
        return now - judgeLeasesFrom >= 0;
    }

    private int failAbandoned(boolean judgeLeases, boolean judgeExternal) {
        List<JobStore.Abandoned> jobs = store.takeAbandoned(props.externalIdleTimeout(), props.pendingTimeout(), judgeLeases,
            judgeExternal, BATCH);
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (JobStore.Abandoned job : jobs) {
            List<StepState> steps = jdbc.query(
                "SELECT step_id, name FROM job_steps WHERE job_id = ? AND status = 'running'",
                (rs, i) -> new StepState(rs.getString(1), rs.getString(2), JobStatus.FAILED), job.id());
            var line = events.log(job.id(), job.partition(), Level.FATAL, "Job failed: " + job.reason(), null, null, "job-service");
            Integer partition = job.partition();
            if (partition == null) {
                // An external job nothing was published for (ingest has stored everything): this
                // line is its first event, and where it lands its partition.
                partition = partitions.settle(job.id(), JobEvents.await(line, props.publishTimeout()));
            }
            sent.add(line);
            sent.add(events.status(job.id(), partition, JobStatus.FAILED, null, steps));
        }
        for (CompletableFuture<?> s : sent) {
            JobEvents.await(s, props.publishTimeout());
        }
        for (JobStore.Abandoned job : jobs) {
            try (var ignored = JobMdc.put(job.id())) {
                log.warn("job {} failed: {}", job.id(), job.reason());
            }
        }
        return jobs.size();
    }

    private void pass() {
        try {
            reap();
        } catch (RuntimeException e) {
            log.warn("lease reaper pass failed, will retry: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        timer.start();
    }

    @Override
    public void stop() {
        timer.stop();
    }

    @Override
    public boolean isRunning() {
        return timer.isRunning();
    }
}
