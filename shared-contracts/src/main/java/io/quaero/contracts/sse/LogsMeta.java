package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * Counts that let the browser say "showing 500 of 12 000 lines" and decide whether to page.
 *
 * <p>A search term ({@code q}) is bounded by the lines it reads, not by its length
 * ({@code quaero.stream.search-scan-rows}, docs/SECURITY.md "Statement timeouts and search cost"):
 * {@code scanned_to} and {@code counted_from} say where such a bound cut an answer short. Without a
 * search term, or in a log small enough to be read whole, neither is present.
 *
 * @param totalCount lines the job has in total (as far as the server knows)
 * @param displayedCount lines matching the whole filter (step, level, search); with
 *        {@code counted_from}, only those from that line on
 * @param hasMore whether matching lines exist that this client has not been sent: on a stream, the
 *        filter matches more than it delivered (older ones, to page back to); on a fetched page,
 *        more lie beyond the page in the direction read. With {@code counted_from} or
 *        {@code scanned_to}, lines not searched yet may match: it is then true
 * @param oldestId event id of the oldest line delivered, absent when none
 * @param newestId event id of the newest line delivered, absent when none
 * @param scannedTo cursor of the last line a search read when it stopped at its bound before the
 *        page filled and before the log ended: the lines beyond it in the direction read are not
 *        searched yet. Ask again from it: {@code before=} it for older lines (a stream's first
 *        {@code logs} event, a newest or {@code before} page), {@code since=} it for newer ones
 *        (a fetched page's {@code next_cursor} is then this). Absent otherwise
 * @param countedFrom cursor of the first line {@code displayed_count} counted: a search in a log
 *        with more lines than one bound counts the matches among the newest of them only (a
 *        stream then adds the live ones). Absent when every line was counted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogsMeta(
        @JsonProperty("total_count") long totalCount,
        @JsonProperty("displayed_count") long displayedCount,
        @JsonProperty("has_more") boolean hasMore,
        @JsonProperty("oldest_id") @Nullable String oldestId,
        @JsonProperty("newest_id") @Nullable String newestId,
        @JsonProperty("scanned_to") @Nullable String scannedTo,
        @JsonProperty("counted_from") @Nullable String countedFrom) {

    /** Counts of an answer that read and counted everything it covers. */
    public LogsMeta(long totalCount, long displayedCount, boolean hasMore, @Nullable String oldestId, @Nullable String newestId) {
        this(totalCount, displayedCount, hasMore, oldestId, newestId, null, null);
    }
}
