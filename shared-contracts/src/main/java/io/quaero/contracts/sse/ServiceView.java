package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Health of the gateway serving this stream, so the UI can explain a stalled stream.
 *
 * @param instances gateway instances currently up
 * @param kafka health of the Kafka connection, e.g. {@code "up"} or {@code "down"}
 * @param database health of the database connection, same vocabulary
 * @param connectedClients SSE clients connected to this instance
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceView(
        @JsonProperty("instances") @Nullable List<String> instances,
        @JsonProperty("kafka") @Nullable String kafka,
        @JsonProperty("database") @Nullable String database,
        @JsonProperty("connected_clients") int connectedClients) {

    public ServiceView {
        instances = instances == null ? null : List.copyOf(instances);
    }
}
