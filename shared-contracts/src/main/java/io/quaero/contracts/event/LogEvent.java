package io.quaero.contracts.event;

import io.quaero.contracts.Level;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One log line of a job ({@code "type":"log"}).
 *
 * @param message the text, possibly empty; its size is limited by the ingest service, not here
 * @param stepId the step that logged it, if any (non-blank, at most 200 characters)
 * @param stepName display name of that step, if known (same limits)
 * @param source who produced the line, e.g. a worker instance (same limits)
 */
public record LogEvent(
        UUID eventId,
        UUID jobId,
        Instant timestamp,
        Level level,
        String message,
        @Nullable String stepId,
        @Nullable String stepName,
        @Nullable String source)
        implements JobEvent {

    public LogEvent {
        Objects.requireNonNull(eventId, "event_id");
        Objects.requireNonNull(jobId, "job_id");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
        Wire.checkTimestamp(timestamp);
        Wire.checkText("step_id", stepId);
        Wire.checkText("step_name", stepName);
        Wire.checkText("source", source);
    }
}
