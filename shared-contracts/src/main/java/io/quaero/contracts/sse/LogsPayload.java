package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@value SseEvents#LOGS} event (and the REST fallback's response body).
 *
 * @param logs the lines, oldest first; copied, immutable
 * @param nextCursor where the next REST page starts; only the REST fallback sets it, since an SSE
 *     stream carries its position in the frame {@code id}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogsPayload(
        @JsonProperty("logs") List<LogEntry> logs,
        @JsonProperty("meta") LogsMeta meta,
        @JsonProperty("next_cursor") @Nullable String nextCursor) {

    public LogsPayload {
        logs = List.copyOf(Objects.requireNonNull(logs, "logs"));
        Objects.requireNonNull(meta, "meta");
    }
}
