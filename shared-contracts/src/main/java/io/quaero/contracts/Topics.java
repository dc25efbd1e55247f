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
     * <p>Logs and status share one topic on purpose: with one key per job, everything a job says
     * lands in one partition, so the order of its log lines and status changes is total. Readers
     * can therefore never see "completed" before the last log line, and a {@link Cursor} is enough
     * to resume a job's stream exactly.
     */
    public static final String JOB_EVENTS = "quaero.job-events";

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

    private Topics() {}

    /** The key for {@link #JOB_EVENTS} and {@link #JOB_DISPATCH}: the job id in canonical form. */
    public static String jobKey(UUID jobId) {
        return Objects.requireNonNull(jobId, "jobId").toString();
    }

    /** The key for {@link #SERVICE_LOGS}: {@code service + "/" + instance}. */
    public static String serviceKey(String service, String instance) {
        return Objects.requireNonNull(service, "service") + "/" + Objects.requireNonNull(instance, "instance");
    }
}
