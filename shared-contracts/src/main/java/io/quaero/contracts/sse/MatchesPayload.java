package io.quaero.contracts.sse;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;

/**
 * Where the lines a filter matches are ({@code GET /api/jobs/{id}/logs/matches}): the line
 * numbers of the next (or previous) few, and where they stand among all of them, so the viewer can
 * say "3 of 57" and move to the next match or error without holding the log.
 *
 * <pre>
 * {"lines":[1204,1830],"index":2,"total":57}
 * </pre>
 *
 * @param lines line numbers of matching entries, ascending; copied, immutable
 * @param index how many matching entries come before the first of {@code lines} (before the
 *     place asked about when {@code lines} is empty): the first is match {@code index + 1}
 * @param total how many entries the filter matches in the whole stored log
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MatchesPayload(
        @JsonProperty("lines") List<Long> lines,
        @JsonProperty("index") long index,
        @JsonProperty("total") long total) {

    public MatchesPayload {
        lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
    }
}
