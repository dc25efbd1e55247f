package io.quaero.gateway.history;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.gateway.filter.LogFilter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/**
 * A job's stored log read by position, for the job page's viewer, which shows a log of any length
 * as one scrollable list and fetches only the rows on screen: "the entries from the 500,000th
 * on", "where is line 123 in this filtered view", "the next three lines that match, and how many
 * come before them".
 *
 * <p>Implementation notes. A position is an entry's index among those the filter matches, 0 for
 * the oldest stored one. Without a filter it is arithmetic: lines are gapless per job (a refused
 * record takes no number) and retention drops whole days, oldest first, so the stored lines are
 * one run {@code first..last} and line {@code n} is at {@code n - first}; the {@code (job_id,
 * line)} index finds any of them in one probe. With a filter, a position is counted: an
 * {@code OFFSET} (to reach the n-th match) or a {@code count(*)} below an offset (to place a line),
 * each served by the filter's own index (step, warn+, error+ partial indexes; a search checks
 * the job's lines in the offset index's order: there is no index of the text, V8), so its cost
 * grows with the position in the filtered view (with a search: with the lines read). Lines are
 * turned into Kafka offsets first, since every index of the table but the line's is ordered by
 * offset (within a job the two orders agree).
 *
 * <p>Unlike a stream's pages, a search here is not cut at {@code search-scan-rows} lines: a
 * position, a "next match" and a total are over the whole stored log or they are wrong (a match
 * past the window would look like the end, a position would count from the window's start). What
 * bounds a read is the statement timeout; one it cancels is a 422 naming {@code q}.
 *
 * <p>The entries and counts of an answer come from {@link LogPages#wholePage} (one snapshot); where it
 * starts is read just before, outside that snapshot: a line stored in between shows up in the
 * counts, never as a gap or a repeat, since entries are read after an offset.
 */
@Component
public class LogPositions {

    /** Reads from after this offset find nothing: past the end of any log. */
    private static final long PAST_THE_END = Long.MAX_VALUE - 1;

    private final JdbcTemplate jdbc;
    private final LogPages pages;

    LogPositions(JdbcTemplate jdbc, LogPages pages) {
        this.jdbc = jdbc;
        this.pages = pages;
    }

    /**
     * Up to {@code count} entries from position {@code from} on.
     *
     * @return empty when the job is unknown; a range without entries when {@code from} lies past
     *         the end
     */
    public Optional<Range> fromPosition(UUID jobId, LogFilter filter, long from, int count) {
        long after;
        if (filter.equals(LogFilter.ALL)) {
            // Saturating: a position past any log is past the end, never an overflow to line 1.
            after = firstLine(jobId)
                .flatMap(first -> atOrAfter(jobId, from > Long.MAX_VALUE - first ? Long.MAX_VALUE : first + from))
                .map(row -> row.offset() - 1).orElse(PAST_THE_END);
        } else {
            var where = LogRows.Predicate.of(jobId, filter);
            List<Long> nth = jdbc.queryForList("SELECT kafka_offset FROM job_logs WHERE " + where.sql()
                + " ORDER BY kafka_offset OFFSET ? LIMIT 1", Long.class, where.argsWith(from));
            after = nth.isEmpty() ? PAST_THE_END : nth.getFirst() - 1;
        }
        return pages.wholePage(jobId, filter, new LogPages.Start.After(after), count).map(page -> new Range(from, page));
    }

    /**
     * Up to {@code count} entries from the first one at or after line {@code line} that the
     * filter matches, and its position: how a link to a line opens in any view.
     *
     * @return empty when the job is unknown; past the end, a range without entries at the
     *         position after the last
     */
    public Optional<Range> fromLine(UUID jobId, LogFilter filter, long line, int count) {
        Optional<Row> row = atOrAfter(jobId, line);
        if (row.isEmpty()) {
            return pages.wholePage(jobId, filter, new LogPages.Start.After(PAST_THE_END), count)
                .map(page -> new Range(page.displayedCount(), page));
        }
        long position = matchesBefore(jobId, filter, row.get());
        return pages.wholePage(jobId, filter, new LogPages.Start.After(row.get().offset() - 1), count)
            .map(page -> new Range(position, page));
    }

