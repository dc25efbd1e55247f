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
 * and a level are served by indexes and counters; a search term is not: {@code job_logs} has no
 * index of its text (a trigram index cost ingest a factor ~5, issue 16), so a term is checked line by
 * line, and a common term matches most of a log anyway, so counting its matches reads them all.
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
        return page(jobId, filter, start, limit, true);
    }

    /**
     * One page as {@link #page} reads it, but with no window: a search reads as far as its matches
     * take it and counts over the whole log. For the job page's viewer ({@link LogPositions}), whose
     * positions, "3 of 57" and "next match" are over the whole stored log by definition: a window
     * would make a match beyond it look like the end. Its cost is bounded by the statement timeout
     * alone ({@code quaero.db.statement-timeout}; a read cancelled by it is a 422 naming {@code q}),
     * and each read is one request the reader asked for, not a page of a stream's replay.
     */
    public Optional<Page> wholePage(UUID jobId, LogFilter filter, Start start, int limit) {
        return page(jobId, filter, start, limit, false);
    }

    private Optional<Page> page(UUID jobId, LogFilter filter, Start start, int limit, boolean windowed) {
        return snapshotTx.execute(status -> {
            if (!exists(jobId)) {
                return Optional.<Page>empty();
            }
            var where = LogRows.Predicate.of(jobId, filter);
            long total = counted(jobId, filter.stepId(), null);
            long scope = filter.minLevel() != null ? counted(jobId, filter.stepId(), filter.minLevel()) : total;
            // A search in a scope that fits one window reads it whole: no window, an exact count.
            int window = windowed && filter.query() != null && scope > searchScanRows ? searchScanRows : WHOLE;
            Window newest = window == WHOLE ? null : Window.newest(jdbc, JOB_LOGS, where, window);
            long displayed = filter.query() == null ? scope : countMatches(jdbc, JOB_LOGS, where, newest);
            // A search read whole is counted first: a count that finds nothing leaves no line to read.
            // A term no line holds then costs one count, which PostgreSQL may run in parallel, instead
            // of a walk of every line in offset order (no match stops it).
            Rows rows = filter.query() != null && window == WHOLE && displayed == 0 ? new Rows(List.of(), false, null)
                // The newest page's window is the one its count covers: found once.
                : start instanceof Start.Newest ? within(jdbc, JOB_LOGS, where, start, limit, newest)
                : read(jdbc, JOB_LOGS, where, start, limit, window);
            return Optional.of(new Page(rows.entries(), rows.hasMore(), total, displayed, lastStored(jobId),
                rows.scannedTo(), newest == null ? null : newest.edge()));
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
        Window w = where.searches() && window != WHOLE ? Window.of(jdbc, table, from(where, start), order(start), window) : null;
        return within(jdbc, table, where, start, limit, w);
    }

    /** Reads one page as {@link #read} does, within {@code window} (null: no window). */
    static Rows within(JdbcTemplate jdbc, Table table, LogRows.Predicate where, Start start, int limit, @Nullable Window window) {
        var from = from(where, start);
        String columns = table.columns();
        Rows rows = window == null
            ? jdbc.query("SELECT " + columns + " FROM " + table.name() + " WHERE " + from.sql() + order(start) + " LIMIT ?",
                upTo(table.entry(), limit), from.argsWith(limit + 1))
            : jdbc.query("SELECT " + columns + " FROM (" + window.subquery(table, from, order(start), columns) + ") w WHERE "
                    + where.search() + order(start) + " LIMIT ?",
                upTo(table.entry(), limit), window.argsWith(from, limit + 1));
        if (window != null && !rows.hasMore()) {
            // Every match of the window is in the page, and the log goes on beyond it: continue from its edge.
            rows = new Rows(rows.entries(), true, window.edge());
        }
        return start instanceof Start.After ? rows : new Rows(rows.entries().reversed(), rows.hasMore(), rows.scannedTo());
    }

    /** The lines a page starting at {@code start} may read: the filter's, beyond its cursor. */
    private static LogRows.Predicate from(LogRows.Predicate where, Start start) {
        return switch (start) {
            case Start.Newest() -> where;
            case Start.After(long offset) -> where.and("kafka_offset > ?", offset);
            case Start.Before(long offset) -> where.and("kafka_offset < ?", offset);
        };
    }

    private static String order(Start start) {
        return start instanceof Start.After ? " ORDER BY kafka_offset" : " ORDER BY kafka_offset DESC";
    }

    /**
     * The {@code lines} lines of a scope a search reads, in the order it reads them, when the scope
     * holds more: the search is then written as "these lines, then the term", a {@code LIMIT} in a
     * subquery, so that PostgreSQL walks the offset index for exactly them whatever the term, and
     * never scans a whole partition (which it would for a job that is most of its table, or
     * service_logs' trigram index for a term of one or two characters: plans the bound does not allow).
     *
     * @param edge the window's last line: where the next page starts when this one ends before it fills
     */
    record Window(int lines, Cursor edge) {

        /**
         * The window of {@code lines} lines of the scope of {@code from} in {@code order}, or null
         * when the scope has no line beyond it (then the read needs no bound). A walk of the
         * offset index alone (or the step's, or a level's partial one), {@code lines} + 1 entries
         * at most, then one probe for the last line's partition.
         */
        static @Nullable Window of(JdbcTemplate jdbc, Table table, LogRows.Predicate from, String order, int lines) {
            List<Long> edge = jdbc.queryForList("SELECT kafka_offset FROM " + table.name() + " WHERE " + from.scopeSql() + order
                + " OFFSET ? LIMIT 2", Long.class, LogRows.Predicate.concat(from.scopeArgs(), lines - 1));
            if (edge.size() < 2) {
                return null;
            }
            var last = from.and("kafka_offset = ?", edge.getFirst());
            Integer partition = jdbc.queryForObject("SELECT kafka_partition FROM " + table.name() + " WHERE " + last.scopeSql()
                + " LIMIT 1", Integer.class, last.scopeArgs());
            return new Window(lines, new Cursor(partition == null ? 0 : partition, edge.getFirst()));
        }

        /** The newest window of the scope of {@code where}, the one a search's count covers. */
        static @Nullable Window newest(JdbcTemplate jdbc, Table table, LogRows.Predicate where, int lines) {
            return of(jdbc, table, where, order(Start.NEWEST), lines);
        }

        /** The window's lines, as a subquery selecting {@code columns} of the scope of {@code from}. */
        String subquery(Table table, LogRows.Predicate from, String order, String columns) {
            return "SELECT " + columns + " FROM " + table.name() + " WHERE " + from.scopeSql() + order + " LIMIT ?";
        }

        /** The arguments of a query over {@link #subquery}: the scope's, the window's size, the term, then {@code more}. */
        Object[] argsWith(LogRows.Predicate from, Object... more) {
            return LogRows.Predicate.concat(LogRows.Predicate.concat(from.scopeArgs(), lines, from.pattern()), more);
        }
    }

    /**
     * The number of lines matching {@code where}, or of those among the lines of {@code window}
     * (null: all lines). A search term has no counter (no counter can know an arbitrary substring).
     */
    static long countMatches(JdbcTemplate jdbc, Table table, LogRows.Predicate where, @Nullable Window window) {
        Long n = window == null
            ? jdbc.queryForObject("SELECT count(*) FROM " + table.name() + " WHERE " + where.sql(), Long.class, where.args())
            : jdbc.queryForObject("SELECT count(*) FROM (" + window.subquery(table, where, order(Start.NEWEST), "message") + ") w WHERE "
                + where.search(), Long.class, window.argsWith(where));
        return n == null ? 0 : n;
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
