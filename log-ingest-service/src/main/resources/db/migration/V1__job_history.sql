-- Job history, written by log-ingest-service (the only writer of these columns) and read by the
-- stream gateways. Ownership per column is listed in docs/ARCHITECTURE.md.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- A job exists once it is created over REST (job-service) or first seen in an event (ingest), so
-- the gateway can tell an unknown job (404) from a quiet one.
CREATE TABLE jobs (
    id            uuid        PRIMARY KEY,
    status        text        NOT NULL DEFAULT 'pending',
    progress      smallint    CHECK (progress BETWEEN 0 AND 100),
    -- Kafka offset of the last status event merged in; an older event never overwrites a newer state.
    status_offset bigint,
    -- Highest line number given to a log of this job: lines are 1-based and gapless per job.
    last_line     bigint      NOT NULL DEFAULT 0,
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

CREATE TABLE job_logs (
    job_id          uuid        NOT NULL,
    line            bigint      NOT NULL,
    event_id        uuid        NOT NULL,
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    ts              timestamptz NOT NULL,
    -- Level ordinal (0 debug .. 4 fatal) so "at or above" is a range.
    level           smallint    NOT NULL,
    step_id         text,
    step_name       text,
    source          text,
    message         text        NOT NULL,
    PRIMARY KEY (job_id, line),
    -- A producer retry repeats the event id; a consumer redelivery repeats the position.
    CONSTRAINT job_logs_event_id_key UNIQUE (event_id),
    CONSTRAINT job_logs_cursor_key UNIQUE (kafka_partition, kafka_offset)
);
CREATE INDEX job_logs_step_line ON job_logs (job_id, step_id, line);
-- Resume: the entries of a job after a cursor.
CREATE INDEX job_logs_job_offset ON job_logs (job_id, kafka_offset);
CREATE INDEX job_logs_message_trgm ON job_logs USING gin (message gin_trgm_ops);

-- The platform's own application logs (quaero.service-logs).
CREATE TABLE service_logs (
    event_id        uuid        PRIMARY KEY,
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    ts              timestamptz NOT NULL,
    level           smallint    NOT NULL,
    service         text        NOT NULL,
    instance        text        NOT NULL,
    logger          text,
    job_id          uuid,
    message         text        NOT NULL,
    CONSTRAINT service_logs_cursor_key UNIQUE (kafka_partition, kafka_offset)
);
CREATE INDEX service_logs_ts ON service_logs (ts);
