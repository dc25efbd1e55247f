-- Job history. log-ingest-service is the only writer of these tables today; the stream gateways
-- read them. Column ownership is listed in docs/ARCHITECTURE.md.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- A job exists once it is created over REST (job-service) or first seen in an event (ingest), so
-- the gateway can tell an unknown job (404) from a quiet one.
CREATE TABLE jobs (
    id            uuid        PRIMARY KEY,
    status        text        NOT NULL DEFAULT 'pending',
    progress      smallint    CHECK (progress BETWEEN 0 AND 100),
    -- Kafka offset of the last status event merged in; an older event never overwrites a newer
    -- state (all events of a job are in one partition, so offsets order them).
    status_offset bigint,
    -- Highest line number given to a log of this job: lines are 1-based and gapless per job.
    last_line     bigint      NOT NULL DEFAULT 0,
    -- The quaero.job-events partition the job's events are in (all of them: key = job id).
    kafka_partition integer,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE job_steps (
    job_id        uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    step_id       text        NOT NULL,
    name          text,
    status        text        NOT NULL,
    -- Steps are listed in the order they first appeared in the job's events.
    first_offset  bigint      NOT NULL,
    status_offset bigint      NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, step_id)
);

-- One row per log line, partitioned by the day it was stored (UTC) so that retention drops whole
-- partitions instead of deleting rows. Partitioning by storage time, not by the producer's
-- timestamp, means a skewed worker clock can never make an insert miss its partition.
-- Partitions are created ahead and dropped by io.quaero.ingest.retention.LogPartitions.
CREATE TABLE job_logs (
    job_id          uuid        NOT NULL,
    line            bigint      NOT NULL,
    event_id        uuid        NOT NULL,
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    ts              timestamptz NOT NULL,
    -- Level.severity(): 0 debug .. 4 fatal, so "at or above" is a range.
    level           smallint    NOT NULL,
    step_id         text,
    step_name       text,
    source          text,
    message         text        NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (stored_at);

-- Within a job the Kafka offset orders lines exactly as the line number does, and it is what a
-- cursor names, so one ordering serves newest-N, "after cursor" and "before cursor".
CREATE INDEX job_logs_job_offset ON job_logs (job_id, kafka_offset);
CREATE INDEX job_logs_job_step_offset ON job_logs (job_id, step_id, kafka_offset);
-- "warn and above" / "error and above" without walking every info line of a chatty job.
CREATE INDEX job_logs_job_warn_offset ON job_logs (job_id, kafka_offset) WHERE level >= 2;
CREATE INDEX job_logs_job_error_offset ON job_logs (job_id, kafka_offset) WHERE level >= 3;
-- Case-insensitive substring search (ILIKE '%term%').
CREATE INDEX job_logs_message_trgm ON job_logs USING gin (message gin_trgm_ops);
-- A producer that retries with a new session repeats an event id at a new offset. (A partitioned
-- table cannot hold a unique index without the partition key; ingest de-duplicates under the
-- job's row lock, which this index makes cheap.)
CREATE INDEX job_logs_event_id ON job_logs (event_id);

-- Per job, step and level: how many lines are stored. Maintained in the same transaction as the
-- lines (one upsert per key per batch), so total_count / displayed_count for any step and level
-- filter is a sum over at most five rows per step, never a scan. step_id '' = no step.
CREATE TABLE job_log_counts (
    job_id  uuid     NOT NULL,
    step_id text     NOT NULL,
    level   smallint NOT NULL,
    lines   bigint   NOT NULL,
    PRIMARY KEY (job_id, step_id, level)
);

-- How far each source partition is stored: every record of (topic, partition) below next_offset
-- is in the database (or was dead-lettered). Written in the same transaction as the rows, so a
-- gateway's snapshot knows exactly where history ends and the Kafka log must take over.
CREATE TABLE ingest_progress (
    topic           text    NOT NULL,
    kafka_partition integer NOT NULL,
    next_offset     bigint  NOT NULL,
    PRIMARY KEY (topic, kafka_partition)
);

-- The platform's own application logs (quaero.service-logs), partitioned like job_logs.
CREATE TABLE service_logs (
    event_id        uuid        NOT NULL,
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    ts              timestamptz NOT NULL,
    level           smallint    NOT NULL,
    service         text        NOT NULL,
    instance        text        NOT NULL,
    logger          text,
    job_id          uuid,
    message         text        NOT NULL,
    stored_at       timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (stored_at);
-- quaero.service-logs has one partition (low volume, total order): the offset is the cursor.
CREATE INDEX service_logs_offset ON service_logs (kafka_offset);
-- "Which instances logged lately" for the service stream's status.
CREATE INDEX service_logs_ts ON service_logs (ts);
CREATE INDEX service_logs_warn_offset ON service_logs (kafka_offset) WHERE level >= 2;
CREATE INDEX service_logs_error_offset ON service_logs (kafka_offset) WHERE level >= 3;
CREATE INDEX service_logs_message_trgm ON service_logs USING gin (message gin_trgm_ops);
CREATE INDEX service_logs_event_id ON service_logs (event_id);

-- Service log lines per level, maintained with the lines (same reason as job_log_counts).
CREATE TABLE service_log_counts (
    level smallint PRIMARY KEY,
    lines bigint   NOT NULL
);
