package io.quaero.contracts.event;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An admin deleted the job's logs ({@code "type":"logs-deleted"}), published by job-service to the
 * job's partition: every line of the job before this event is gone, whenever ingest stored it. In
 * the job's order, so it is exact whatever lies between Kafka and storage: ingest deletes the
 * lines it stored from before this offset, and a live stream that has shown any of them ends with
 * the reset {@code logs-deleted} (its page starts over from what is left).
 *
 * <p>Anyone who may write the job events (a worker) could publish one: ingest acts on it only when
 * {@code deletion_id} names a deletion job-service recorded for this job, and dead-letters it
 * otherwise.
 *
 * @param deletionId the {@code log_deletions} row job-service wrote before publishing this
 */
public record LogsDeletedEvent(UUID eventId, UUID jobId, Instant timestamp, UUID deletionId) implements JobEvent {

    public LogsDeletedEvent {
        Objects.requireNonNull(eventId, "event_id");
        Objects.requireNonNull(jobId, "job_id");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(deletionId, "deletion_id");
        Wire.checkTimestamp(timestamp);
    }
}
