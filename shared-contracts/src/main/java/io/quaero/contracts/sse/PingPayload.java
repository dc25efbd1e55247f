package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.Objects;

/** The {@value SseEvents#PING} event; the server's clock, which also shows the client how stale it is. */
public record PingPayload(@JsonProperty("timestamp") Instant timestamp) {

    public PingPayload {
        Objects.requireNonNull(timestamp, "timestamp");
    }
}