    /**
     * The line numbers of the first {@code limit} matching entries after line {@code line}, and
     * how many match up to it.
     *
     * @return empty when the job is unknown
     */
    public Optional<Matches> after(UUID jobId, LogFilter filter, long line, int limit) {
        long after = atOrBefore(jobId, line).map(Row::offset).orElse(-1L);
        // One is read even for limit 0: its place is where the line stands.
        return pages.wholePage(jobId, filter, new LogPages.Start.After(after), Math.max(limit, 1)).map(page -> {
            List<LogEntry> next = page.entries();
            // Nothing after the line: every match is at or before it.
            long upToLine = next.isEmpty() ? page.displayedCount() : matchesBefore(jobId, filter, row(next.getFirst()));
            return new Matches(lines(next, 0, limit), upToLine, page.displayedCount());
        });
    }

    /**
     * The line numbers of the last {@code limit} matching entries before line {@code line}, and
     * how many match before the first of them.
     *
     * @return empty when the job is unknown
     */
    public Optional<Matches> before(UUID jobId, LogFilter filter, long line, int limit) {
        long before = atOrAfter(jobId, line).map(Row::offset).orElse(PAST_THE_END + 1);
        return pages.wholePage(jobId, filter, new LogPages.Start.Before(before), Math.max(limit, 1)).map(page -> {
            List<LogEntry> previous = page.entries();
            // Nothing before the line: no match is.
            long beforeFirst = previous.isEmpty() ? 0 : matchesBefore(jobId, filter, row(previous.getFirst()));
            int skipped = previous.size() - Math.min(limit, previous.size());
            return new Matches(lines(previous, skipped, previous.size()), beforeFirst + skipped, page.displayedCount());
        });
    }

    private static List<Long> lines(List<LogEntry> entries, int from, int to) {
        return entries.subList(from, Math.min(to, entries.size())).stream().map(LogEntry::line).toList();
    }

    private static Row row(LogEntry e) {
        return new Row(e.line(), Cursor.parse(e.cursor()).offset());
    }

    /** How many entries the filter matches before {@code row}. */
    private long matchesBefore(UUID jobId, LogFilter filter, Row row) {
        if (filter.equals(LogFilter.ALL)) {
            return row.line() - firstLine(jobId).orElse(row.line());
        }
        var where = LogRows.Predicate.of(jobId, filter);
        Long n = jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE " + where.sql() + " AND kafka_offset < ?",
            Long.class, where.argsWith(row.offset()));
        return n == null ? 0 : n;
    }

    private Optional<Long> firstLine(UUID jobId) {
        return jdbc.queryForList("SELECT line FROM job_logs WHERE job_id = ? ORDER BY line LIMIT 1", Long.class, jobId)
            .stream().findFirst();
    }

    /** The stored entry at line {@code line}, else the first after it. */
    private Optional<Row> atOrAfter(UUID jobId, long line) {
        return jdbc.query("SELECT line, kafka_offset FROM job_logs WHERE job_id = ? AND line >= ? ORDER BY line LIMIT 1",
            ROW, jobId, line).stream().findFirst();
    }

    /** The stored entry at line {@code line}, else the last before it. */
    private Optional<Row> atOrBefore(UUID jobId, long line) {
        return jdbc.query("SELECT line, kafka_offset FROM job_logs WHERE job_id = ? AND line <= ? ORDER BY line DESC LIMIT 1",
            ROW, jobId, line).stream().findFirst();
    }

    private static final RowMapper<Row> ROW = (rs, i) -> new Row(rs.getLong(1), rs.getLong(2));

    /** Where a stored entry is: its line, and its offset, which the other indexes are ordered by. */
    private record Row(long line, long offset) {
    }

    /**
     * Entries by position.
     *
     * @param from the position of the first entry (of the place asked for, when there are none)
     * @param page the entries and the counts
     */
    public record Range(long from, LogPages.Page page) {
    }

    /**
     * Where matching entries are.
     *
     * @param lines their line numbers, ascending
     * @param index matching entries before the first of them
     * @param total matching entries in the stored log
     */
    public record Matches(List<Long> lines, long index, long total) {
    }
}
