package io.quaero.gateway.logstream;

import java.util.List;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.gateway.filter.LogFilter;
import io.quaero.gateway.history.LogPages;
import io.quaero.gateway.history.JobSnapshot;

/**
 * The pages of a resume after its first one, read from history up to the snapshot's high-water
 * mark (so they join the live tail without gap or overlap), at most {@code maxReplay} entries in
 * all; beyond that the client is told to reset rather than be fed an unbounded replay.
 */
final class ResumePager implements LogSession.BacklogPager {

    private final LogPages pages;
    private final UUID jobId;
    private final LogFilter filter;
    private final long upToOffset;
    private final int pageSize;
    private final int maxReplay;
    private long afterOffset;
    private int replayed;
    private boolean exhausted;

    ResumePager(LogPages pages, UUID jobId, LogFilter filter, JobSnapshot snapshot, int pageSize, int maxReplay) {
        this.pages = pages;
        this.jobId = jobId;
        this.filter = filter;
        this.upToOffset = snapshot.storedUpTo();
        this.pageSize = pageSize;
        this.maxReplay = maxReplay;
        this.afterOffset = offsetOf(snapshot.entries().getLast());
        this.replayed = snapshot.entries().size();
    }

    @Override
    public List<LogEntry> next() {
        if (replayed >= maxReplay) {
            exhausted = !pages.between(jobId, filter, afterOffset, upToOffset, 1).entries().isEmpty();
            return List.of();
        }
        List<LogEntry> page = pages.between(jobId, filter, afterOffset, upToOffset, Math.min(pageSize, maxReplay - replayed))
            .entries();
        if (!page.isEmpty()) {
            replayed += page.size();
            afterOffset = offsetOf(page.getLast());
        }
        return page;
    }

    @Override
    public boolean exhausted() {
        return exhausted;
    }

    private static long offsetOf(LogEntry entry) {
        return Cursor.parse(entry.cursor()).offset();
    }
}
