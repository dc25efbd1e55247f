package io.quaero.ingest.history;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.event.StepState;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Merges a job's status event into {@code jobs} and {@code job_steps}, in the caller's transaction
 * (the writer's, which holds the job's row lock): the job's state, and each step's, is the one of
 * the latest event in the job's partition, so a redelivered or late event never overwrites a newer
 * state.
 *
 * <p>"Latest" is by offset, except for a copy ({@code intake.Forwards}): a worker that ignores the
 * key spreads a job over partitions, and ingest copies each event it finds outside the job's
 * partition there when it reads it, after whatever the partition held by then, which may be a
 * status the worker published later (two consumers or two instances read the partitions at once;
 * one reads them in its own order). So a copy takes effect only if it is also not older, by the
 * time the worker gave it, than the state in force ({@code status_at}): a copied "running" never
 * reopens a job whose later "completed" was stored first. Events in the job's partition keep the
 * offset order alone: one that comes after a copy there was published after the copy's original.
 * An event re-read at the offset in force (a redelivery) takes effect again, unchanged, so a poll
 * re-read after a crash publishes its changes again.
 */
@Component
class StatusMerge {

    private final JdbcTemplate jdbc;

    StatusMerge(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Merges {@code status}, read at {@code offset} of its job's partition.
     *
     * @param copy true when ingest copied it there from another partition
     * @return what of it took effect, to publish (the job's state if it did, the steps that did),
     *     or null if nothing did
     */
    @Nullable StatusEvent merge(StatusEvent status, long offset, boolean copy) {
        Timestamp at = Timestamp.from(status.timestamp());
        JobState job = status.job() != null && mergeJob(status, status.job(), offset, copy, at) ? status.job() : null;
        List<StepState> steps = status.steps().isEmpty() ? List.of() : mergeSteps(status, offset, copy, at);
        if (job == null && steps.isEmpty()) {
            return null;
        }
        return job == status.job() && steps.size() == status.steps().size() ? status
            : new StatusEvent(status.eventId(), status.jobId(), status.timestamp(), job, steps);
    }

    private boolean mergeJob(StatusEvent status, JobState state, long offset, boolean copy, Timestamp at) {
        boolean running = state.status() == JobStatus.RUNNING;
        // started_at: the earliest "running"; finished_at: the terminal status (cleared if a later
        // event reopens the job, which a worker may do, e.g. a retried step).
        int merged = jdbc.update("""
            UPDATE jobs SET status = ?, progress = COALESCE(?, progress), status_offset = ?, status_at = ?, updated_at = now(),
                   started_at = CASE WHEN ? THEN LEAST(started_at, ?::timestamptz) ELSE started_at END,
                   finished_at = CASE WHEN ? THEN ?::timestamptz END
            WHERE id = ? AND (status_offset IS NULL OR status_offset <= ?)
              AND (NOT ? OR status_at IS NULL OR status_at <= ?::timestamptz)""",
            state.status().wireName(), state.progress(), offset, at, running, at, state.status().isTerminal(), at,
            status.jobId(), offset, copy, at);
        if (merged == 0 && copy && running) {
            // Older than the state in force, but the job did run from then on.
            jdbc.update("UPDATE jobs SET started_at = LEAST(started_at, ?::timestamptz) WHERE id = ?", at, status.jobId());
        }
        return merged > 0;
    }

    /**
     * Upserts the event's steps in one statement; returns those that took effect, in the event's
     * order. A step's times follow the job's rule: started_at the earliest "running" (an older
     * copy's too), finished_at the terminal status (cleared when a later event runs it again).
     */
    private List<StepState> mergeSteps(StatusEvent status, long offset, boolean copy, Timestamp at) {
        List<String> merged = jdbc.execute((ConnectionCallback<List<String>>) con -> {
            try (var ps = con.prepareStatement("""
                INSERT INTO job_steps (job_id, step_id, name, status, first_offset, status_offset, status_at, started_at, finished_at)
                SELECT ?::uuid, s.id, s.name, s.status, ?::bigint, ?::bigint, ?::timestamptz, s.started, s.finished
                  FROM unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[]) AS s(id, name, status, started, finished)
                ON CONFLICT (job_id, step_id) DO UPDATE
                   SET status = EXCLUDED.status, name = COALESCE(EXCLUDED.name, job_steps.name),
                       status_offset = EXCLUDED.status_offset, status_at = EXCLUDED.status_at, updated_at = now(),
                       started_at = LEAST(job_steps.started_at, EXCLUDED.started_at), finished_at = EXCLUDED.finished_at
                 WHERE job_steps.status_offset <= EXCLUDED.status_offset
                   AND (NOT ? OR job_steps.status_at IS NULL OR job_steps.status_at <= EXCLUDED.status_at)
                RETURNING step_id""")) {
                ps.setObject(1, status.jobId());
                ps.setLong(2, offset);
                ps.setLong(3, offset);
                ps.setTimestamp(4, at);
                ps.setArray(5, con.createArrayOf("text", status.steps().stream().map(StepState::id).toArray()));
                ps.setArray(6, con.createArrayOf("text", status.steps().stream().map(StepState::name).toArray()));
                ps.setArray(7, con.createArrayOf("text", status.steps().stream().map(s -> s.status().wireName()).toArray()));
                ps.setArray(8, con.createArrayOf("timestamptz", status.steps().stream()
                    .map(s -> s.status() == JobStatus.RUNNING ? at : null).toArray()));
                ps.setArray(9, con.createArrayOf("timestamptz", status.steps().stream()
                    .map(s -> s.status().isTerminal() ? at : null).toArray()));
                ps.setBoolean(10, copy);
                List<String> ids = new ArrayList<>();
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return ids;
            }
        });
        List<String> olderRunning = status.steps().stream()
            .filter(s -> copy && s.status() == JobStatus.RUNNING && !merged.contains(s.id())).map(StepState::id).toList();
        if (!olderRunning.isEmpty()) {
            // Older than the steps' states in force, but they did run from then on.
            jdbc.update("UPDATE job_steps SET started_at = LEAST(started_at, ?::timestamptz) WHERE job_id = ? AND step_id = ANY(?)",
                at, status.jobId(), olderRunning.toArray(String[]::new));
        }
        return status.steps().stream().filter(s -> merged.contains(s.id())).toList();
    }
}
