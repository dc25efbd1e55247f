package io.quaero.ingest.intake;

import java.nio.charset.StandardCharsets;

import io.quaero.contracts.event.InvalidEventException;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.ServiceLogEvent;

/**
 * Storage limits the wire format does not know: PostgreSQL text cannot hold NUL, and a message
 * may be at most the configured size. Breaking either makes an event poison (dead-letter topic),
 * not a batch that fails for ever.
 */
final class TextFields {

    private final int maxMessageBytes;

    TextFields(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    void check(LogEvent log) {
        message(log.message());
        noNul("step_id", log.stepId());
        noNul("step_name", log.stepName());
        noNul("source", log.source());
    }

    void check(ServiceLogEvent log) {
        message(log.message());
        noNul("service", log.service());
        noNul("instance", log.instance());
        noNul("logger", log.logger());
    }

    private void message(String message) {
        // UTF-8 needs at most 3 bytes per char, so most messages are judged without encoding them.
        if (message.length() > maxMessageBytes / 3
            && message.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes) {
            throw new InvalidEventException("message", "longer than " + maxMessageBytes + " bytes");
        }
        noNul("message", message);
    }

    private static void noNul(String field, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new InvalidEventException(field, "contains a NUL character, which PostgreSQL text cannot store");
        }
    }
}
