package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * A stretch of a job's log by position ({@code GET /api/jobs/{id}/logs/range}): what the job
 * page's viewer fetches for the rows a reader scrolls to, wherever they are in the log.
 *
 * <pre>
 * {"from":499990,"logs":[{"line":499991,…},…],"meta":{"total_count":1000000,"displayed_count":1000000,"has_more":true}}
 * </pre>
 *
 * @param from the position of the first entry among the entries the filter matches, 0 for the
 *     oldest stored one: the viewer's row index (without a filter, line {@code n} of a job whose
 *     lines start at 1 is at {@code n - 1})
 * @param logs the entries from there on, oldest first; copied, immutable
 * @param meta counts of the whole log and of the filter; {@code has_more} when entries follow
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RangePayload(
        @JsonProperty("from") long from,
        @JsonProperty("logs") List<LogEntry> logs,
        @JsonProperty("meta") LogsMeta meta) {

    public RangePayload {
        logs = List.copyOf(Objects.requireNonNull(logs, "logs"));
        Objects.requireNonNull(meta, "meta");
    }
}
