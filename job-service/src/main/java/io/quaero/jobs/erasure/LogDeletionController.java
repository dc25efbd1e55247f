package io.quaero.jobs.erasure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quaero.access.Caller;
import io.quaero.contracts.ApiError;
import io.quaero.contracts.audit.AuditAction;
import io.quaero.jobs.api.JobNotFoundException;
import io.quaero.jobs.audit.Auditor;
import io.quaero.jobs.config.JobsProperties;
import io.quaero.jobs.events.JobEvents;
import io.quaero.jobs.events.JobPartitions;
import io.quaero.jobs.store.JobRecord;
import io.quaero.jobs.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code DELETE /api/admin/jobs/{id}/logs} (admins only): an admin deletes one job's logs, after a
 * leak or an erasure request. docs/SECURITY.md, "Deleting a job's logs".
 *
 * <p>Two steps. First, in one transaction under the job's row lock (ingest's writer takes the same
 * lock, so no batch of the job is half stored meanwhile): the deletion is recorded
 * ({@code log_deletions}), every stored line and its counts are deleted, and the audit entry is
 * written. Then the job's {@code logs-deleted} event goes to its partition, after every line
 * published before: ingest, when it reaches it, deletes the lines it stored since (those that were
 * still in Kafka), and every gateway ends the streams that showed any of them (reset
 * {@code logs-deleted}: the page starts over from what is left) and empties the job's ring. The
 * event is published only after the commit, so ingest always finds the deletion it names (a
 * forged one names none and is dead-lettered). If Kafka does not take it, the stored lines are
 * gone but the rest was not reached: 503, and the same call again finishes it.
 *
 * <p>What stays: the job, its status and steps, its line numbers (new lines go on from the last),
 * the values it declared secret (they still mask its later lines), and its lines in Kafka until
 * the topic's retention drops them.
 */
@RestController
class LogDeletionController {

    private static final Logger log = LoggerFactory.getLogger(LogDeletionController.class);

    private final JobStore store;
    private final JobPartitions partitions;
    private final JobEvents events;
    private final JobsProperties props;
    private final JdbcTemplate jdbc;
    private final Auditor auditor;

    LogDeletionController(JobStore store, JobPartitions partitions, JobEvents events, JobsProperties props, JdbcTemplate jdbc,
                          Auditor auditor) {
        this.store = store;
        this.partitions = partitions;
        this.events = events;
        this.props = props;
        this.jdbc = jdbc;
        this.auditor = auditor;
    }

    /** 200 {@code {"job", "deletion_id", "deleted_lines"}}: the lines stored now are gone, the live side is told. */
    @DeleteMapping(path = "/api/admin/jobs/{id}/logs", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> delete(@PathVariable UUID id) {
        JobRecord job = store.find(id).orElseThrow(() -> new JobNotFoundException(id));
        // Where the event goes: the job's partition, after its lines; settled before the row is
        // locked, as for a cancel (waiting for ingest while holding the lock would hold ingest up).
        Integer known = partitions.forNextEvent(job);
        UUID deletion = UUID.randomUUID();
        record Deleted(long lines, Integer partition) {
        }
        Deleted deleted = auditor.change(() -> {
            // NULL until someone learns the job's partition (an external job no event was seen of yet).
            List<Integer> rows = jdbc.query("SELECT kafka_partition FROM jobs WHERE id = ? FOR UPDATE",
                (rs, i) -> (Integer) rs.getObject(1), id);
            Integer recorded = rows.isEmpty() ? null : rows.getFirst();
            jdbc.update("INSERT INTO log_deletions (id, job_id, requested_by) VALUES (?, ?, ?)", deletion, id,
                Caller.require().name());
            long lines = jdbc.update("DELETE FROM job_logs WHERE job_id = ?", id);
            jdbc.update("DELETE FROM job_log_counts WHERE job_id = ?", id);
            auditor.record(AuditAction.LOGS_DELETED, id, job.team(), Map.of("deleted_lines", lines, "deletion_id", deletion.toString()));
            return new Deleted(lines, recorded != null ? recorded : known);
        });
        try {
            var landed = JobEvents.await(events.logsDeleted(id, deleted.partition(), deletion), props.publishTimeout());
            if (deleted.partition() == null) {
                partitions.settle(id, landed);
            }
        } catch (JobEvents.PublishFailedException e) {
            throw new Unfinished(id, deleted.lines(), e);
        }
        log.info("job {}: an admin deleted its logs ({} stored lines, deletion {})", id, deleted.lines(), deletion);
        var body = new LinkedHashMap<String, Object>();
        body.put("job", id.toString());
        body.put("deletion_id", deletion.toString());
        body.put("deleted_lines", deleted.lines());
        return body;
    }

    /** The stored lines were deleted, but Kafka did not take the event that reaches the rest: 503, call again. */
    @ExceptionHandler
    ResponseEntity<ApiError> unfinished(Unfinished e) {
        log.warn("{}", e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5")
            .contentType(MediaType.APPLICATION_JSON).body(new ApiError("unavailable", null, e.getMessage()));
    }

    static final class Unfinished extends RuntimeException {

        Unfinished(UUID job, long lines, Throwable cause) {
            super("job " + job + ": its " + lines + " stored lines were deleted, but Kafka did not take the event that deletes "
                + "the lines still on their way and ends the live views (" + cause.getMessage() + "); delete again to finish",
                cause);
        }
    }
}
