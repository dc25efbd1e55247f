-- Limits (issue 14, docs/SECURITY.md "Limits"). Written by job-service when it creates a job.

-- Who created the job over REST (NULL for jobs first seen in events, and for jobs created before
-- this column): per-user limits count from here, so they hold across job-service instances.
ALTER TABLE jobs ADD COLUMN created_by bigint REFERENCES users (id) ON DELETE SET NULL;
-- The log lines a built-in job will publish, when its type knows in advance (load: rate x
-- duration_s); NULL otherwise. A user's unfinished jobs may plan at most
-- quaero.jobs.max-unfinished-load-lines between them.
ALTER TABLE jobs ADD COLUMN planned_lines bigint CHECK (planned_lines >= 0);

-- The per-user sum of planned lines over unfinished jobs: only those rows are in this index.
CREATE INDEX jobs_unfinished_planned ON jobs (created_by)
    WHERE planned_lines IS NOT NULL AND status IN ('pending', 'running') AND reason IS NULL;
