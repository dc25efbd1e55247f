package io.quaero.jobs.store;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * The jobs table as job-service sees it. job-service writes only its own columns (type, executor,
 * params, team, created_by, planned_lines, cancel_requested_at, worker, lease_expires_at, reason); status, progress and steps are
 * ingest's, derived from the job's events, and only read here.
 */
@Repository
public class JobStore {

    private static final String COLUMNS = """
        id, type, executor, params::text AS params, status, progress, cancel_requested_at, worker, reason,
        created_at, started_at, finished_at, updated_at, kafka_partition, team""";

    private final JdbcTemplate jdbc;

    public JobStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates a pending job; the caller publishes its command in the same transaction. */
    public JobRecord insert(UUID id, NewJob job) {
        jdbc.update("""
            INSERT INTO jobs (id, type, executor, params, team, created_by, planned_lines) VALUES (?, ?, ?, ?::jsonb, ?, ?, ?)""",
            id, job.type(), job.executor().wireName(), job.paramsJson(), job.team(), job.createdBy(),
            job.planned() == null ? null : job.planned().lines());
        return find(id).orElseThrow();
    }

    /**
     * Records {@code landed} as the job's partition unless one is recorded already (by ingest, for
     * a worker's first event); returns the job's partition either way.
     */
    public int settlePartition(UUID id, int landed) {
        return jdbc.queryForObject("""
            UPDATE jobs SET kafka_partition = COALESCE(kafka_partition, ?) WHERE id = ? RETURNING kafka_partition""",
            Integer.class, landed, id);
    }

    /** The job's recorded partition, or null if it has none (or there is no such job). */
    public @Nullable Integer partition(UUID id) {
        List<Integer> rows = jdbc.query("SELECT kafka_partition FROM jobs WHERE id = ?",
            (rs, i) -> (Integer) rs.getObject(1, Integer.class), id);
        return rows.isEmpty() ? null : rows.getFirst();
    }

    /** The job with its steps. */
    public Optional<JobRecord> find(UUID id) {
        List<JobRecord> rows = jdbc.query("SELECT " + COLUMNS + " FROM jobs WHERE id = ?", rowMapper(), id);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        List<JobRecord.StepRecord> steps = jdbc.query(
            "SELECT step_id, name, status FROM job_steps WHERE job_id = ? ORDER BY first_offset, step_id",
            (rs, i) -> new JobRecord.StepRecord(rs.getString(1), rs.getString(2), rs.getString(3)), id);
        JobRecord job = rows.getFirst();
        return Optional.of(new JobRecord(job.id(), job.type(), job.executor(), job.paramsJson(), job.status(),
            job.progress(), job.cancelRequestedAt(), job.worker(), job.reason(), job.createdAt(), job.startedAt(),
            job.finishedAt(), job.updatedAt(), job.partition(), job.team(), steps));
    }

