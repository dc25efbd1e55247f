package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One log line as shown in the browser.
 *
 * @param id the event id (stable across replays; use it to de-duplicate)
 * @param cursor the {@link io.quaero.contracts.Cursor} string of the line
 * @param line 1-based position of the line within its job
 * @param level the wire name of the level, e.g. {@code "warn"}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogEntry(
        @JsonProperty("id") String id,
        @JsonProperty("cursor") String cursor,
        @JsonProperty("line") long line,
        @JsonProperty("timestamp") Instant timestamp,
        @JsonProperty("level") String level,
        @JsonProperty("message") String message,
        @JsonProperty("step_id") @Nullable String stepId,
        @JsonProperty("step_name") @Nullable String stepName,
        @JsonProperty("source") @Nullable String source) {

    public LogEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cursor, "cursor");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
    }
}
