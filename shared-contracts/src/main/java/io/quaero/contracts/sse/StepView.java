package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A step's state for the browser.
 *
 * @param status the {@link io.quaero.contracts.JobStatus} wire name
 * @param startedAt when the step first ran: the timestamp of the status event that first said
 *     {@code running}; absent when none did (yet)
 * @param finishedAt when it ended: the timestamp of the event that gave its terminal status;
 *     absent while it has none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepView(
        @JsonProperty("id") String id,
        @JsonProperty("name") @Nullable String name,
        @JsonProperty("status") String status,
        @JsonProperty("started_at") @Nullable Instant startedAt,
        @JsonProperty("finished_at") @Nullable Instant finishedAt) {

    public StepView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
    }

    /** A step whose times are not known here (the jobs feed's deltas carry none). */
    public StepView(String id, @Nullable String name, String status) {
        this(id, name, status, null, null);
    }
}
