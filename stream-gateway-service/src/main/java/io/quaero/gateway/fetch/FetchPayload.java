package io.quaero.gateway.fetch;

import java.util.List;

import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsMeta;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.gateway.history.LogPages;

/** Turns a page read from history into the fetch's response body. */
final class FetchPayload {

    private FetchPayload() {
    }

    static LogsPayload of(PageQuery query, LogPages.Page page) {
        List<LogEntry> logs = page.entries();
        var meta = new LogsMeta(page.totalCount(), page.displayedCount(), page.hasMore(),
            logs.isEmpty() ? null : logs.getFirst().id(), logs.isEmpty() ? null : logs.getLast().id(),
            page.scannedTo() == null ? null : page.scannedTo().toString(),
            page.countedFrom() == null ? null : page.countedFrom().toString());
        return new LogsPayload(logs, meta, nextCursor(query, page));
    }

    /**
     * The cursor to send back to continue in the direction of the request. Backwards: the oldest
     * entry of the page. Forwards (and for the newest page, which the watchdog continues forwards):
     * the newest entry of the page; when the page is empty the client's own {@code since}, so that
     * polling an idle job neither skips nor repeats; and for an empty newest page the end of the
     * stored log, so a filter that matches nothing yet is not rescanned from the beginning. A
     * search page that stopped at its bound (before or since) continues where it stopped.
     */
    private static String nextCursor(PageQuery query, LogPages.Page page) {
        List<LogEntry> logs = page.entries();
        if (page.scannedTo() != null && (query.before() != null || query.since() != null)) {
            return page.scannedTo().toString();
        }
        if (query.before() != null) {
            return logs.isEmpty() ? null : logs.getFirst().cursor();
        }
        if (!logs.isEmpty()) {
            return logs.getLast().cursor();
        }
        if (query.since() != null) {
            return query.since().toString();
        }
        return page.lastStored() == null ? null : page.lastStored().toString();
    }
}
