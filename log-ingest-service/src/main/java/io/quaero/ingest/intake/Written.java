package io.quaero.ingest.intake;

import java.util.List;

import io.quaero.contracts.event.StatusEvent;

/**
 * What a committed write leaves to be published before the poll's offsets are committed.
 *
 * @param forwards      records it did not store because they belong to another partition ({@link Forwards})
 * @param statusChanges what took effect of the status events it stored (an event, or the part of it
 *                      that was not older than the state in force), in Kafka order, with their job's
 *                      team, for {@link StatusChanges}
 */
public record Written(List<Forward> forwards, List<StoredStatus> statusChanges) {

    /** A status change that took effect and the team of its job (null: a job with none, seen by admins only). */
    public record StoredStatus(StatusEvent event, @org.jspecify.annotations.Nullable String team) {
    }

    /** A write that leaves nothing to publish (the service logs). */
    public static final Written NOTHING = new Written(List.of(), List.of());

    public Written {
        forwards = List.copyOf(forwards);
        statusChanges = List.copyOf(statusChanges);
    }
}
