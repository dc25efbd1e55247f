package io.quaero.gateway.logstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.sse.JobView;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.gateway.history.JobSnapshot;
import io.quaero.gateway.history.StatusTimes;
import io.quaero.masking.JobMasks;
import io.quaero.gateway.history.LogPages;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;

/**
 * How a resume pages through the stored gap, on a log held in memory: lines 1..{@link #LINES} at
 * offsets equal to their numbers, the ones in {@code matching} holding the search term. The reader
 * does what {@code LogPages.between} does in SQL (its SQL is checked against PostgreSQL by
 * Issue14SearchCostTest); here it also records the lines each call read.
 */
class ResumePagerTest {

    private static final int LINES = 1_000;

    /** A log in memory that reads as the database does: a window bounds a search's lines read. */
    private static final class Log implements ResumePager.Reader {
        final List<Integer> matching;
        final List<Integer> linesRead = new ArrayList<>();
        RuntimeException failWith;

        Log(List<Integer> matching) {
            this.matching = matching;
        }

        @Override
        public LogPages.Rows after(long afterOffset, int limit, int window) {
            if (failWith != null) {
                throw failWith;
            }
            long end = window == LogPages.WHOLE ? LINES : Math.min(LINES, afterOffset + window);
            var found = new ArrayList<LogEntry>();
            long line = afterOffset + 1;
            for (; line <= end; line++) {
                if (matching.contains((int) line)) {
                    if (found.size() == limit) {
                        linesRead.add((int) (line - afterOffset));
                        return new LogPages.Rows(found, true, null);
                    }
                    found.add(entry(line));
                }
            }
            linesRead.add((int) (end - afterOffset));
            boolean beyond = end < LINES;
            return new LogPages.Rows(found, beyond, beyond ? new Cursor(0, end) : null);
        }
    }

    @Test
    void aRareTermIsFoundByWalkingTheGapOneWindowAtATime() {
        var log = new Log(List.of(480, 700));
        var pager = new ResumePager(log, true, firstPageStoppedAt(100), 50, 2_000);

        assertThat(pager.next()).extracting(LogEntry::line).containsExactly(480L);
        assertThat(pager.next()).extracting(LogEntry::line).containsExactly(700L);
        assertThat(pager.next()).isEmpty();
        assertThat(pager.exhausted()).isFalse();
        assertThat(log.linesRead).as("no call read more than one window").allMatch(n -> n <= 50);
        assertThat(log.linesRead.stream().mapToInt(Integer::intValue).sum()).as("every line of the gap once").isEqualTo(LINES - 100);
    }

    @Test
    void aSearchReplayStopsAfterMaxReplayLinesReadAndSaysItIsExhausted() {
        var log = new Log(List.of(900));
        var pager = new ResumePager(log, true, firstPageStoppedAt(100), 50, 300);

        assertThat(pager.next()).isEmpty();
        assertThat(pager.exhausted()).as("lines remain unread: the client starts over").isTrue();
        assertThat(log.linesRead.stream().mapToInt(Integer::intValue).sum()).as("300 lines, then one window to see what is left")
            .isEqualTo(300 + 50);
    }

    @Test
    void aPageTheDatabaseCancelsEndsTheReplayAsExhaustedNotWithAnException() {
        var log = new Log(List.of(480));
        log.failWith = new QueryTimeoutException("canceling statement due to statement timeout");
        var pager = new ResumePager(log, true, firstPageStoppedAt(100), 50, 2_000);

        assertThat(pager.next()).isEmpty();
        assertThat(pager.exhausted()).isTrue();
    }

    @Test
    void withoutASearchTermPagesAreCountedInEntriesAndReadWhole() {
        var log = new Log(java.util.stream.IntStream.rangeClosed(1, LINES).boxed().toList());
        var pager = new ResumePager(log, false, firstPageStoppedAt(100), 200, 2_000);

        var got = new ArrayList<LogEntry>();
        for (List<LogEntry> page = pager.next(); !page.isEmpty(); page = pager.next()) {
            got.addAll(page);
        }
        assertThat(got).extracting(LogEntry::line).first().isEqualTo(101L);
        assertThat(got).hasSize(LINES - 100);
        assertThat(pager.exhausted()).isFalse();
    }

    /** A resume whose first page, a search, read up to line {@code line} and found nothing. */
    private static JobSnapshot firstPageStoppedAt(long line) {
        return new JobSnapshot(new JobView("j", "running", null), List.of(), new StatusTimes(null, Map.of()), List.of(), LINES, 0, LINES, 0, LINES, Map.of(),
            true, JobMasks.none(new java.util.UUID(0, 0)), new Cursor(0, line), null, null);
    }

    private static LogEntry entry(long line) {
        return new LogEntry("e" + line, new Cursor(0, line).toString(), line, Instant.EPOCH, "info", "found at " + line, null, null, "t");
    }
}