    /**
     * Jobs newest first, optionally of one status and/or type, starting after {@code after}.
     *
     * @param teams only these teams' jobs; null for every job (an admin)
     */
    public JobPage list(@Nullable String status, @Nullable String type, int limit, JobPage.@Nullable Position after,
                        java.util.@Nullable Set<String> teams) {
        var sql = new StringBuilder("SELECT " + COLUMNS + " FROM jobs WHERE true");
        List<Object> args = new ArrayList<>();
        if (teams != null) {
            sql.append(" AND team = ANY (?)");
            args.add(teams.toArray(String[]::new));
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        if (type != null) {
            sql.append(" AND type = ?");
            args.add(type);
        }
        if (after != null) {
            sql.append(" AND (created_at, id) < (?, ?)");
            args.add(Timestamp.from(after.createdAt()));
            args.add(after.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        args.add(limit + 1);
        List<JobRecord> rows = jdbc.query(sql.toString(), rowMapper(), args.toArray());
        if (rows.size() <= limit) {
            return new JobPage(rows, null);
        }
        JobRecord last = rows.get(limit - 1);
        return new JobPage(rows.subList(0, limit), new JobPage.Position(last.createdAt(), last.id()));
    }

    /**
     * Records a cancel request (the first one's time is kept) and returns the job as it is now.
     * Locks the row until the caller's transaction ends, so a worker cannot claim it meanwhile.
     */
    public Optional<JobRecord> requestCancel(UUID id) {
        int updated = jdbc.update(
            "UPDATE jobs SET cancel_requested_at = COALESCE(cancel_requested_at, now()) WHERE id = ?", id);
        return updated == 0 ? Optional.empty() : find(id);
    }

    /**
     * Takes an unclaimed job away from the workers, to end it here: a queued job being cancelled,
     * or an external job. False if a worker holds it or it was already ended here.
     */
    public boolean endHere(UUID id, String reason) {
        return jdbc.update("""
            UPDATE jobs SET worker = COALESCE(worker, 'job-service'), reason = ?, lease_expires_at = NULL
             WHERE id = ? AND reason IS NULL AND (worker IS NULL OR executor = 'external')""", reason, id) == 1;
    }

    /** What a worker got when it tried to take a job. */
    public enum Claim {
        /** The job is this worker's until its lease lapses. */
        CLAIMED,
        /** The job was cancelled while queued; this worker claimed it to say so. */
        CANCELLED_WHILE_QUEUED,
        /** Another worker has it, or it was ended already: nothing to do. */
        NOT_AVAILABLE,
        /**
         * No such row is visible: its creating transaction has not committed yet (the run command
         * is sent inside it and can arrive first), or it never will.
         */
        NOT_VISIBLE
    }

    /**
     * A worker takes a job it received a run command for (a redelivered command finds it taken).
     *
     * <p>"Not visible" and "not available" must be told apart by what the claim itself saw. The
     * creating transaction can commit between two statements: an UPDATE that found no row, then a
     * separate existence check that finds one, used to read as "taken" and the command was dropped,
     * leaving the job pending for ever (issue 10, seen under load). So when the UPDATE takes
     * nothing, the row is read: absent means not visible yet; present and still claimable means it
     * was committed in between, and the claim is tried again.
     */
    public Claim claim(UUID id, String worker, Duration leaseTtl) {
        for (int attempt = 0; ; attempt++) {
            List<Boolean> cancelled = jdbc.query("""
                UPDATE jobs SET worker = ?, lease_expires_at = now() + ? * interval '1 millisecond'
                 WHERE id = ? AND worker IS NULL AND reason IS NULL
                RETURNING cancel_requested_at IS NOT NULL""",
                (rs, i) -> rs.getBoolean(1), worker, leaseTtl.toMillis(), id);
            if (!cancelled.isEmpty()) {
                return cancelled.getFirst() ? Claim.CANCELLED_WHILE_QUEUED : Claim.CLAIMED;
            }
            List<Boolean> claimable = jdbc.query("SELECT worker IS NULL AND reason IS NULL FROM jobs WHERE id = ?",
                (rs, i) -> rs.getBoolean(1), id);
            if (claimable.isEmpty()) {
                return Claim.NOT_VISIBLE;
            }
            if (!claimable.getFirst() || attempt > 0) {
                // Taken or ended; or claimable twice in a row yet not taken by our UPDATE, which only
                // a concurrent claim that then rolled back can cause: the command is redelivered.
                return claimable.getFirst() ? Claim.NOT_VISIBLE : Claim.NOT_AVAILABLE;
            }
        }
    }

    /**
     * Extends the leases a worker still holds among {@code ids}.
     *
     * @return for each job still held: whether a cancel was requested. A job missing from the
     *     result was taken from the worker (its lease lapsed and it was failed).
     */
    public Map<UUID, Boolean> renew(String worker, Collection<UUID> ids, Duration leaseTtl) {
        Map<UUID, Boolean> held = new HashMap<>();
        if (ids.isEmpty()) {
            return held;
        }
        jdbc.execute((ConnectionCallback<Void>) con -> {
            Array idArray = con.createArrayOf("uuid", ids.toArray());
            try (var ps = con.prepareStatement("""
                UPDATE jobs SET lease_expires_at = now() + ? * interval '1 millisecond'
                 WHERE id = ANY(?) AND worker = ? AND lease_expires_at IS NOT NULL
                RETURNING id, cancel_requested_at IS NOT NULL""")) {
                ps.setLong(1, leaseTtl.toMillis());
                ps.setArray(2, idArray);
                ps.setString(3, worker);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        held.put(rs.getObject(1, UUID.class), rs.getBoolean(2));
                    }
                }
            }
            return null;
        });
        return held;
    }

    /** A worker is done with a job (its final status is acknowledged by Kafka): no lease to watch. */
    public void release(UUID id, String worker) {
        jdbc.update("UPDATE jobs SET lease_expires_at = NULL WHERE id = ? AND worker = ?", id, worker);
    }

    /** A job whose worker stopped renewing, or an external job gone quiet, and its partition (null: none yet). */
    public record Abandoned(UUID id, String reason, @Nullable Integer partition) {
    }

    /**
     * Marks up to {@code limit} abandoned jobs as ended here, with the reason each gets, and
     * returns them. Rows locked by another job-service instance are skipped, and a marked row
     * is never returned again, so each is handled once. Call in a transaction with the publishing
     * of their end, so a failed publish leaves them for the next pass.
     *
     * @param judgeLeases   whether lapsed leases are looked for: not right after a database outage,
     *     during which no worker could renew
     * @param judgeExternal whether external jobs gone quiet are looked for: only when ingest has
     *     stored every event published so far, since their quiet is read from what ingest stored
     */
    public List<Abandoned> takeAbandoned(Duration externalIdle, Duration pendingTimeout, boolean judgeLeases,
                                         boolean judgeExternal, int limit) {
        return jdbc.query("""
            WITH lost AS (
                SELECT id, lease_expires_at AS since FROM jobs
                 WHERE ? AND lease_expires_at < now() AND reason IS NULL
                UNION ALL
                SELECT id, created_at AS since FROM jobs
                 WHERE executor = 'builtin' AND worker IS NULL AND reason IS NULL
                   AND created_at < now() - ? * interval '1 millisecond'
                UNION ALL
                SELECT id, updated_at AS since FROM jobs
                 WHERE ? AND executor = 'external' AND reason IS NULL AND status IN ('pending', 'running')
                   AND updated_at < now() - ? * interval '1 millisecond'
            ), locked AS (
                SELECT j.id, lost.since FROM jobs j JOIN lost ON lost.id = j.id
                 ORDER BY j.id LIMIT ? FOR UPDATE OF j SKIP LOCKED
            )
            UPDATE jobs j SET reason = CASE WHEN j.executor = 'external'
                       THEN 'no event from the external worker since ' || to_char(locked.since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                       WHEN j.worker IS NULL
                       THEN 'no worker started it (created ' || to_char(locked.since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                            || '; see the job-service logs for its run command)'
                       ELSE 'worker ' || COALESCE(j.worker, '?') || ' stopped renewing its lease (expired '
                            || to_char(locked.since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ')' END,
                   lease_expires_at = NULL
              FROM locked WHERE j.id = locked.id
            RETURNING j.id, j.reason, j.kafka_partition""",
            (rs, i) -> new Abandoned(rs.getObject(1, UUID.class), rs.getString(2), (Integer) rs.getObject(3, Integer.class)),
            judgeLeases, pendingTimeout.toMillis(), judgeExternal, externalIdle.toMillis(), limit);
    }

    private static RowMapper<JobRecord> rowMapper() {
        return (rs, i) -> new JobRecord(
            rs.getObject("id", UUID.class),
            rs.getString("type"),
            rs.getString("executor") == null ? null : Executor.fromWire(rs.getString("executor")),
            rs.getString("params"),
            rs.getString("status"),
            (Integer) rs.getObject("progress", Integer.class),
            instant(rs, "cancel_requested_at"),
            rs.getString("worker"),
            rs.getString("reason"),
            instant(rs, "created_at"),
            instant(rs, "started_at"),
            instant(rs, "finished_at"),
            instant(rs, "updated_at"),
            (Integer) rs.getObject("kafka_partition", Integer.class),
            rs.getString("team"),
            List.of());
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
