package io.quaero.gateway.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Level;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.filter.LogFilter;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Pages of a job's stored log for requests that are not streams: the JSON fetch (newest, after a
 * cursor, before a cursor) and the download (every entry, in keyset pages). Every page is ordered
 * by Kafka offset, never by line: within a job the two orders agree, and the offset is what a
 * cursor names and what the {@code (job_id, kafka_offset)} indexes serve.
 *
 * <p>A page is bounded in entries (the limit asked for) and in bytes ({@link #MAX_PAGE_BYTES}):
 * a line may be up to {@code max-message-bytes}, and up to six times that once escaped as JSON, so
 * a thousand such lines would build hundreds of megabytes in one response. A page cut short by
 * bytes says {@code hasMore}, and the client reads on from its last entry as usual.
 *
 * <p><b>Search is bounded by the lines it reads</b> ({@code quaero.stream.search-scan-rows}). A step
 * and a level are served by indexes and counters; a search term is not, or not always: the trigram
 * index serves a term of three characters or more, one or two characters can only be checked line
 * by line, and a common term matches most of a log anyway, so counting its matches reads them all.
 * A page with a search term therefore reads at most that many lines of its scope (the job, step
 * and level) in the direction it reads: its <em>window</em>. When the window ends before the page
 * is full and the log goes on beyond it, the page says where it stopped ({@code scannedTo}), and the
 * client asks again from there: the same results as one unbounded read, in pages of bounded cost,
 * whatever the term's length. A log whose scope holds no more lines than the window is read whole,
 * as before. Its count ({@code displayedCount}) is the number of matches among the newest window's
 * lines ({@code countedFrom} says from where) when the scope holds more.
 */
@Component
public class LogPages {

    /** Most bytes of entries ({@link LogRows#jsonBytes}) in one page; at least one entry is always returned. */
    public static final long MAX_PAGE_BYTES = 4L << 20;

    /** {@link #read}'s window for a read that is not bounded by lines: no search term, or a scope known to fit. */
    public static final int WHOLE = 0;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate snapshotTx;
    private final int searchScanRows;

    LogPages(JdbcTemplate jdbc, PlatformTransactionManager txManager, StreamProperties props) {
        this.jdbc = jdbc;
        // One snapshot per page, so the entries and the counts beside them describe the same instant.
        this.snapshotTx = Snapshots.oneInstant(txManager);
        this.searchScanRows = props.searchScanRows();
    }

    /**
     * One page of matching entries with the counts of the filter, read in one snapshot.
     *
     * @param limit most entries returned; one more is read to learn whether the page is the last
     * @return empty when the job is unknown
     */
    public Optional<Page> page(UUID jobId, LogFilter filter, Start start, int limit) {
        return snapshotTx.execute(status -> {
            if (!exists(jobId)) {
                return Optional.<Page>empty();
            }
            var where = LogRows.Predicate.of(jobId, filter);
            long total = counted(jobId, filter.stepId(), null);
            long scope = filter.minLevel() != null ? counted(jobId, filter.stepId(), filter.minLevel()) : total;
            // A search in a scope that fits one window reads it whole: no window, an exact count.
            int window = filter.query() != null && scope > searchScanRows ? searchScanRows : WHOLE;
            Rows rows = read(jdbc, JOB_LOGS, where, start, limit, window);
            Counted displayed = filter.query() == null ? new Counted(scope, null) : countMatches(jdbc, JOB_LOGS, where, window);
            return Optional.of(new Page(rows.entries(), rows.hasMore(), total, displayed.count(), lastStored(jobId),
                rows.scannedTo(), displayed.from()));
        });
    }

    /** One page's entries, oldest first, whether more match beyond it in the direction read, and where a search's window ended. */
    public record Rows(List<LogEntry> entries, boolean hasMore, @Nullable Cursor scannedTo) {
    }

    /** A log table as a page reads it: its name, the columns of an entry, and how a row becomes one. */
    public record Table(String name, String columns, RowMapper<LogEntry> entry) {
    }

    static final Table JOB_LOGS = new Table("job_logs", LogRows.COLUMNS, LogRows.ENTRY);

    /**
     * Reads one page of {@code table} (ordered by {@code kafka_offset}): one row more than
     * {@code limit} tells whether the page is the last; newest-first reads are turned around, so a
     * page is always chronological.
     *
     * @param window with a search term, the most lines of the predicate's scope the page reads, from
     *               its start in the direction it reads; {@link #WHOLE} for no bound
     */
    public static Rows read(JdbcTemplate jdbc, Table table, LogRows.Predicate where, Start start, int limit, int window) {
        boolean backwards = !(start instanceof Start.After);
        String order = backwards ? " ORDER BY kafka_offset DESC" : " ORDER BY kafka_offset";
        var from = switch (start) {
            case Start.Newest() -> where;
            case Start.After(long offset) -> where.and("kafka_offset > ?", offset);
            case Start.Before(long offset) -> where.and("kafka_offset < ?", offset);
        };
        Cursor edge = where.searches() && window != WHOLE ? windowEdge(jdbc, table, from, order, window) : null;
        var within = edge == null ? from : from.and(backwards ? "kafka_offset >= ?" : "kafka_offset <= ?", edge.offset());
        Rows rows = jdbc.query("SELECT " + table.columns() + " FROM " + table.name() + " WHERE " + within.sql() + order + " LIMIT ?",
            upTo(table.entry(), limit), within.argsWith(limit + 1));
        if (edge != null && !rows.hasMore()) {
            // Every match of the window is in the page, and the log goes on beyond it: continue from its edge.
            rows = new Rows(rows.entries(), true, edge);
        }
        return backwards ? new Rows(rows.entries().reversed(), rows.hasMore(), rows.scannedTo()) : rows;
    }

    /**
     * The last line of a window of {@code window} lines of the scope of {@code from} in
     * {@code order}, or null when the scope has no line beyond it (the window reaches the end, so
     * the read needs no bound). One walk of the offset index (of the step's, or a level's partial
     * one), {@code window} + 1 entries at most: what bounds the cost of the search after it.
     */
    private static @Nullable Cursor windowEdge(JdbcTemplate jdbc, Table table, LogRows.Predicate from, String order, int window) {
        List<Cursor> edge = jdbc.query("SELECT kafka_partition, kafka_offset FROM " + table.name() + " WHERE " + from.scopeSql()
                + order + " OFFSET ? LIMIT 2", (rs, i) -> new Cursor(rs.getInt(1), rs.getLong(2)),
            LogRows.Predicate.concat(from.scopeArgs(), window - 1));
        return edge.size() == 2 ? edge.getFirst() : null;
    }

    /**
     * The number of lines matching {@code where} ({@code countedFrom} null), or, with a window, of
     * those among the newest {@code window} lines of its scope, and the first of them.
     */
    static Counted countMatches(JdbcTemplate jdbc, Table table, LogRows.Predicate where, int window) {
        // A search term has no counter (no counter can know an arbitrary substring).
        Cursor from = window == WHOLE ? null : windowEdge(jdbc, table, where, " ORDER BY kafka_offset DESC", window);
        var counted = from == null ? where : where.and("kafka_offset >= ?", from.offset());
        Long n = jdbc.queryForObject("SELECT count(*) FROM " + table.name() + " WHERE " + counted.sql(), Long.class, counted.args());
        return new Counted(n == null ? 0 : n, from);
    }

    /** A count of matching lines, and the first line it counted from (null: from the first). */
    record Counted(long count, @Nullable Cursor from) {
    }

    /**
     * Reads rows in query order until {@code limit} entries or {@link #MAX_PAGE_BYTES} are taken;
     * {@code hasMore} when a further row exists (the query asks for one more than the limit).
     */
    private static ResultSetExtractor<Rows> upTo(RowMapper<LogEntry> mapper, int limit) {
        return rs -> {
            List<LogEntry> entries = new ArrayList<>();
            long bytes = 0;
            while (rs.next()) {
                if (entries.size() >= limit || bytes >= MAX_PAGE_BYTES) {
                    return new Rows(List.copyOf(entries), true, null);
                }
                LogEntry e = mapper.mapRow(rs, entries.size());
                entries.add(e);
                bytes += LogRows.jsonBytes(e);
            }
            return new Rows(List.copyOf(entries), false, null);
        };
    }

    /**
     * The Kafka offset of the job's last stored entry (-1 when it has none): where a download taken
     * now ends.
     *
     * @return empty when the job is unknown
     */
    public OptionalLong lastOffset(UUID jobId) {
        if (!exists(jobId)) {
            return OptionalLong.empty();
        }
        Cursor last = lastStored(jobId);
        return OptionalLong.of(last == null ? -1 : last.offset());
    }

    /**
     * Matching entries with {@code afterOffset < kafka_offset <= upToOffset}, oldest first, at most
     * {@code limit} and {@link #MAX_PAGE_BYTES}; {@code hasMore} when more lie in that range. With a
     * search term at most {@code window} lines of the range are read ({@link #WHOLE}: all of them);
     * {@code scannedTo} then says where the next page starts.
     */
    public Rows between(UUID jobId, LogFilter filter, long afterOffset, long upToOffset, int limit, int window) {
        var where = LogRows.Predicate.of(jobId, filter).and("kafka_offset <= ?", upToOffset);
        return read(jdbc, JOB_LOGS, where, new Start.After(afterOffset), limit, window);
    }

    /** The most lines a search reads per page ({@code quaero.stream.search-scan-rows}). */
    public int searchScanRows() {
        return searchScanRows;
    }

    /**
     * Lines stored for the job (one step of it, when given) at or above a level, from the counters
     * ingest maintains: a sum over at most five rows per step, never a scan (invariant 4).
     */
    private long counted(UUID jobId, String stepId, Level minLevel) {
        var sql = new StringBuilder("SELECT coalesce(sum(lines), 0) FROM job_log_counts WHERE job_id = ?");
        var args = new ArrayList<Object>(List.of(jobId));
        if (stepId != null) {
            sql.append(" AND step_id = ?");
            args.add(stepId);
        }
        if (minLevel != null) {
            sql.append(" AND level >= ?");
            args.add((short) minLevel.severity());
        }
        Long n = jdbc.queryForObject(sql.toString(), Long.class, args.toArray());
        return n == null ? 0 : n;
    }

    private boolean exists(UUID jobId) {
        return !jdbc.queryForList("SELECT 1 FROM jobs WHERE id = ?", Integer.class, jobId).isEmpty();
    }

    /** The cursor of the job's last stored entry whatever the filter, or null: one probe of the offset index. */
    private Cursor lastStored(UUID jobId) {
        List<Cursor> last = jdbc.query(
            "SELECT kafka_partition, kafka_offset FROM job_logs WHERE job_id = ? ORDER BY kafka_offset DESC LIMIT 1",
            (rs, i) -> new Cursor(rs.getInt(1), rs.getLong(2)), jobId);
        return last.isEmpty() ? null : last.getFirst();
    }

    /** Where a page starts and which way it reads from there. */
    public sealed interface Start {

        Start NEWEST = new Newest();

        /** The newest matching entries. */
        record Newest() implements Start {
        }

        /** Matching entries after an offset, the oldest first. */
        record After(long offset) implements Start {
        }

        /** The newest matching entries before an offset. */
        record Before(long offset) implements Start {
        }
    }

    /**
     * A page of a job's log.
     *
     * @param entries        chronological (oldest first), at most the limit asked for
     * @param hasMore        more matching entries lie beyond the page in the direction it reads:
     *                       older ones for {@link Start.Newest} and {@link Start.Before}, newer
     *                       ones for {@link Start.After}; with {@code scannedTo}, they may
     * @param totalCount     entries of the job (of the step, when filtered by step)
     * @param displayedCount entries matching the whole filter; with {@code countedFrom}, those from it on
     * @param lastStored     cursor of the job's last stored entry whatever the filter, null when
     *                       it has none: where a client that has seen everything continues from
     * @param scannedTo      a search page whose window ended before the page filled and before the
     *                       log did: the last line it read, where the next page in its direction
     *                       starts (null otherwise)
     * @param countedFrom    a search in a scope larger than one window: the first of the newest
     *                       window's lines, among which {@code displayedCount} counted (null: all
     *                       were counted)
     */
    public record Page(List<LogEntry> entries, boolean hasMore, long totalCount, long displayedCount,
                       Cursor lastStored, @Nullable Cursor scannedTo, @Nullable Cursor countedFrom) {
    }
}
