package io.quaero.jobs.events;

import java.util.UUID;

import io.quaero.contracts.Topics;
import io.quaero.jobs.config.JobsProperties;
import io.quaero.jobs.store.JobRecord;
import io.quaero.jobs.store.JobStore;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Which partition of {@link Topics#JOB_EVENTS} job-service publishes a job's events to. A job's
 * partition is decided once, by where its first event lands (see {@link Topics#JOB_EVENTS}), and
 * recorded in {@code jobs.kafka_partition} by whoever learns it first: job-service for the events
 * it publishes first (a built-in job's {@code pending}), ingest for a worker's first event.
 * Everything job-service publishes later goes to that partition explicitly, after the worker's
 * lines already there, whatever the worker's partitioner.
 */
@Component
public class JobPartitions {

    private final JobStore store;
    private final IngestWatermark ingest;
    private final JobsProperties props;

    JobPartitions(JobStore store, IngestWatermark ingest, JobsProperties props) {
        this.store = store;
        this.ingest = ingest;
        this.props = props;
    }

    /**
     * The partition for an event about to be published for {@code job}: its recorded one; or null
     * when it has none and ingest has stored every job event published so far, which means nothing
     * of this job is in Kafka yet, so the event will be its first (record where it lands with
     * {@link #settle}). A worker's first event may be in Kafka and not stored yet; then this waits
     * for ingest, up to {@code publish-timeout}.
     *
     * @throws PartitionUnknownException when ingest did not catch up in time: publishing now could
     *     put the event before the worker's lines
     */
    public @Nullable Integer forNextEvent(JobRecord job) {
        if (job.partition() != null) {
            return job.partition();
        }
        try {
            if (!ingest.caughtUp(props.publishTimeout())) {
                throw new PartitionUnknownException(job.id());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PartitionUnknownException(job.id());
        }
        return store.find(job.id()).map(JobRecord::partition).orElse(null);
    }

    /**
     * Records the partition a job's first event landed on, unless another first event (a
     * worker's, stored by ingest meanwhile) was recorded before; returns the job's partition. An
     * event that lost that race is copied to the job's partition by ingest.
     */
    public int settle(UUID jobId, RecordMetadata landed) {
        return store.settlePartition(jobId, landed.partition());
    }

    /**
     * A job has no recorded partition and ingest is behind: its worker may already have published
     * to a partition nobody here knows yet. Answered 503: retry when ingest has caught up.
     */
    public static final class PartitionUnknownException extends RuntimeException {

        public PartitionUnknownException(UUID jobId) {
            super("job " + jobId + " has no recorded partition yet and log-ingest has not stored every event published "
                + "so far, so its worker's events may be in a partition not known here; try again when ingest has caught up");
        }
    }
}
