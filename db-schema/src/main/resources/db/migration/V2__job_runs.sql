-- Jobs as job-service creates and runs them (issue 5). Column owners (see docs/ARCHITECTURE.md):
--   job-service: type, executor, params, cancel_requested_at, worker, lease_expires_at, reason
--                (and the row itself when a job is created over REST);
--   log-ingest:  status, progress, status_offset, last_line, kafka_partition, started_at,
--                finished_at, updated_at (all derived from quaero.job-events, never from REST).
-- So the status a page shows is always the one the job's events said, in Kafka order.

-- What to run. NULL for a job first seen in events (a worker that never called the REST API).
ALTER TABLE jobs ADD COLUMN type text;
-- 'builtin' (a job-service worker runs it) or 'external' (the caller's own program publishes).
ALTER TABLE jobs ADD COLUMN executor text CHECK (executor IN ('builtin', 'external'));
ALTER TABLE jobs ADD COLUMN params jsonb NOT NULL DEFAULT '{}';
-- Set once by POST /api/jobs/{id}/cancel; a worker that sees it stops the job.
ALTER TABLE jobs ADD COLUMN cancel_requested_at timestamptz;
-- The built-in worker holding the job, and until when: renewed by the worker's heartbeat, cleared
-- when it finishes. Past lease_expires_at the job's worker is presumed dead and the job is failed.
ALTER TABLE jobs ADD COLUMN worker text;
ALTER TABLE jobs ADD COLUMN lease_expires_at timestamptz;
-- Why job-service ended the job itself (lost worker, idle external job, cancel of a queued job).
-- Non-NULL also means "already handled", so two job-service instances never fail a job twice.
ALTER TABLE jobs ADD COLUMN reason text;
-- From the job's events: first 'running', and the terminal status (producer timestamps).
ALTER TABLE jobs ADD COLUMN started_at timestamptz;
ALTER TABLE jobs ADD COLUMN finished_at timestamptz;

-- GET /api/jobs: newest first, keyset-paged on (created_at, id), optionally by status or type.
CREATE INDEX jobs_created ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_status_created ON jobs (status, created_at DESC, id DESC);
CREATE INDEX jobs_type_created ON jobs (type, created_at DESC, id DESC);
-- The reaper's scan: only leased jobs are in this index.
CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE lease_expires_at IS NOT NULL;
-- External jobs are reaped by inactivity (updated_at moves with every stored event).
CREATE INDEX jobs_external_active ON jobs (updated_at)
    WHERE executor = 'external' AND reason IS NULL AND status IN ('pending', 'running');
