package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@value SseEvents#RESET} event, the last one on a stream the server closes deliberately
 * (shutdown, rebalance, slow client).
 *
 * @param reason why the stream was closed, for logs and the UI
 * @param cursor where to resume; absent when the client should start over
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResetPayload(
        @JsonProperty("reason") String reason, @JsonProperty("cursor") @Nullable String cursor) {

    public ResetPayload {
        Objects.requireNonNull(reason, "reason");
    }

    /** The reset for {@code reason}: resume from {@code cursor}, or no cursor when the reason starts over. */
    public static ResetPayload of(Disconnect reason, @Nullable String cursor) {
        if (reason.notice() != Disconnect.Notice.RESET) {
            throw new IllegalArgumentException(reason + " is not announced with a reset event");
        }
        return new ResetPayload(reason.wireName(), reason.startsOver() ? null : cursor);
    }
}
