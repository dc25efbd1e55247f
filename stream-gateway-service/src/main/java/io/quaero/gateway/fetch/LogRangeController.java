package io.quaero.gateway.fetch;

import java.util.UUID;

import io.quaero.contracts.sse.LogsMeta;
import io.quaero.contracts.sse.MatchesPayload;
import io.quaero.contracts.sse.RangePayload;
import io.quaero.contracts.sse.SseJson;
import io.quaero.gateway.api.BadParameterException;
import io.quaero.gateway.api.JobNotFoundException;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogFilter;
import io.quaero.gateway.filter.LogQuery;
import io.quaero.gateway.history.JobHistory;
import io.quaero.gateway.history.LogPositions;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A job's stored log by position, for the job page's viewer (issue 15), which keeps only the rows
 * on screen and fetches the rest as the reader scrolls, links or searches:
 * <ul>
 *   <li>{@code GET /api/jobs/{id}/logs/range?from=N&count=C} — the entries from position
 *       {@code N} (0-based among the entries the filter matches), or {@code ?line=L}: from the
 *       first one at or after line {@code L}, with its position ({@link RangePayload});</li>
 *   <li>{@code GET /api/jobs/{id}/logs/matches?q=…&after=L&limit=K} (or {@code before=L}) — the
 *       line numbers of the next (previous) {@code K} entries the filter matches, how many come
 *       before them and how many there are in all ({@link MatchesPayload}): "3 of 57", the next
 *       match, the next error.</li>
 * </ul>
 * The filter ({@code step}, {@code level}, {@code q}) means what it means on the stream: a search
 * is case-insensitive and literal. Every parameter and the job (another team's is a 404, as one
 * that does not exist) are checked before anything is read.
 */
@RestController
record LogRangeController(LogPositions positions, JobHistory history, StreamProperties props) {

    @GetMapping(path = "/api/jobs/{id}/logs/range", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> range(@PathVariable UUID id,
                                 @RequestParam(required = false) String step,
                                 @RequestParam(required = false) String level,
                                 @RequestParam(required = false) String q,
                                 @RequestParam(required = false) String from,
                                 @RequestParam(required = false) String line,
                                 @RequestParam(required = false) String count) {
        LogFilter filter = filter(step, level, q);
        if (from != null && line != null) {
            throw new BadParameterException("line", "line cannot be combined with from: give a position or a line");
        }
        int n = (int) number("count", count, 1, props.maxLimit(), props.defaultLimit());
        Long at = line == null ? null : number("line", line, 1, Long.MAX_VALUE - 1, 1);
        long position = number("from", from, 0, Long.MAX_VALUE - 1, 0);
        history.visible(id);
        var range = (at != null ? positions.fromLine(id, filter, at, n) : positions.fromPosition(id, filter, position, n))
            .orElseThrow(() -> new JobNotFoundException(id));
        var page = range.page();
        var logs = page.entries();
        var meta = new LogsMeta(page.totalCount(), page.displayedCount(), page.hasMore(),
            logs.isEmpty() ? null : logs.getFirst().id(), logs.isEmpty() ? null : logs.getLast().id());
        return json(new RangePayload(range.from(), logs, meta));
    }

    @GetMapping(path = "/api/jobs/{id}/logs/matches", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> matches(@PathVariable UUID id,
                                   @RequestParam(required = false) String step,
                                   @RequestParam(required = false) String level,
                                   @RequestParam(required = false) String q,
                                   @RequestParam(required = false) String after,
                                   @RequestParam(required = false) String before,
                                   @RequestParam(required = false) String limit) {
        LogFilter filter = filter(step, level, q);
        if (after != null && before != null) {
            throw new BadParameterException("before", "before cannot be combined with after: after looks forwards, before backwards");
        }
        // 0: only where the place asked about stands, and the total (an error count, say).
        int k = (int) number("limit", limit, 0, props.maxLimit(), 1);
        Long afterLine = after == null ? null : number("after", after, 0, Long.MAX_VALUE - 1, 0);
        Long beforeLine = before == null ? null : number("before", before, 1, Long.MAX_VALUE - 1, 1);
        history.visible(id);
        var found = (beforeLine != null ? positions.before(id, filter, beforeLine, k)
            : positions.after(id, filter, afterLine == null ? 0 : afterLine, k))
            .orElseThrow(() -> new JobNotFoundException(id));
        return json(new MatchesPayload(found.lines(), found.index(), found.total()));
    }

    private LogFilter filter(String step, String level, String q) {
        return LogQuery.parse(step, level, q, null, null, null, props).filter();
    }

    /** A whole number parameter in {@code min..max}, or {@code absent} when not given; else a 400 naming it. */
    private static long number(String name, @Nullable String value, long min, long max, long absent) {
        if (value == null || value.isEmpty()) {
            return absent;
        }
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new BadParameterException(name, name + " must be a whole number, was '" + value + "'");
        }
        if (n < min || n > max) {
            throw new BadParameterException(name, name + " must be " + min + ".." + max + ", was " + n);
        }
        return n;
    }

    private static ResponseEntity<byte[]> json(Object payload) {
        return ResponseEntity.ok()
            .contentType(MediaType.APPLICATION_JSON)
            // A running job's log grows: a cached answer would hide what was stored since.
            .cacheControl(CacheControl.noCache())
            .body(SseJson.toJson(payload));
    }
}
