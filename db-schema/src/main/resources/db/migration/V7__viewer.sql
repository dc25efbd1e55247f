-- The job page's viewer (issue 15). Versioned 4.15 (issue 15) so that it sorts after V4 and
-- before V5 whichever other change of issue 14 takes those numbers first.

-- Line N of a job, at once, whatever the job's length: the viewer reads a log by position
-- (GET /api/jobs/{id}/logs/range), and a link names a line (#L500000). Within a job lines are
-- gapless and follow the Kafka offset, so this index also turns a line into the offset every
-- other index of the table is ordered by. (On an existing installation this builds on every day
-- partition while ingest waits: a partitioned table has no CREATE INDEX CONCURRENTLY.)
CREATE INDEX job_logs_job_line ON job_logs (job_id, line);

-- When each step started (its first "running") and finished (its terminal status), from the
-- timestamps of the status events that said so, as jobs.started_at / finished_at are: workers
-- send nothing new, and a step first seen already finished has no start.
ALTER TABLE job_steps ADD COLUMN started_at timestamptz;
ALTER TABLE job_steps ADD COLUMN finished_at timestamptz;
