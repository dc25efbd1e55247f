package io.quaero.contracts.event;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A value the job's worker declares secret ({@code "type":"mask"}), as GitHub Actions'
 * {@code ::add-mask::}: from this event on, every occurrence of {@code value} in a later line of
 * the same job is shown and stored as {@code ***}. Lines before it are not changed.
 *
 * <p>The value is never shown and never stored as it is: the event is not a line, and what is kept
 * of it (module {@code masking}, {@code MaskValue}) is a salted digest. {@link #toString()} leaves
 * it out, so no log line or exception message can carry it.
 *
 * @param value the secret, {@value #MIN_VALUE_LENGTH}..{@value #MAX_VALUE_LENGTH} characters
 *              (shorter ones would mask common words)
 */
public record MaskEvent(UUID eventId, UUID jobId, Instant timestamp, String value) implements JobEvent {

    /** Shortest value accepted: a one-to-three character "secret" would blank out ordinary text. */
    public static final int MIN_VALUE_LENGTH = 4;
    /** Longest value accepted, in UTF-16 code units. */
    public static final int MAX_VALUE_LENGTH = 1024;

    public MaskEvent {
        Objects.requireNonNull(eventId, "event_id");
        Objects.requireNonNull(jobId, "job_id");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(value, "value");
        Wire.checkTimestamp(timestamp);
        String problem = valueProblem(value);
        if (problem != null) {
            throw new IllegalArgumentException("value: " + problem);
        }
    }

    /** Why {@code value} cannot be a mask, or null. */
    static String valueProblem(String value) {
        if (value.length() < MIN_VALUE_LENGTH || value.length() > MAX_VALUE_LENGTH) {
            return "must be " + MIN_VALUE_LENGTH + ".." + MAX_VALUE_LENGTH + " characters, was " + value.length();
        }
        return null;
    }

    /** Without the value: this may end up in a log line. */
    @Override
    public String toString() {
        return "MaskEvent[eventId=" + eventId + ", jobId=" + jobId + ", timestamp=" + timestamp + ", value=***]";
    }
}
