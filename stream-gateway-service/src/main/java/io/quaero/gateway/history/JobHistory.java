package io.quaero.gateway.history;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.quaero.access.Caller;
import io.quaero.contracts.Cursor;
import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.JobView;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.StepView;
import io.quaero.gateway.api.JobNotFoundException;
import io.quaero.gateway.filter.LogFilter;
import io.quaero.masking.StoredMasks;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads a job's stored state from the tables log-ingest-service writes. Every read a connection
 * needs at start happens in one repeatable-read transaction, so the backlog, the counts and the
 * high-water mark describe the same instant.
 */
@Component
public class JobHistory {

    private final JdbcTemplate jdbc;
    private final LogPages pages;
    private final TransactionTemplate snapshotTx;

    JobHistory(JdbcTemplate jdbc, LogPages pages, PlatformTransactionManager txManager) {
        this.jdbc = jdbc;
        this.pages = pages;
        this.snapshotTx = Snapshots.oneInstant(txManager);
    }

    /**
     * The job's partition and team, read before anything else of it: whether the caller may see it
     * at all, and, before a stream subscribes, the partition this instance's tail must read. One
     * primary-key lookup, outside the snapshot (which must come after subscribing).
     *
     * @return empty when the job is unknown; a placement without a partition when no event of the
     *         job is stored yet
     */
    public Optional<Placement> placement(UUID jobId) {
        return jdbc.query("SELECT kafka_partition, team FROM jobs WHERE id = ?",
            (rs, i) -> new Placement((Integer) rs.getObject(1), rs.getString(2)), jobId).stream().findFirst();
    }

    /**
     * The job's placement if the current caller may see it (a member of its team, or an admin).
     *
     * @throws JobNotFoundException when there is no such job, or it is another team's: the same
     *                              answer, so an id says nothing about another team
     */
    public Placement visible(UUID jobId) {
        Caller caller = Caller.require();
        return placement(jobId).filter(p -> caller.sees(p.team())).orElseThrow(() -> new JobNotFoundException(jobId));
    }

    /**
     * Where a job's events are: its partition of {@code quaero.job-events}, or null before its first
     * is stored; and whose job it is (null: a job first seen in events, admins only).
     */
    public record Placement(@Nullable Integer partition, @Nullable String team) {
    }

    /**
     * The state a new connection starts from.
     *
     * @param since  resume point: entries after it, oldest first, up to {@code limit}; or null
     *               for the newest {@code limit} matching entries
     * @return empty when the job is unknown
     */
    public Optional<JobSnapshot> snapshot(UUID jobId, LogFilter filter, @Nullable Cursor since, int limit) {
        return snapshotTx.execute(status -> {
            List<JobRow> job = jdbc.query(
                "SELECT status, progress, last_line, kafka_partition, started_at, finished_at, status_at FROM jobs WHERE id = ?",
                (rs, i) -> new JobRow(new JobView(jobId.toString(), rs.getString(1), (Integer) rs.getObject(2),
                    instant(rs, 5), instant(rs, 6)), rs.getLong(3), (Integer) rs.getObject(4), instant(rs, 7)), jobId);
            if (job.isEmpty()) {
                return Optional.<JobSnapshot>empty();
            }
            List<StepView> steps = new ArrayList<>();
            Map<String, Instant> stepTimes = new HashMap<>();
            jdbc.query("SELECT step_id, name, status, started_at, finished_at, status_at FROM job_steps WHERE job_id = ?"
                    + " ORDER BY first_offset, step_id",
                rs -> {
                    steps.add(new StepView(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4), instant(rs, 5)));
                    Instant at = instant(rs, 6);
                    if (at != null) {
                        stepTimes.put(rs.getString(1), at);
                    }
                }, jobId);
            LogPages.Start start = since == null ? new LogPages.Start.Newest() : new LogPages.Start.After(since.offset());
            LogPages.Page page = pages.page(jobId, filter, start, limit).orElseThrow();
            JobRow row = job.getFirst();
            // Not recorded: nothing of the job is stored, and a cursor can only come from a gateway
            // that saw the job's events live, in their partition.
            Integer partition = row.partition() != null ? row.partition() : since != null ? since.partition() : null;
            Map<Integer, Long> stored = storedUpTo();
            Disconnect refusal = since == null ? null
                : since.partition() != partition ? Disconnect.UNKNOWN_CURSOR
                : expired(jobId, since) ? Disconnect.CURSOR_EXPIRED : null;
            return Optional.of(new JobSnapshot(row.view(), steps, new StatusTimes(row.statusAt(), stepTimes), page.entries(),
                page.totalCount(), page.displayedCount(), row.lastLine(), partition,
                partition == null ? -1 : stored.getOrDefault(partition, -1L),
                partition == null ? stored : Map.of(), page.hasMore(), StoredMasks.of(jdbc, jobId), page.scannedTo(),
                page.countedFrom(), refusal));
        });
    }

    /** The highest stored offset of each partition of the job events that has one. */
    private Map<Integer, Long> storedUpTo() {
        Map<Integer, Long> stored = new HashMap<>();
        jdbc.query("SELECT kafka_partition, next_offset FROM ingest_progress WHERE topic = ?",
            rs -> {
                stored.put(rs.getInt(1), rs.getLong(2) - 1);
            }, Topics.JOB_EVENTS);
        return stored;
    }

    /**
     * Whether lines after {@code since} may have been dropped by retention: the cursor's own line
     * is gone (the job's oldest stored line lies beyond it) and so is line 1. Conservative: when
     * only lines up to the cursor were dropped the replay would have been whole, and the client
     * is still told to start over. One probe of the offset index.
     */
    private boolean expired(UUID jobId, Cursor since) {
        return Boolean.TRUE.equals(jdbc.query(
            "SELECT line, kafka_offset FROM job_logs WHERE job_id = ? ORDER BY kafka_offset LIMIT 1",
            rs -> rs.next() && rs.getLong(1) > 1 && rs.getLong(2) > since.offset(), jobId));
    }

    private static @Nullable Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private record JobRow(JobView view, long lastLine, Integer partition, @Nullable Instant statusAt) {
    }
}
