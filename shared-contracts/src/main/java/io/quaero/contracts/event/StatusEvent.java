package io.quaero.contracts.event;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A change of a job's state and/or of some of its steps ({@code "type":"status"}).
 *
 * <p>It is a delta, not a snapshot: {@code job} is absent when only steps changed, and {@code
 * steps} lists only the steps that changed. An event that changes nothing is rejected.
 *
 * @param job the job's new state, if it changed
 * @param steps the steps that changed, possibly empty (never null); copied, immutable
 */
public record StatusEvent(UUID eventId, UUID jobId, Instant timestamp, @Nullable JobState job, List<StepState> steps)
        implements JobEvent {

    public StatusEvent {
        Objects.requireNonNull(eventId, "event_id");
        Objects.requireNonNull(jobId, "job_id");
        Objects.requireNonNull(timestamp, "timestamp");
        Wire.checkTimestamp(timestamp);
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        if (job == null && steps.isEmpty()) {
            throw new IllegalArgumentException("$: status event carries neither job nor steps");
        }
    }
}
