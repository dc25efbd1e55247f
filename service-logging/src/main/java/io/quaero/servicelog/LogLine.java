package io.quaero.servicelog;

import java.time.Instant;
import java.util.UUID;

import io.quaero.contracts.Level;
import io.quaero.contracts.event.ServiceLogEvent;
import org.jspecify.annotations.Nullable;

/**
 * A log event already taken off the logging thread's hands: everything thread-bound (MDC, message
 * arguments) is resolved. The event id is not drawn yet: {@link UUID#randomUUID()} uses the shared
 * {@code SecureRandom}, and that cost belongs on the drain thread, not on the application's.
 */
record LogLine(Instant timestamp, Level level, String message, String service, @Nullable String logger,
               @Nullable UUID jobId) {

    ServiceLogEvent toEvent(UUID eventId, String instance) {
        return new ServiceLogEvent(eventId, timestamp, level, message, service, instance, logger, jobId);
    }
}
