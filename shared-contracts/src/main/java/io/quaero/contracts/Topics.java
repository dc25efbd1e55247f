package io.quaero.contracts;

import java.util.Objects;
import java.util.UUID;

/**
 * Kafka topic names and the record keys used on them.
 *
 * <p>Keys matter for ordering: Kafka only orders records within a partition, and the default
 * partitioner sends equal keys to the same partition. Every key here is a plain string, serialised
 * as UTF-8 (Kafka's {@code StringSerializer}).
 */
public final class Topics {

    /**
     * Log lines and status changes of jobs ({@code quaero.job-event/v1} JSON). Key: {@link
     * #jobKey(UUID)}.
     *
     * <p>Logs and status share one topic on purpose: everything a job says is in one partition,
     * so the order of its log lines and status changes is total. Readers can therefore never see
     * "completed" before the last log line, and a {@link Cursor} is enough to resume a job's stream
     * exactly.
     *
     * <p>Which partition is decided once per job, not by a hash every reader would have to agree on:
     * it is where the job's first event lands (job-service's {@code pending} for a built-in job,
     * the worker's first event for an external one), recorded in {@code jobs.kafka_partition}, and
     * what job-service publishes later goes there explicitly. So any producer whose partitioner
     * sends one key to one partition (Java's murmur2, librdkafka's CRC32, Sarama's FNV-1a) works
     * unchanged, and adding partitions does not split running jobs. An event that lands on another
     * partition anyway (a partitioner that ignores the key, partitions added mid-job) is copied to
     * the job's partition by ingest, marked with {@link ForwardedHeader}, and only the copy counts.
     */
    public static final String JOB_EVENTS = "quaero.job-events";

    /**
     * Every job's status changes, as log-ingest stored them, for the jobs list's live feed. Key:
     * {@link #jobKey(UUID)}, so one job's changes stay in order. Value: a
     * {@link io.quaero.contracts.sse.JobStatusChange} as JSON ({@link
     * io.quaero.contracts.sse.JobStatusChange#toJson()}), the same bytes the feed's {@code status}
     * event carries as its data.
     *
     * <p>Written by log-ingest alone, after the transaction that stored the change has committed and
     * before the source offsets are committed: a change is in PostgreSQL before it is here, and a
     * crash in between publishes it again (a repeat is harmless: the later change wins). Few records
     * (a job's status changes, not its log lines) on few partitions, so every gateway reads all of it
     * without reading {@link #JOB_EVENTS}. Not a source of history: the database is.
     */
    public static final String JOB_STATUS = "quaero.job-status";

    /**
     * On a {@link #JOB_STATUS} record: the team of the job (UTF-8), so a gateway sends each change
     * only to feeds of that team's members (and admins). Absent for a job with no team.
     */
    public static final String TEAM_HEADER = "quaero-team";

    /**
     * Logs of the Quaero services themselves ({@code quaero.service-log/v1} JSON). Key: {@link
     * #serviceKey(String, String)}, so each instance's lines stay in order.
     */
    public static final String SERVICE_LOGS = "quaero.service-logs";

    /**
     * Work handed to workers by the job service. Key: {@link #jobKey(UUID)}, so commands for one
     * job (start, cancel) are seen in the order they were issued.
     */
    public static final String JOB_DISPATCH = "quaero.job-dispatch";

    /**
     * Records that could not be processed, copied verbatim (original key and value) so that
     * nothing is silently lost and a bad producer can be found. The reason travels in headers.
     */
    public static final String DEAD_LETTER = "quaero.dead-letter";

    /**
     * Audit entries made where the database may not be written (the gateway: downloads), for
     * job-service to store in {@code audit_log} ({@link io.quaero.contracts.audit.AuditEntry} as
     * JSON). Key: the entry's id; each entry is stored once whatever the redeliveries.
     */
    public static final String AUDIT = "quaero.audit";

    private Topics() {}

    /** The key for {@link #JOB_EVENTS}, {@link #JOB_STATUS} and {@link #JOB_DISPATCH}: the job id in canonical form. */
    public static String jobKey(UUID jobId) {
        return Objects.requireNonNull(jobId, "jobId").toString();
    }

    /** The key for {@link #SERVICE_LOGS}: {@code service + "/" + instance}. */
    public static String serviceKey(String service, String instance) {
        return Objects.requireNonNull(service, "service") + "/" + Objects.requireNonNull(instance, "instance");
    }
}
