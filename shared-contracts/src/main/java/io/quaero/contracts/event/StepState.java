package io.quaero.contracts.event;

import io.quaero.contracts.JobStatus;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A step that changed, inside a {@link StatusEvent}. Consumers merge steps by {@code id}: a step
 * not mentioned in an event keeps its previous state.
 *
 * @param id stable within the job (non-blank, at most 200 characters)
 * @param name display name, if known (same limits)
 */
public record StepState(String id, @Nullable String name, JobStatus status) {

    public StepState {
        Objects.requireNonNull(id, "steps[].id");
        Objects.requireNonNull(status, "steps[].status");
        Wire.checkText("steps[].id", id);
        Wire.checkText("steps[].name", name);
    }
}
