package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A job's state for the browser.
 *
 * @param status the {@link io.quaero.contracts.JobStatus} wire name
 * @param progress percent complete, absent when unknown
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
        @JsonProperty("id") String id,
        @JsonProperty("status") String status,
        @JsonProperty("progress") @Nullable Integer progress) {

    public JobView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
    }
}
