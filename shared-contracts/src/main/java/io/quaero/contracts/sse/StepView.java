package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A step's state for the browser.
 *
 * @param status the {@link io.quaero.contracts.JobStatus} wire name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepView(
        @JsonProperty("id") String id,
        @JsonProperty("name") @Nullable String name,
        @JsonProperty("status") String status) {

    public StepView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
    }
}
