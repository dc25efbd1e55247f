package io.quaero.gateway.fetch;

import io.quaero.contracts.Cursor;
import io.quaero.gateway.api.BadParameterException;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogFilter;
import io.quaero.gateway.filter.LogQuery;
import io.quaero.gateway.history.LogPages;

/**
 * The validated parameters of a JSON fetch: the stream's own (parsed by {@link LogQuery}, so a
 * bad value is the same 400 on both) plus {@code before}, which reads backwards.
 *
 * @param since  entries after this cursor, or null
 * @param before entries before this cursor, or null; never together with {@code since}
 */
record PageQuery(LogFilter filter, int limit, Cursor since, Cursor before) {

    static PageQuery parse(String step, String level, String q, String limit, String since, String before,
                           StreamProperties props) {
        // No Last-Event-ID here: a fetch names its position explicitly.
        var query = LogQuery.parse(step, level, q, limit, since, null, props);
        Cursor end = LogQuery.cursor("before", before);
        if (end != null && query.since() != null) {
            throw new BadParameterException("before",
                "before cannot be combined with since: since pages forwards, before backwards");
        }
        return new PageQuery(query.filter(), query.limit(), query.since(), end);
    }

    /** Where the page starts; a cursor's partition is implied by the job, so only its offset counts. */
    LogPages.Start start() {
        if (since != null) {
            return new LogPages.Start.After(since.offset());
        }
        if (before != null) {
            return new LogPages.Start.Before(before.offset());
        }
        return LogPages.Start.NEWEST;
    }
}
