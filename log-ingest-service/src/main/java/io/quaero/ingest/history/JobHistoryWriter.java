package io.quaero.ingest.history;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.StatusEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes one poll of job events in one transaction: logs with their line numbers, jobs first seen
 * in events, and merged job/step status.
 *
 * <p>Implementation notes. Effectively once: a log whose event id is already stored (producer
 * retry, consumer redelivery after a crash) is skipped and takes no line number, so lines stay
 * 1-based and gapless per job in Kafka order. The job rows are locked ({@code FOR UPDATE}, in id
 * order so two writers never deadlock) before numbering: during a rebalance two instances may
 * briefly both hold a partition, and the lock makes the second one see the first one's rows.
 * Status merges compare Kafka offsets (one job = one partition), so a redelivered or late event
 * never overwrites a newer state.
 */
@Component
class JobHistoryWriter {

    private final JdbcTemplate jdbc;

    JobHistoryWriter(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    public void write(List<Positioned<JobEvent>> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Set<UUID> jobIds = new LinkedHashSet<>();
        List<Positioned<LogEvent>> logs = new ArrayList<>();
        for (var p : batch) {
            jobIds.add(p.event().jobId());
            if (p.event() instanceof LogEvent log) {
                logs.add(new Positioned<>(log, p.cursor()));
            }
        }
        Map<UUID, Long> lastLine = registerAndLock(jobIds);
        insertLogs(logs, lastLine);
        for (var p : batch) {
            if (p.event() instanceof StatusEvent status) {
                mergeStatus(status, p.cursor().offset());
            }
        }
    }

    private Map<UUID, Long> registerAndLock(Set<UUID> jobIds) {
        UUID[] ids = jobIds.stream().sorted().toArray(UUID[]::new);
        jdbc.update(con -> {
            var ps = con.prepareStatement("INSERT INTO jobs (id) SELECT unnest(?) ON CONFLICT (id) DO NOTHING");
            ps.setArray(1, con.createArrayOf("uuid", ids));
            return ps;
        });
        Map<UUID, Long> lastLine = new HashMap<>();
        jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT id, last_line FROM jobs WHERE id = ANY(?) ORDER BY id FOR UPDATE");
            ps.setArray(1, con.createArrayOf("uuid", ids));
            return ps;
        }, rs -> {
            lastLine.put(rs.getObject(1, UUID.class), rs.getLong(2));
        });
        return lastLine;
    }

    private void insertLogs(List<Positioned<LogEvent>> logs, Map<UUID, Long> lastLine) {
        if (logs.isEmpty()) {
            return;
        }
        Set<UUID> seen = storedEventIds(logs);
        List<Object[]> rows = new ArrayList<>(logs.size());
        Map<UUID, Long> numbered = new HashMap<>();
        for (var p : logs) {
            LogEvent log = p.event();
            if (!seen.add(log.eventId())) {
                continue;
            }
            long line = lastLine.merge(log.jobId(), 1L, Long::sum);
            numbered.put(log.jobId(), line);
            rows.add(new Object[] {
                log.jobId(), line, log.eventId(), p.cursor().partition(), p.cursor().offset(),
                Timestamp.from(log.timestamp()), (short) log.level().severity(),
                log.stepId(), log.stepName(), log.source(), log.message()});
        }
        jdbc.batchUpdate("""
            INSERT INTO job_logs (job_id, line, event_id, kafka_partition, kafka_offset, ts, level,
                                  step_id, step_name, source, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
        List<Object[]> updates = new ArrayList<>(numbered.size());
        numbered.forEach((job, line) -> updates.add(new Object[] {line, job}));
        jdbc.batchUpdate("UPDATE jobs SET last_line = ?, updated_at = now() WHERE id = ?", updates);
    }

    /** Event ids of this batch that are already stored (under any job: an id is global). */
    private Set<UUID> storedEventIds(List<Positioned<LogEvent>> logs) {
        UUID[] ids = logs.stream().map(p -> p.event().eventId()).toArray(UUID[]::new);
        Set<UUID> stored = new HashSet<>();
        jdbc.query(con -> {
            var ps = con.prepareStatement("SELECT event_id FROM job_logs WHERE event_id = ANY(?)");
            ps.setArray(1, con.createArrayOf("uuid", ids));
            return ps;
        }, rs -> {
            stored.add(rs.getObject(1, UUID.class));
        });
        return stored;
    }

    private void mergeStatus(StatusEvent status, long offset) {
        if (status.job() != null) {
            jdbc.update("""
                UPDATE jobs SET status = ?, progress = COALESCE(?, progress), status_offset = ?, updated_at = now()
                WHERE id = ? AND (status_offset IS NULL OR status_offset < ?)""",
                status.job().status().wireName(), status.job().progress(), offset, status.jobId(), offset);
        }
        if (!status.steps().isEmpty()) {
            List<Object[]> rows = status.steps().stream()
                .map(s -> new Object[] {status.jobId(), s.id(), s.name(), s.status().wireName(), offset, offset})
                .toList();
            jdbc.batchUpdate("""
                INSERT INTO job_steps (job_id, step_id, name, status, first_offset, status_offset)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (job_id, step_id) DO UPDATE
                   SET status = EXCLUDED.status, name = COALESCE(EXCLUDED.name, job_steps.name),
                       status_offset = EXCLUDED.status_offset, updated_at = now()
                 WHERE job_steps.status_offset < EXCLUDED.status_offset""", rows);
        }
    }
}
