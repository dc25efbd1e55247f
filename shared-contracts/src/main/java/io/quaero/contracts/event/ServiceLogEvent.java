package io.quaero.contracts.event;

import io.quaero.contracts.Level;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A log line of a Quaero service itself, on {@link io.quaero.contracts.Topics#SERVICE_LOGS}.
 *
 * @param service the service name, e.g. {@code "log-ingest"} (non-blank, at most 200 characters)
 * @param instance which running copy, e.g. a host name (same limits)
 * @param logger the logger name, if any (same limits)
 * @param jobId the job being handled when the line was logged, if any
 */
public record ServiceLogEvent(
        UUID eventId,
        Instant timestamp,
        Level level,
        String message,
        String service,
        String instance,
        @Nullable String logger,
        @Nullable UUID jobId) {

    public ServiceLogEvent {
        Objects.requireNonNull(eventId, "event_id");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(instance, "instance");
        Wire.checkTimestamp(timestamp);
        Wire.checkText("service", service);
        Wire.checkText("instance", instance);
        Wire.checkText("logger", logger);
    }
}
