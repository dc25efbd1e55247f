package io.quaero.jobs.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of job-service ({@code quaero.jobs.*}), validated at startup.
 *
 * @param workersEnabled      whether this instance runs built-in jobs (joins the worker group).
 *                            An instance may serve the API only. Default true.
 * @param workerId            this worker's name in {@code jobs.worker}, log {@code source} and
 *                            service logs. Default: host name and process id.
 * @param maxConcurrentJobs   jobs one worker runs at once. When all slots are busy the dispatch
 *                            consumer waits, so commands stay in Kafka for other workers of the
 *                            group. Default 16.
 * @param dispatchWait        how long the dispatch consumer waits for a free slot before the
 *                            command is redelivered (kept below Kafka's max.poll.interval).
 *                            Default 30 s.
 * @param leaseTtl            how long a worker's claim on a job lasts without a heartbeat; after
 *                            it the job is failed as "worker lost". Default 15 s.
 * @param heartbeatInterval   how often a worker renews its leases (and learns of cancels that
 *                            reached another worker). Must be well below lease-ttl. Default 5 s.
 * @param reaperInterval      how often expired leases and idle external jobs are looked for.
 *                            Default 5 s.
 * @param externalIdleTimeout an external job with no stored event for this long is failed.
 *                            Default 10 min.
 * @param pendingTimeout      a built-in job no worker has claimed this long after its creation is
 *                            failed with that reason: the backstop that ends every job, whatever
 *                            became of its run command. Must exceed dispatch-wait. Default 2 min.
 * @param publishTimeout      how long a request waits for Kafka to acknowledge a command or a
 *                            status before answering 503. Default 10 s.
 * @param defaultPageSize     jobs per page of {@code GET /api/jobs} without {@code limit}. Default 20.
 * @param maxPageSize         largest {@code limit}. Default 100.
 * @param maxParamsBytes      largest {@code params} object accepted, as JSON. Default 16 KiB.
 * @param creationBurst       jobs one user may create at once before the rate applies (a token
 *                            bucket per user: this many tokens, one per job). Beyond it 429
 *                            {@code too_many_jobs} with {@code Retry-After}. Per instance.
 *                            {@code quaero.limits.exempt-users} are not limited. Default 100.
 * @param creationInterval    how often a user's bucket gains a token: the sustained rate of job
 *                            creation per user (100 ms: 10 jobs a second). Default 100ms.
 * @param maxPlannedLines     most log lines one built-in job may plan to publish (a {@code load}
 *                            job: {@code rate × duration_s}, which its params alone allow up to
 *                            360 million); more is a 400 naming the parameter to lower. Applies to
 *                            everyone, exempt users too: it is a property of the job, like the
 *                            params' ranges. Default 10000000.
 * @param maxUnfinishedPlannedLines most lines one user's unfinished (pending or running) jobs may
 *                            plan between them; a job that would pass it is 429
 *                            {@code too_much_load}, until one ends. Counted from the database, so
 *                            it holds across job-service instances. Exempt users are not limited.
 *                            Default 30000000.
 */
@ConfigurationProperties("quaero.jobs")
public record JobsProperties(
    @DefaultValue("true") boolean workersEnabled,
    String workerId,
    @DefaultValue("16") int maxConcurrentJobs,
    @DefaultValue("30s") Duration dispatchWait,
    @DefaultValue("15s") Duration leaseTtl,
    @DefaultValue("5s") Duration heartbeatInterval,
    @DefaultValue("5s") Duration reaperInterval,
    @DefaultValue("10m") Duration externalIdleTimeout,
    @DefaultValue("2m") Duration pendingTimeout,
    @DefaultValue("10s") Duration publishTimeout,
    @DefaultValue("20") int defaultPageSize,
    @DefaultValue("100") int maxPageSize,
    @DefaultValue("16384") int maxParamsBytes,
    @DefaultValue("100") int creationBurst,
    @DefaultValue("100ms") Duration creationInterval,
    @DefaultValue("10000000") long maxPlannedLines,
    @DefaultValue("30000000") long maxUnfinishedPlannedLines) {

    public JobsProperties {
        if (workerId == null || workerId.isBlank()) {
            workerId = WorkerIds.local();
        }
        require(maxConcurrentJobs >= 1 && maxConcurrentJobs <= 10_000,
            "quaero.jobs.max-concurrent-jobs must be 1..10000, was " + maxConcurrentJobs);
        require(dispatchWait.toMillis() >= 100 && dispatchWait.toMinutes() < 5,
            "quaero.jobs.dispatch-wait must be within [100ms, 5m), was " + dispatchWait);
        require(heartbeatInterval.toMillis() >= 100, "quaero.jobs.heartbeat-interval must be at least 100ms, was " + heartbeatInterval);
        require(leaseTtl.compareTo(heartbeatInterval.multipliedBy(2)) >= 0,
            "quaero.jobs.lease-ttl must be at least twice heartbeat-interval (" + heartbeatInterval + "), was " + leaseTtl);
        require(reaperInterval.toMillis() >= 100, "quaero.jobs.reaper-interval must be at least 100ms, was " + reaperInterval);
        require(pendingTimeout.compareTo(dispatchWait) > 0,
            "quaero.jobs.pending-timeout must exceed dispatch-wait (" + dispatchWait + "), was " + pendingTimeout);
        require(externalIdleTimeout.toSeconds() >= 1, "quaero.jobs.external-idle-timeout must be at least 1s, was " + externalIdleTimeout);
        require(publishTimeout.toMillis() >= 100, "quaero.jobs.publish-timeout must be at least 100ms, was " + publishTimeout);
        require(maxPageSize >= 1 && maxPageSize <= 1000, "quaero.jobs.max-page-size must be 1..1000, was " + maxPageSize);
        require(defaultPageSize >= 1 && defaultPageSize <= maxPageSize,
            "quaero.jobs.default-page-size must be 1..max-page-size (" + maxPageSize + "), was " + defaultPageSize);
        require(creationBurst >= 1 && creationBurst <= 100_000, "quaero.jobs.creation-burst must be 1..100000, was " + creationBurst);
        require(creationInterval.toMillis() >= 1 && creationInterval.toHours() <= 24,
            "quaero.jobs.creation-interval must be within [1ms, 24h], was " + creationInterval);
        require(maxPlannedLines >= 1, "quaero.jobs.max-planned-lines must be at least 1, was " + maxPlannedLines);
        require(maxUnfinishedPlannedLines >= maxPlannedLines, "quaero.jobs.max-unfinished-planned-lines must be at least "
            + "max-planned-lines (" + maxPlannedLines + "), was " + maxUnfinishedPlannedLines);
        require(maxParamsBytes >= 2 && maxParamsBytes <= 1 << 20, "quaero.jobs.max-params-bytes must be 2..1048576, was " + maxParamsBytes);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
