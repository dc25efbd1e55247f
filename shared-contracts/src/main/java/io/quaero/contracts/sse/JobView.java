package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A job's state for the browser.
 *
 * @param status the {@link io.quaero.contracts.JobStatus} wire name
 * @param progress percent complete, absent when unknown
 * @param startedAt when the job first ran (the timestamp of its first {@code running} event),
 *     absent before
 * @param finishedAt when it ended (the timestamp of the event that gave its terminal status),
 *     absent while it runs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        @JsonProperty("id") String id,
        @JsonProperty("status") String status,
        @JsonProperty("progress") @Nullable Integer progress,
        @JsonProperty("started_at") @Nullable Instant startedAt,
        @JsonProperty("finished_at") @Nullable Instant finishedAt) {

    public JobView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
    }

    /** A job whose times are not known yet. */
    public JobView(String id, String status, @Nullable Integer progress) {
        this(id, status, progress, null, null);
    }
}
