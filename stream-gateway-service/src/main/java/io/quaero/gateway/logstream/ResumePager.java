package io.quaero.gateway.logstream;

import java.util.List;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.gateway.history.JobSnapshot;
import io.quaero.gateway.history.LogPages;
import org.springframework.dao.QueryTimeoutException;

/**
 * The pages of a resume after its first one, read from history up to the snapshot's high-water
 * mark (so they join the live tail without gap or overlap), reading at most {@code maxReplay} lines
 * in all; beyond that the client is told to reset rather than be fed an unbounded replay.
 *
 * <p>Without a search term a page reads exactly the entries it returns (the indexes serve step and
 * level). With one, each page reads at most {@code pageSize} lines of the log (its window) and
 * returns the matches among them, and the whole window counts against {@code maxReplay}: a rare
 * term walks the gap a page at a time, a common one fills its pages, and neither reads more than
 * {@code maxReplay} lines in {@code maxReplay / pageSize} statements.
 *
 * <p>A page the database would not read within its statement timeout ends the replay as one too
 * far behind: the client starts over from the newest lines, which is one bounded page; the stream
 * never dies without a word.
 */
final class ResumePager implements LogSession.BacklogPager {

    /** Reads the log's matching entries after an offset, up to the snapshot's high-water mark ({@link LogPages#between}). */
    @FunctionalInterface
    interface Reader {

        /** At most {@code limit} entries after {@code afterOffset}, reading at most {@code window} lines ({@link LogPages#WHOLE}: all). */
        LogPages.Rows after(long afterOffset, int limit, int window);
    }

    private final Reader reader;
    private final int pageSize;
    private final int maxReplay;
    private final boolean searches;
    private long afterOffset;
    /** Lines read so far: entries, or whole windows of a search. */
    private int read;
    private boolean exhausted;

    /**
     * @param searches whether the filter has a search term, so that each page is bounded by the lines it reads
     */
    ResumePager(Reader reader, boolean searches, JobSnapshot snapshot, int pageSize, int maxReplay) {
        this.reader = reader;
        this.pageSize = pageSize;
        this.maxReplay = maxReplay;
        this.searches = searches;
        // The first page stopped at its last entry, or, a search, where its window ended.
        this.afterOffset = snapshot.scannedTo() != null ? snapshot.scannedTo().offset() : offsetOf(snapshot.entries().getLast());
        this.read = snapshot.entries().size();
    }

    @Override
    public List<LogEntry> next() {
        try {
            while (read < maxReplay) {
                int budget = Math.min(pageSize, maxReplay - read);
                LogPages.Rows page = reader.after(afterOffset, budget, window(budget));
                read += searches ? budget : page.entries().size();
                // Where the window ended, when it did before the page filled; else after the last entry.
                if (page.scannedTo() != null) {
                    afterOffset = page.scannedTo().offset();
                } else if (!page.entries().isEmpty()) {
                    afterOffset = offsetOf(page.entries().getLast());
                }
                if (!page.entries().isEmpty() || !page.hasMore()) {
                    return page.entries();
                }
            }
            // Out of budget: is anything left (for a search, within one more window)?
            LogPages.Rows rest = reader.after(afterOffset, 1, window(pageSize));
            exhausted = !rest.entries().isEmpty() || rest.hasMore();
        } catch (QueryTimeoutException tooCostly) {
            exhausted = true;
        }
        return List.of();
    }

    /** A search reads {@code lines} lines of the log per page; anything else reads what it returns. */
    private int window(int lines) {
        return searches ? lines : LogPages.WHOLE;
    }

    @Override
    public boolean exhausted() {
        return exhausted;
    }

    private static long offsetOf(LogEntry entry) {
        return Cursor.parse(entry.cursor()).offset();
    }
}
