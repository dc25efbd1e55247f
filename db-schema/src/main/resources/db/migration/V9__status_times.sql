-- The producer's time of the status in force, for the job and for each step (log-ingest writes both).
--
-- A job's status merges follow its partition's offsets (status_offset): a later event there is a
-- later state. That order holds for events the worker published there. A worker that ignores the
-- key (kafka-go's default balancer, librdkafka's 'random') spreads one job over partitions, and
-- ingest copies the others to the job's partition: a copy lands after whatever was there when ingest
-- read it, maybe after a status the worker published later ('completed' stored, then the copy of the
-- earlier 'running'). Offsets cannot order those, the time the worker gave each event can: a copy
-- is merged only if it is not older than the state in force (io.quaero.ingest.history.StatusMerge).
--
-- NULL: no status merged yet (a job created over REST), or a state merged before this migration;
-- a copy then merges as before.
ALTER TABLE jobs ADD COLUMN status_at timestamptz;
ALTER TABLE job_steps ADD COLUMN status_at timestamptz;

-- V6: ingest may update the job columns it owns; this is one of them (job_steps is all ingest's).
GRANT UPDATE (status_at) ON jobs TO quaero_ingest;
