package io.quaero.jobs.limits;

import io.quaero.access.Caller;
import io.quaero.jobs.api.BadRequestException;
import io.quaero.jobs.catalog.PlannedLines;
import io.quaero.jobs.config.JobsProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * How much a user's built-in jobs may publish: the lines one job plans
 * ({@code quaero.jobs.max-planned-lines}; a {@code load} job's {@code rate × duration_s}) and the
 * lines all of the user's unfinished jobs plan between them
 * ({@code max-unfinished-planned-lines}). Each is checked before anything is stored or published.
 *
 * <p>The second is counted in the database, not in memory: {@code jobs.planned_lines} of the
 * user's jobs that are pending or running ({@code created_by}), under a lock on the user's row
 * taken in the creating transaction. So it holds across job-service instances, and two creations
 * of one user at once cannot both pass on the same sum: the second waits for the first to commit
 * (or roll back), then counts it. A job counts until ingest has stored its end, so while ingest
 * is behind, a finished job may still count for a moment.
 */
@Component
public class LoadCaps {

    private final JdbcTemplate jdbc;
    private final JobsProperties props;

    LoadCaps(JdbcTemplate jdbc, JobsProperties props) {
        this.jdbc = jdbc;
        this.props = props;
    }

    /**
     * One job's size, for everyone (exempt users too: it is a property of the job).
     *
     * @throws BadRequestException naming the parameter to lower, e.g. {@code params.duration_s}
     */
    public void checkJob(PlannedLines planned) {
        if (planned.lines() > props.maxPlannedLines()) {
            throw new BadRequestException("params." + planned.param(), "this job would publish " + planned.lines()
                + " lines; at most " + props.maxPlannedLines() + " are allowed per job (quaero.jobs.max-planned-lines): lower "
                + planned.param());
        }
    }

    /**
     * Counts a new job's {@code planned} lines against {@code creator}'s unfinished jobs. Call
     * inside the transaction that stores the job with its {@code planned_lines}: the user's row
     * stays locked until it ends.
     *
     * @throws TooMuchLoadException naming the parameter to lower when the sum would pass
     *                              {@code max-unfinished-planned-lines}
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void reserve(Caller creator, PlannedLines planned) {
        // Serialises this user's creations of planned jobs across instances. NO KEY UPDATE: a job
        // row's foreign key to the user (KEY SHARE) and sign-in are not held up by it.
        jdbc.queryForObject("SELECT id FROM users WHERE id = ? FOR NO KEY UPDATE", Long.class, creator.userId());
        long unfinished = jdbc.queryForObject("""
            SELECT COALESCE(SUM(planned_lines), 0) FROM jobs
            WHERE created_by = ? AND planned_lines IS NOT NULL AND status IN ('pending', 'running') AND reason IS NULL""",
            Long.class, creator.userId());
        if (unfinished + planned.lines() > props.maxUnfinishedPlannedLines()) {
            long left = Math.max(0, props.maxUnfinishedPlannedLines() - unfinished);
            throw new TooMuchLoadException("params." + planned.param(), "user " + creator.name() + "'s unfinished jobs plan "
                + unfinished + " lines; this one's " + planned.lines() + " more would pass the " + props.maxUnfinishedPlannedLines()
                + " allowed (quaero.jobs.max-unfinished-planned-lines): lower " + planned.param() + " to fit the " + left
                + " left, wait for one to end, or cancel one");
        }
    }
}
