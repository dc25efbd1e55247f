package io.quaero.gateway.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.JobView;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.StepView;
import io.quaero.gateway.filter.LogFilter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reads a job's stored state from the tables log-ingest-service writes. Every read a connection
 * needs at start happens in one repeatable-read transaction, so the backlog, the counts and the
 * high-water mark describe the same instant.
 */
@Component
public class JobHistory {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate snapshotTx;

    JobHistory(JdbcTemplate jdbc, PlatformTransactionManager txManager) {
        this.jdbc = jdbc;
        this.snapshotTx = new TransactionTemplate(txManager);
        snapshotTx.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshotTx.setReadOnly(true);
    }

    /**
     * The state a new connection starts from.
     *
     * @param since  resume point: entries after it, oldest first, up to {@code limit}; or null
     *               for the newest {@code limit} matching entries
     * @param partitionIfUnknown the job's partition when no event of it was stored yet (the
     *               producers' partitioner decides; the gateway can only compute the default one)
     * @return empty when the job is unknown
     */
    public Optional<JobSnapshot> snapshot(UUID jobId, LogFilter filter, Cursor since, int limit, int partitionIfUnknown) {
        return snapshotTx.execute(status -> {
            List<JobRow> job = jdbc.query("SELECT status, progress, last_line, kafka_partition FROM jobs WHERE id = ?",
                (rs, i) -> new JobRow(new JobView(jobId.toString(), rs.getString(1), (Integer) rs.getObject(2)),
                    rs.getLong(3), (Integer) rs.getObject(4)), jobId);
            if (job.isEmpty()) {
                return Optional.<JobSnapshot>empty();
            }
            List<StepView> steps = jdbc.query(
                "SELECT step_id, name, status FROM job_steps WHERE job_id = ? ORDER BY first_offset, step_id",
                (rs, i) -> new StepView(rs.getString(1), rs.getString(2), rs.getString(3)), jobId);
            var where = LogRows.Predicate.of(jobId, filter);
            List<LogEntry> entries;
            if (since == null) {
                entries = new ArrayList<>(jdbc.query("SELECT " + LogRows.COLUMNS + " FROM job_logs WHERE " + where.sql()
                    + " ORDER BY kafka_offset DESC LIMIT ?", LogRows.ENTRY, where.argsWith(limit + 1)));
                Collections.reverse(entries);
            } else {
                entries = jdbc.query("SELECT " + LogRows.COLUMNS + " FROM job_logs WHERE " + where.sql()
                    + " AND kafka_offset > ? ORDER BY kafka_offset LIMIT ?", LogRows.ENTRY, where.argsWith(since.offset(), limit + 1));
            }
            boolean truncated = entries.size() > limit;
            if (truncated) {
                entries = since == null ? entries.subList(1, entries.size()) : entries.subList(0, limit);
            }
            long total = counted(jobId, filter.stepId(), null);
            long displayed = filter.query() != null ? count(where)
                : filter.minLevel() != null ? counted(jobId, filter.stepId(), filter.minLevel()) : total;
            JobRow row = job.getFirst();
            int partition = row.partition() != null ? row.partition() : since != null ? since.partition() : partitionIfUnknown;
            Long next = jdbc.query("SELECT next_offset FROM ingest_progress WHERE topic = ? AND kafka_partition = ?",
                rs -> rs.next() ? rs.getLong(1) : null, Topics.JOB_EVENTS, partition);
            return Optional.of(new JobSnapshot(row.view(), steps, List.copyOf(entries), total, displayed,
                row.lastLine(), partition, next == null ? -1 : next - 1, truncated));
        });
    }

    private record JobRow(JobView view, long lastLine, Integer partition) {
    }

    /** Stored entries after {@code after}, oldest first, at most {@code limit}: a resume page. */
    public List<LogEntry> after(UUID jobId, LogFilter filter, long afterOffset, long upToOffset, int limit) {
        var where = LogRows.Predicate.of(jobId, filter);
        return jdbc.query("SELECT " + LogRows.COLUMNS + " FROM job_logs WHERE " + where.sql()
                + " AND kafka_offset > ? AND kafka_offset <= ? ORDER BY kafka_offset LIMIT ?",
            LogRows.ENTRY, where.argsWith(afterOffset, upToOffset, limit));
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
        // A search term has no counter: one indexed count when a connection starts, then live
        // increments; never a count per batch (invariant 4).
        Long n = jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE " + where.sql(), Long.class, where.args());
        return n == null ? 0 : n;
    }
}
