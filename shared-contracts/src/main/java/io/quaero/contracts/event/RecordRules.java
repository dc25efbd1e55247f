package io.quaero.contracts.event;

import io.quaero.contracts.Topics;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The one set of rules for a record on Quaero's topics, applied by every consumer: ingest (what it
 * refuses goes to the dead-letter topic), the gateway's live tails and Kafka bridge (what it
 * refuses is never shown or counted, so live line numbers agree with stored ones), and job-service's
 * dispatch listener. The wire format's rules are {@link EventCodec}'s; this adds what only the
 * record as a whole shows: the key must be the job's id (it decides the partition, hence the job's
 * order), a value must be present (no tombstone), and a message is at most
 * {@code max-message-bytes} of UTF-8. Every method throws only {@link InvalidEventException},
 * naming the field. Thread-safe.
 */
public final class RecordRules {

    /** The one setting for the message size limit, read by every service that applies these rules. */
    public static final String MAX_MESSAGE_BYTES_PROPERTY = "quaero.events.max-message-bytes";

    /** Default of {@link #MAX_MESSAGE_BYTES_PROPERTY}: 64 KiB, a long stack trace. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 65_536;

    /** Upper bound of {@link #MAX_MESSAGE_BYTES_PROPERTY}: Kafka's default record size limit is 1 MiB. */
    private static final int MAX_MAX_MESSAGE_BYTES = 1 << 20;

    private final EventCodec codec = new EventCodec();
    private final int maxMessageBytes;

    /** @throws IllegalArgumentException naming the property when the limit is outside 1..1048576 */
    public RecordRules(int maxMessageBytes) {
        if (maxMessageBytes < 1 || maxMessageBytes > MAX_MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException(
                    MAX_MESSAGE_BYTES_PROPERTY + " must be 1.." + MAX_MAX_MESSAGE_BYTES + ", was " + maxMessageBytes);
        }
        this.maxMessageBytes = maxMessageBytes;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** A record of {@link Topics#JOB_EVENTS}. */
    public JobEvent jobEvent(@Nullable String key, byte @Nullable [] value) {
        JobEvent event = codec.decodeJobEvent(present(value));
        checkKey(key, Topics.jobKey(event.jobId()));
        if (event instanceof LogEvent log) {
            checkMessage(log.message());
        }
        return event;
    }

    /** A record of {@link Topics#SERVICE_LOGS} (keyed by service instance, which orders nothing). */
    public ServiceLogEvent serviceLog(byte @Nullable [] value) {
        ServiceLogEvent event = codec.decodeServiceLog(present(value));
        checkMessage(event.message());
        return event;
    }

    /** A record of {@link Topics#JOB_DISPATCH}. */
    public DispatchCommand dispatch(@Nullable String key, byte @Nullable [] value) {
        DispatchCommand command = codec.decodeDispatch(present(value));
        checkKey(key, Topics.jobKey(command.jobId()));
        return command;
    }

    private static byte[] present(byte @Nullable [] value) {
        if (value == null) {
            throw new InvalidEventException("$", "record has no value (a tombstone)");
        }
        return value;
    }

    private static void checkKey(@Nullable String key, String expected) {
        if (!expected.equals(key)) {
            throw new InvalidEventException("job_id",
                    "does not match the record key " + (key == null ? "(none)" : Wire.quote(key)));
        }
    }

    private void checkMessage(String message) {
        // UTF-8 takes at most 3 bytes per char, so most messages are judged without encoding them.
        if (message.length() > maxMessageBytes / 3
                && message.getBytes(StandardCharsets.UTF_8).length > maxMessageBytes) {
            throw new InvalidEventException("message", "longer than " + maxMessageBytes + " bytes of UTF-8");
        }
    }
}
