package io.quaero.contracts.event;

import java.io.Serial;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka value that is not a valid event. Consumers catch this to dead-letter the record instead
 * of retrying it forever; the field and reason say what the producer must fix.
 */
public final class InvalidEventException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    /**
     * @param field where the problem is, as a path: {@code "level"}, {@code "job.progress"},
     *     {@code "steps[1].status"}, or {@code "$"} for the document as a whole
     * @param reason what is wrong, in words a producer author understands
     */
    public InvalidEventException(String field, String reason) {
        this(field, reason, null);
    }

    public InvalidEventException(String field, String reason, @Nullable Throwable cause) {
        super(Objects.requireNonNull(field, "field") + ": " + Objects.requireNonNull(reason, "reason"), cause);
        this.field = field;
        this.reason = reason;
    }

    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
