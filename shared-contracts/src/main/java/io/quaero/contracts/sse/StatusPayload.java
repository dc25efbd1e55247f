package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@value SseEvents#STATUS} event. Each part is absent when it did not change or does not
 * apply; like the Kafka status event, {@code steps} lists steps to merge by id.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatusPayload(
        @JsonProperty("job") @Nullable JobView job,
        @JsonProperty("steps") @Nullable List<StepView> steps,
        @JsonProperty("service") @Nullable ServiceView service) {

    public StatusPayload {
        steps = steps == null ? null : List.copyOf(steps);
    }
}
