package io.quaero.contracts;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Lifecycle state of a job or of one of its steps. */
public enum JobStatus {
    PENDING,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED;

    private static final String ALLOWED =
            Arrays.stream(values()).map(JobStatus::wireName).collect(Collectors.joining(", "));

    /** The wire name, e.g. {@code "running"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name; exact lower-case match only, like {@link Level#fromWire(String)}.
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static JobStatus fromWire(String wire) {
        for (JobStatus status : values()) {
            if (status.wireName().equals(wire)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown status " + Quote.of(wire) + ", expected one of " + ALLOWED);
    }

    /** Whether no further status change is expected; streams of a terminal job can be closed. */
    public boolean isTerminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
