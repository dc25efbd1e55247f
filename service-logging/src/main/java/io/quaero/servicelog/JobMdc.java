package io.quaero.servicelog;

import java.util.UUID;

import org.slf4j.MDC;

/**
 * Links log lines to a job: lines logged while {@link #put} is in effect carry the job's id on
 * {@code quaero.service-logs} (the {@code job_id} field), so a job's lifecycle can be found among
 * the platform's own logs.
 */
public final class JobMdc {

    /** The MDC key the appender reads; its value must be a canonical UUID. */
    public static final String KEY = "job_id";

    private JobMdc() {
    }

    /** {@code try (var ignored = JobMdc.put(id)) { log... }}: the id is removed again on close. */
    public static MDC.MDCCloseable put(UUID jobId) {
        return MDC.putCloseable(KEY, jobId.toString());
    }
}
