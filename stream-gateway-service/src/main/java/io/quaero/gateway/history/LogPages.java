package io.quaero.gateway.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Level;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.gateway.filter.LogFilter;
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
 */
@Component
public class LogPages {

    /** Most bytes of entries ({@link LogRows#jsonBytes}) in one page; at least one entry is always returned. */
    public static final long MAX_PAGE_BYTES = 4L << 20;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate snapshotTx;

    LogPages(JdbcTemplate jdbc, PlatformTransactionManager txManager) {
        this.jdbc = jdbc;
        // One snapshot per page, so the entries and the counts beside them describe the same instant.
        this.snapshotTx = Snapshots.oneInstant(txManager);
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
            Rows rows = read(jdbc, "SELECT " + LogRows.COLUMNS + " FROM job_logs WHERE " + where.sql(), where,
                LogRows.ENTRY, start, limit);
            long total = counted(jobId, filter.stepId(), null);
            long displayed = filter.query() != null ? count(where)
                : filter.minLevel() != null ? counted(jobId, filter.stepId(), filter.minLevel()) : total;
            return Optional.of(new Page(rows.entries(), rows.hasMore(), total, displayed, lastStored(jobId)));
        });
    }

    /** One page's entries, oldest first, and whether more match beyond it in the direction read. */
    public record Rows(List<LogEntry> entries, boolean hasMore) {
    }

    /**
     * Reads one page from {@code select} (a {@code SELECT … WHERE} of a log table ordered by
     * {@code kafka_offset}): one row more than {@code limit} tells whether the page is the last;
     * newest-first reads are turned around, so a page is always chronological.
     */
    public static Rows read(JdbcTemplate jdbc, String select, LogRows.Predicate where, RowMapper<LogEntry> mapper,
                            Start start, int limit) {
        var upTo = upTo(mapper, limit);
        Rows rows = switch (start) {
            case Start.Newest() -> jdbc.query(select + " ORDER BY kafka_offset DESC LIMIT ?", upTo, where.argsWith(limit + 1));
            case Start.After(long offset) -> jdbc.query(select + " AND kafka_offset > ? ORDER BY kafka_offset LIMIT ?",
                upTo, where.argsWith(offset, limit + 1));
            case Start.Before(long offset) -> jdbc.query(select + " AND kafka_offset < ? ORDER BY kafka_offset DESC LIMIT ?",
                upTo, where.argsWith(offset, limit + 1));
        };
        return start instanceof Start.After ? rows : new Rows(rows.entries().reversed(), rows.hasMore());
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
                    return new Rows(List.copyOf(entries), true);
                }
                LogEntry e = mapper.mapRow(rs, entries.size());
                entries.add(e);
                bytes += LogRows.jsonBytes(e);
            }
            return new Rows(List.copyOf(entries), false);
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
     * {@code limit} and {@link #MAX_PAGE_BYTES}; {@code hasMore} when more lie in that range.
     */
    public Rows between(UUID jobId, LogFilter filter, long afterOffset, long upToOffset, int limit) {
        var where = LogRows.Predicate.of(jobId, filter);
        return jdbc.query("SELECT " + LogRows.COLUMNS + " FROM job_logs WHERE " + where.sql()
                + " AND kafka_offset > ? AND kafka_offset <= ? ORDER BY kafka_offset LIMIT ?",
            upTo(LogRows.ENTRY, limit), where.argsWith(afterOffset, upToOffset, limit + 1));
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

    private long count(LogRows.Predicate where) {
        // A search term has no counter (no counter can know an arbitrary substring): one indexed count.
        Long n = jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE " + where.sql(), Long.class, where.args());
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
     *                       ones for {@link Start.After}
     * @param totalCount     entries of the job (of the step, when filtered by step)
     * @param displayedCount entries matching the whole filter
     * @param lastStored     cursor of the job's last stored entry whatever the filter, null when
     *                       it has none: where a client that has seen everything continues from
     */
    public record Page(List<LogEntry> entries, boolean hasMore, long totalCount, long displayedCount,
                       Cursor lastStored) {
    }
}
