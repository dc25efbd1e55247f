package io.quaero.ingest.history;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import io.quaero.contracts.Topics;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.LogsDeletedEvent;
import io.quaero.contracts.event.MaskEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.ingest.intake.Forward;
import io.quaero.ingest.intake.Forwards;
import io.quaero.ingest.intake.RefusedRecordException;
import io.quaero.ingest.intake.Written;
import io.quaero.masking.JobMasks;
import io.quaero.masking.MaskValue;
import io.quaero.masking.Masker;
import io.quaero.masking.PatternHistory;
import io.quaero.masking.StoredMasks;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes job events in one transaction (the caller's, which also records {@code ingest_progress}):
 * jobs first seen in events, log lines with their line numbers, the per job/step/level counters,
 * and merged job/step status.
 *
 * <p>Implementation notes.
 * <ul>
 * <li>Effectively once. A log whose event id is already stored (a consumer redelivery after a
 *     crash, or a producer that retried with a new session) is skipped and takes no line number,
 *     so lines stay 1-based and gapless per job in Kafka order. The look-up reads only the days
 *     since the batch's jobs were created ({@link #storedEventIds}), through a hash index.</li>
 * <li>Concurrency. The job rows are locked ({@code FOR UPDATE}, in id order so two writers never
 *     deadlock) before anything is read: during a rebalance two instances may briefly both hold a
 *     partition, and the lock makes the second one wait for the first and then see its rows (READ
 *     COMMITTED takes a new snapshot per statement).</li>
 * <li>Cost per batch, whatever its size: about eight statements (one reads the jobs' declared
 *     masks). Lines go in with one {@code COPY} (measured against multi-row INSERT in
 *     docs/BENCHMARKS.md); counters with one upsert over (job, step, level) keys, not one per
 *     line.</li>
 * <li>Secrets (module masking). A line is stored masked: every value its job declared before
 *     it (stored {@code job_masks}, then the batch's {@code mask} events in order) and every admin
 *     pattern in force at its append time become {@code ***}, by the one masker the gateway runs
 *     live, so the stored text is the text shown. A {@code mask} event is stored as a digest, never
 *     as a line; one past {@link JobMasks#MAX_PER_JOB} is refused (dead-lettered, so the worker
 *     learns why) and masks nothing on any path.</li>
 * <li>A {@code logs-deleted} event naming a deletion job-service recorded deletes every line of
 *     its job before it, those stored since job-service deleted the rest included, and recounts;
 *     one naming none is refused (a worker could publish one).</li>
 * <li>Only events in their job's partition are stored; one found elsewhere is returned to be
 *     forwarded there ({@code intake.Forwards}) and stored when it is read from there, so a job's
 *     lines are numbered in the order of one partition. Status merges compare that partition's
 *     offsets, so a redelivered or late event never overwrites a newer state; a copy must also
 *     not be older than the state in force by its producer's time ({@link StatusMerge}).</li>
 * </ul>
 */
@Component
class JobHistoryWriter {

    private static final String COPY_SQL = """
        COPY job_logs (job_id, line, event_id, kafka_partition, kafka_offset, ts, level, step_id, step_name, source, message)
        FROM STDIN""";

    /**
     * How much earlier than its job's creation a line is looked for. A job's row and its first lines
     * take their times from the same clock (the database's {@code now()}, at the start of their
     * transactions), so none is stored before its job was created; the margin covers that clock
     * stepping back, and a job created by job-service in a transaction that began a moment after
     * the one storing its first lines.
     */
    static final Duration CLOCK_MARGIN = Duration.ofHours(1);

    /** {@link #storedEventIds}'s look-up: the batch's event ids, and the earliest time a line of its jobs can be stored. */
    static final String STORED_EVENT_IDS = "SELECT event_id FROM job_logs WHERE event_id = ANY(?) AND stored_at >= ?";

    private final JdbcTemplate jdbc;
    private final Forwards forwards;
    private final PatternHistory patterns;
    private final StatusMerge statusMerge;

    JobHistoryWriter(JdbcTemplate jdbc, Forwards forwards, PatternHistory patterns, StatusMerge statusMerge) {
        this.jdbc = jdbc;
        this.forwards = forwards;
        this.patterns = patterns;
        this.statusMerge = statusMerge;
    }

    /**
     * Stores the events of the batch that are in their job's partition; returns the others, to be
     * forwarded there, and what of each status event took effect ({@link StatusMerge}), in Kafka
     * order, to be published once the transaction has committed (an event re-read at the offset in
     * force takes effect again: publishing it again is harmless).
     *
     * @throws RefusedRecordException for an event that cannot be made consistent: a copy that is
     *     not in its job's partition, or a job whose partition the topic no longer has
     */
    @Transactional
    public Written write(List<Positioned<JobEvent>> batch) {
        if (batch.isEmpty()) {
            return Written.NOTHING;
        }
        Map<UUID, JobCursor> jobs = registerAndLock(batch);
        List<Positioned<JobEvent>> own = new ArrayList<>(batch.size());
        List<Forward> elsewhere = new ArrayList<>();
        int partitions = -1;
        for (var p : batch) {
            UUID jobId = p.event().jobId();
            int home = jobs.get(jobId).partition;
            if (p.cursor().partition() == home) {
                own.add(p);
                continue;
            }
            if (p.copy()) {
                throw new RefusedRecordException("partition", "a copy forwarded to partition " + p.cursor().partition()
                    + ", but job " + jobId + " is in partition " + home + "; copies are made only to their job's partition");
            }
            if (partitions < 0) {
                partitions = forwards.partitionCount(Topics.JOB_EVENTS);
            }
            if (home >= partitions) {
                throw new RefusedRecordException("partition", "job " + jobId + " is in partition " + home + ", which "
                    + Topics.JOB_EVENTS + " no longer has (" + partitions + " partitions): the topic was recreated");
            }
            elsewhere.add(new Forward(p.cursor(), home));
        }
        Map<LogEvent, String> texts = maskAndDeclare(own);
        insertLogs(own, jobs, texts);
        for (var p : own) {
            if (p.event() instanceof LogsDeletedEvent deleted) {
                deleteBefore(deleted, p.cursor().offset());
            }
        }
        List<Written.StoredStatus> statusChanges = new ArrayList<>();
        for (var p : own) {
            if (p.event() instanceof StatusEvent status) {
                StatusEvent merged = statusMerge.merge(status, p.cursor().offset(), p.copy());
                if (merged != null) {
                    statusChanges.add(new Written.StoredStatus(merged, jobs.get(status.jobId()).team));
                }
            }
        }
        return new Written(elsewhere, statusChanges);
    }

    /** A job's partition, and its numbering state while the batch is written. */
    private static final class JobCursor {
        final int partition;
        /** Whose job it is (set by job-service at creation; null for a job first seen in events). */
        final @Nullable String team;
        /** When the job's row was made: none of its lines was stored before. */
        final Timestamp createdAt;
        long lastLine;
        boolean changed;

        JobCursor(int partition, long lastLine, @Nullable String team, Timestamp createdAt) {
            this.partition = partition;
            this.lastLine = lastLine;
            this.team = team;
            this.createdAt = createdAt;
        }
    }

    /**
     * Registers the batch's unseen jobs and locks every job row of the batch. A job without a
     * partition (unseen, or created over REST for an external worker that had published nothing)
     * gets the partition of its first event in this batch: decided once, under the row lock.
     */
    private Map<UUID, JobCursor> registerAndLock(List<Positioned<JobEvent>> batch) {
        Map<UUID, Integer> partitions = new TreeMap<>();
        batch.forEach(p -> partitions.putIfAbsent(p.event().jobId(), p.cursor().partition()));
        UUID[] ids = partitions.keySet().toArray(UUID[]::new);
        Map<UUID, JobCursor> jobs = new HashMap<>();
        jdbc.execute((ConnectionCallback<Void>) con -> {
            Array idArray = con.createArrayOf("uuid", ids);
            try (var insert = con.prepareStatement("""
                INSERT INTO jobs (id, kafka_partition) SELECT * FROM unnest(?::uuid[], ?::int[]) ORDER BY 1
                ON CONFLICT (id) DO UPDATE SET kafka_partition = EXCLUDED.kafka_partition
                 WHERE jobs.kafka_partition IS NULL""")) {
                insert.setArray(1, idArray);
                insert.setArray(2, con.createArrayOf("int4", partitions.values().toArray()));
                insert.executeUpdate();
            }
            try (var lock = con.prepareStatement(
                "SELECT id, last_line, kafka_partition, team, created_at FROM jobs WHERE id = ANY(?) ORDER BY id FOR UPDATE")) {
                lock.setArray(1, idArray);
                try (var rs = lock.executeQuery()) {
                    while (rs.next()) {
                        jobs.put(rs.getObject(1, UUID.class), new JobCursor(rs.getInt(3), rs.getLong(2), rs.getString(4), rs.getTimestamp(5)));
                    }
                }
            }
            return null;
        });
        return jobs;
    }

    /**
     * Walks the batch in Kafka order: each {@code mask} event is stored (as a digest) and counts for
     * its job's later lines; each line gets its masked text. Returns the text to store per line.
     *
     * @throws RefusedRecordException for a mask event past the job's bound
     */
    private Map<LogEvent, String> maskAndDeclare(List<Positioned<JobEvent>> batch) {
        Set<UUID> declaring = new HashSet<>();
        batch.forEach(p -> {
            if (p.event() instanceof LogEvent || p.event() instanceof MaskEvent) {
                declaring.add(p.event().jobId());
            }
        });
        Map<UUID, JobMasks> masks = StoredMasks.of(jdbc, declaring);
        Map<LogEvent, String> texts = new java.util.IdentityHashMap<>();
        for (var p : batch) {
            switch (p.event()) {
                case MaskEvent mask -> {
                    MaskValue value = MaskValue.of(mask.jobId(), mask.value());
                    JobMasks known = masks.get(mask.jobId());
                    if (known.accepts(value)) {
                        jdbc.update("""
                            INSERT INTO job_masks (job_id, kafka_offset, length, fingerprint, digest) VALUES (?, ?, ?, ?, ?)
                            ON CONFLICT DO NOTHING""", mask.jobId(), p.cursor().offset(), value.length(), value.fingerprint(),
                            value.digest());
                        masks.put(mask.jobId(), known.with(value));
                    } else if (known.size() >= JobMasks.MAX_PER_JOB) {
                        throw new RefusedRecordException("value", "job " + mask.jobId() + " has declared "
                            + JobMasks.MAX_PER_JOB + " values to mask already, the most a job may");
                    }
                }
                case LogEvent log -> texts.put(log,
                    Masker.mask(log.message(), masks.get(log.jobId()), patterns.at(p.appendedAt())));
                default -> {
                }
            }
        }
        return texts;
    }

    /**
     * An admin deleted the job's logs: job-service deleted what was stored then and recorded the
     * deletion; this deletes what was stored since from before the event, and recounts the job.
     *
     * @throws RefusedRecordException when job-service recorded no such deletion of this job
     */
    private void deleteBefore(LogsDeletedEvent deleted, long offset) {
        Integer recorded = jdbc.queryForObject("SELECT count(*) FROM log_deletions WHERE id = ? AND job_id = ?", Integer.class,
            deleted.deletionId(), deleted.jobId());
        if (recorded == null || recorded == 0) {
            throw new RefusedRecordException("deletion_id", "names no deletion of job " + deleted.jobId()
                + " recorded by job-service: only job-service's DELETE /api/admin/jobs/{id}/logs deletes logs");
        }
        jdbc.update("DELETE FROM job_logs WHERE job_id = ? AND kafka_offset < ?", deleted.jobId(), offset);
        jdbc.update("DELETE FROM job_log_counts WHERE job_id = ?", deleted.jobId());
        jdbc.update("""
            INSERT INTO job_log_counts (job_id, step_id, level, lines)
            SELECT job_id, coalesce(step_id, ''), level, count(*) FROM job_logs WHERE job_id = ? GROUP BY 1, 2, 3""",
            deleted.jobId());
    }

    private void insertLogs(List<Positioned<JobEvent>> batch, Map<UUID, JobCursor> jobs, Map<LogEvent, String> texts) {
        List<Positioned<LogEvent>> logs = new ArrayList<>(batch.size());
        for (var p : batch) {
            if (p.event() instanceof LogEvent log) {
                logs.add(new Positioned<>(log, p.cursor(), p.copy(), p.appendedAt()));
            }
        }
        if (logs.isEmpty()) {
            return;
        }
        Set<UUID> seen = storedEventIds(logs, jobs);
        var rows = new CopyRows(logs.size());
        // Sorted keys: two writers upsert counters in the same order and cannot deadlock.
        Map<CountKey, Long> counts = new TreeMap<>();
        int copied = 0;
        for (var p : logs) {
            LogEvent log = p.event();
            JobCursor job = jobs.get(log.jobId());
            if (!seen.add(log.eventId())) {
                continue;
            }
            long line = ++job.lastLine;
            job.changed = true;
            rows.add(log.jobId()).add(line).add(log.eventId()).add(p.cursor().partition()).add(p.cursor().offset())
                .add(log.timestamp()).add(log.level().severity()).add(log.stepId()).add(log.stepName())
                .add(log.source()).add(texts.get(log)).endRow();
            counts.merge(new CountKey(log.jobId(), log.stepId() == null ? "" : log.stepId(), log.level().severity()), 1L, Long::sum);
            copied++;
        }
        if (copied == 0) {
            return;
        }
        copy(rows.toBytes());
        upsertCounts(counts);
        updateJobs(jobs);
    }

    /**
     * Event ids of this batch already stored: a consumer's redelivery, or a producer's retry in a
     * new session, which repeats an event at a new offset. The look-up reads only the day
     * partitions where a line of the batch's jobs can be, those stored since the earliest of them
     * was created (less {@link #CLOCK_MARGIN}): one or two partitions, where a look-up over the whole
     * table would probe every day kept and made ahead (33 partitions by default) for every line. So a
     * repeat is found among its job's lines, and among any other job's stored since then; an
     * event id names one event of one job, and an older line of another job that bears it does not
     * stop this one.
     */
    private Set<UUID> storedEventIds(List<Positioned<LogEvent>> logs, Map<UUID, JobCursor> jobs) {
        UUID[] ids = logs.stream().map(p -> p.event().eventId()).toArray(UUID[]::new);
        Timestamp earliest = logs.stream().map(p -> jobs.get(p.event().jobId()).createdAt)
            .min(Timestamp::compareTo).orElseThrow();
        var since = Timestamp.from(earliest.toInstant().minus(CLOCK_MARGIN));
        Set<UUID> stored = new HashSet<>();
        jdbc.query(con -> {
            // stored_at bounds the partitions read: pruned when the statement starts, whatever the plan.
            var ps = con.prepareStatement(STORED_EVENT_IDS);
            ps.setArray(1, con.createArrayOf("uuid", ids));
            ps.setTimestamp(2, since);
            return ps;
        }, rs -> {
            stored.add(rs.getObject(1, UUID.class));
        });
        return stored;
    }

    private void copy(byte[] data) {
        jdbc.execute((ConnectionCallback<Long>) con -> {
            try {
                return con.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL, new ByteArrayInputStream(data));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private record CountKey(UUID jobId, String stepId, int level) implements Comparable<CountKey> {
        @Override
        public int compareTo(CountKey o) {
            int c = jobId.compareTo(o.jobId);
            if (c == 0) {
                c = stepId.compareTo(o.stepId);
            }
            return c != 0 ? c : Integer.compare(level, o.level);
        }
    }

    private void upsertCounts(Map<CountKey, Long> counts) {
        int n = counts.size();
        Object[] jobIds = new Object[n];
        Object[] stepIds = new Object[n];
        Object[] levels = new Object[n];
        Object[] lines = new Object[n];
        int i = 0;
        for (var e : counts.entrySet()) {
            jobIds[i] = e.getKey().jobId();
            stepIds[i] = e.getKey().stepId();
            levels[i] = (short) e.getKey().level();
            lines[i] = e.getValue();
            i++;
        }
        jdbc.execute((ConnectionCallback<Void>) con -> {
            try (var ps = con.prepareStatement("""
                INSERT INTO job_log_counts (job_id, step_id, level, lines)
                SELECT * FROM unnest(?::uuid[], ?::text[], ?::smallint[], ?::bigint[])
                ON CONFLICT (job_id, step_id, level) DO UPDATE SET lines = job_log_counts.lines + EXCLUDED.lines""")) {
                ps.setArray(1, con.createArrayOf("uuid", jobIds));
                ps.setArray(2, con.createArrayOf("text", stepIds));
                ps.setArray(3, con.createArrayOf("int2", levels));
                ps.setArray(4, con.createArrayOf("int8", lines));
                ps.executeUpdate();
            }
            return null;
        });
    }

    private void updateJobs(Map<UUID, JobCursor> jobs) {
        List<Object> ids = new ArrayList<>();
        List<Object> lastLines = new ArrayList<>();
        jobs.forEach((id, c) -> {
            if (c.changed) {
                ids.add(id);
                lastLines.add(c.lastLine);
            }
        });
        jdbc.execute((ConnectionCallback<Void>) con -> {
            try (var ps = con.prepareStatement("""
                UPDATE jobs j SET last_line = v.last_line, updated_at = now()
                FROM unnest(?::uuid[], ?::bigint[]) AS v(id, last_line)
                WHERE j.id = v.id""")) {
                ps.setArray(1, array(con, "uuid", ids));
                ps.setArray(2, array(con, "int8", lastLines));
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static Array array(Connection con, String type, List<Object> values) throws SQLException {
        return con.createArrayOf(type, values.toArray());
    }
}
