package io.quaero.contracts.event;

import java.time.Instant;
import java.util.UUID;

/**
 * A value on {@link io.quaero.contracts.Topics#JOB_EVENTS}. Sealed so that consumers can switch
 * over the kinds exhaustively and the compiler tells them when a kind is added.
 */
public sealed interface JobEvent permits LogEvent, StatusEvent, MaskEvent, LogsDeletedEvent {

    /** Unique per event; lets consumers drop duplicates after a producer retry. */
    UUID eventId();

    /** The job the event belongs to; also the record key. */
    UUID jobId();

    /** When the producer says it happened (not when Kafka received it). */
    Instant timestamp();
}
