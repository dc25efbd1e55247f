package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * Counts that let the browser say "showing 500 of 12 000 lines" and decide whether to page.
 *
 * @param totalCount lines the job has in total (as far as the server knows)
 * @param displayedCount lines matching the whole filter (step, level, search)
 * @param hasMore whether matching lines exist that this client has not been sent: on a stream, the
 *        filter matches more than it delivered (older ones, to page back to); on a fetched page,
 *        more lie beyond the page in the direction read
 * @param oldestId event id of the oldest line delivered, absent when none
 * @param newestId event id of the newest line delivered, absent when none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogsMeta(
        @JsonProperty("total_count") long totalCount,
        @JsonProperty("displayed_count") long displayedCount,
        @JsonProperty("has_more") boolean hasMore,
        @JsonProperty("oldest_id") @Nullable String oldestId,
        @JsonProperty("newest_id") @Nullable String newestId) {}
