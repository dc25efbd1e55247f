package io.quaero.jobs.dispatch;

import java.util.List;
import java.util.UUID;

import io.quaero.access.limits.Client;
import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.jobs.api.ConflictException;
import io.quaero.jobs.api.JobNotFoundException;
import io.quaero.jobs.config.JobsProperties;
import io.quaero.jobs.events.JobEvents;
import io.quaero.jobs.events.JobPartitions;
import io.quaero.jobs.limits.LoadCaps;
import io.quaero.jobs.store.Executor;
import io.quaero.jobs.store.JobRecord;
import io.quaero.jobs.store.JobStore;
import io.quaero.jobs.store.NewJob;
import io.quaero.servicelog.JobMdc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating and cancelling jobs. Each is one database transaction that also waits for Kafka to
 * acknowledge what it published: if Kafka does not, the transaction rolls back and the caller
 * gets 503, so there is never a job row whose command was not sent.
 */
@Service
public class JobDispatcher {

    private static final Logger log = LoggerFactory.getLogger(JobDispatcher.class);

    private final JobStore store;
    private final JobEvents events;
    private final JobPartitions partitions;
    private final JobsProperties props;
    private final LoadCaps caps;

    public JobDispatcher(JobStore store, JobEvents events, JobPartitions partitions, JobsProperties props, LoadCaps caps) {
        this.caps = caps;
        this.store = store;
        this.events = events;
        this.partitions = partitions;
        this.props = props;
    }

    /**
     * Stores a new pending job. A built-in one gets its {@code pending} status published (so
     * every viewer learns of it from the event stream), the partition it landed on recorded as the
     * job's, and its run command sent to the workers. An external one gets no event: its worker's
     * first event decides its partition (whatever that client's partitioner), and until then the
     * row alone says it is pending. A job that plans its lines counts them against the creator's
     * unfinished jobs first ({@link LoadCaps#reserve}), unless the creator is exempt.
     *
     * @throws io.quaero.jobs.limits.TooMuchLoadException when they would pass the creator's cap; nothing is stored
     */
    @Transactional
    public JobRecord create(NewJob job, Client creator) {
        if (job.planned() != null && !creator.exempt()) {
            // Before anything is stored or published; the user's row stays locked to the commit.
            caps.reserve(creator.caller(), job.planned());
        }
        UUID id = UUID.randomUUID();
        store.insert(id, job);
        if (job.executor() == Executor.BUILTIN) {
            var landed = JobEvents.await(events.status(id, null, JobStatus.PENDING, 0, List.of()), props.publishTimeout());
            partitions.settle(id, landed);
            JobEvents.await(events.run(id, job.type(), job.paramsJson()), props.publishTimeout());
        }
        try (var ignored = JobMdc.put(id)) {
            log.info("job {} created: type {}, {} executor, team {}", id, job.type(), job.executor().wireName(), job.team());
        }
        return store.find(id).orElseThrow();
    }

    /**
     * Asks for a job to stop. A running built-in job is stopped by its worker (which publishes
     * {@code cancelled}); a queued one, an external one or one only known from events is ended
     * here at once. External workers can also see the cancel command on the dispatch topic.
     *
     * @throws JobNotFoundException if there is no such job
     * @throws ConflictException    if it has already ended
     */
    @Transactional
    public JobRecord cancel(UUID id) {
        // Where an end published here goes: the job's partition, after the worker's lines already
        // in Kafka. Settled before the row is locked: waiting for ingest while holding the lock
        // would hold up ingest itself, which locks the row to record the worker's first event.
        Integer known = partitions.forNextEvent(store.find(id).orElseThrow(() -> new JobNotFoundException(id)));
        JobRecord job = store.requestCancel(id).orElseThrow(() -> new JobNotFoundException(id));
        if (JobStatus.fromWire(job.status()).isTerminal() || job.reason() != null) {
            throw new ConflictException("status", "job " + id + " has already ended (" + job.status()
                + (job.reason() == null ? "" : ": " + job.reason()) + ")");
        }
        boolean builtin = job.executor() == Executor.BUILTIN;
        boolean endsHere = !builtin || job.worker() == null;
        // Recorded meanwhile (a worker's first event, stored since): that one.
        Integer partition = job.partition() != null ? job.partition() : known;
        if (!builtin) {
            JobEvents.await(events.cancel(id), props.publishTimeout());
        }
        String reason = builtin ? "cancelled before a worker started it" : "cancelled by request";
        if (endsHere && store.endHere(id, reason)) {
            var landed = JobEvents.await(events.log(id, partition, Level.WARN, "Cancelled by request (" + reason + ")",
                null, null, "job-service"), props.publishTimeout());
            if (partition == null) {
                partition = partitions.settle(id, landed);
            }
            JobEvents.await(events.status(id, partition, JobStatus.CANCELLED, null, List.of()), props.publishTimeout());
        } else if (builtin) {
            JobEvents.await(events.cancel(id), props.publishTimeout());
        }
        try (var ignored = JobMdc.put(id)) {
            log.info("job {} cancel requested", id);
        }
        return store.find(id).orElseThrow();
    }
}
