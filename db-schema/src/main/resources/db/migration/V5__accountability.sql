-- Accountability and data control (issue 14): the audit log, the values workers declared secret,
-- the admins' mask patterns, and deletions of a job's logs. See docs/SECURITY.md.

-- Who did what to what, when, from where. Written by job-service only: in the transaction of the
-- change it records, or (the gateway's downloads, which must not write the database) from the
-- quaero.audit topic, where id makes each entry stored once. Read by admins
-- (GET /api/admin/audit), newest first by seq.
CREATE TABLE audit_log (
    seq     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id      uuid        NOT NULL UNIQUE,
    at      timestamptz NOT NULL,
    actor   text        NOT NULL,
    -- The credential: 'session:<session id>' or 'token:<api_tokens.id>'.
    via     text        NOT NULL,
    action  text        NOT NULL,
    target  text,
    job_id  uuid,
    team    text,
    client  text,
    -- Bounded by the writer (AuditEntry.MAX_DETAILS_BYTES); the check is the backstop.
    details jsonb       NOT NULL DEFAULT '{}' CHECK (octet_length(details::text) <= 8192)
);
CREATE INDEX audit_log_actor ON audit_log (actor, seq DESC);
CREATE INDEX audit_log_action ON audit_log (action, seq DESC);
CREATE INDEX audit_log_job ON audit_log (job_id, seq DESC) WHERE job_id IS NOT NULL;

-- Values a job's worker declared secret (job events of type 'mask'): never the value, only its
-- length, a 24-bit fingerprint and a SHA-256 salted with the job id (module masking, MaskValue).
-- Written by log-ingest in the transaction that stores the event (so in step with
-- ingest_progress); read by ingest and the gateways to mask the job's later lines.
CREATE TABLE job_masks (
    job_id       uuid    NOT NULL,
    kafka_offset bigint  NOT NULL,
    length       integer NOT NULL,
    fingerprint  integer NOT NULL,
    digest       bytea   NOT NULL,
    PRIMARY KEY (job_id, digest)
);

-- The admins' mask patterns: each change is a new version of the whole list, in force from
-- effective_at (set a few seconds ahead, so every ingest and gateway instance knows it before
-- any line it applies to reaches them; module masking, PatternHistory). Never changed once written.
CREATE TABLE mask_pattern_sets (
    version      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patterns     text[]      NOT NULL,
    effective_at timestamptz NOT NULL,
    created_by   text        NOT NULL
);
CREATE INDEX mask_pattern_sets_effective ON mask_pattern_sets (effective_at DESC, version DESC);

-- An admin's deletion of one job's logs. job-service writes it (and deletes what is stored) before
-- it publishes the job's 'logs-deleted' event; ingest deletes the lines stored since only for an
-- event naming such a row, so a forged event deletes nothing.
CREATE TABLE log_deletions (
    id           uuid        PRIMARY KEY,
    job_id       uuid        NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    requested_by text        NOT NULL
);
