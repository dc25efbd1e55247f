package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * Counts that let the browser say "showing 500 of 12 000 lines" and decide whether to page.
 *
 * @param totalCount lines the job has in total (as far as the server knows)
 * @param displayedCount lines delivered to this client so far
 * @param hasMore whether older lines exist than the oldest delivered one
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
