-- Who may do what in the database (issue 14; docs/SECURITY.md, "Database roles"): one role per
-- service, allowed what its code does and nothing else. The tables belong to whoever runs the
-- migrations: quaero_owner in a cluster (the setup step, io.quaero.schema.DatabaseSetup, makes it
-- and migrates as it; the services never migrate there), the one superuser in the dev stack and
-- the tests.
--
-- Roles are objects of the whole server and carry passwords, so a cluster's setup step makes them,
-- with LOGIN and a password, before this runs. Where no setup step ran (the dev stack, the tests)
-- this makes them without LOGIN, so the grants below mean the same everywhere and no password is
-- ever in a migration.
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['quaero_ingest', 'quaero_jobs', 'quaero_gateway'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END $$;

-- log-ingest: the log tables, their counters and how far it stored; the job rows and steps it
-- derives from events, in the columns it owns (docs/ARCHITECTURE.md); nothing of the accounts.
GRANT SELECT ON jobs TO quaero_ingest;
GRANT INSERT (id, kafka_partition) ON jobs TO quaero_ingest;
GRANT UPDATE (status, progress, status_offset, last_line, kafka_partition, started_at, finished_at, updated_at)
    ON jobs TO quaero_ingest;
GRANT SELECT, INSERT, UPDATE ON job_steps TO quaero_ingest;
GRANT SELECT, INSERT ON job_logs, service_logs TO quaero_ingest;
-- DELETE: retention takes a dropped day's lines off the counters.
GRANT SELECT, INSERT, UPDATE, DELETE ON job_log_counts TO quaero_ingest;
GRANT SELECT, INSERT, UPDATE ON service_log_counts, ingest_progress TO quaero_ingest;
-- Masking (V5): the digests of the values a job declared secret, stored as they come; the
-- admins' patterns, read to mask before storage. An admin's deletion of a job's logs (V5):
-- ingest deletes what reached it before the deletion's mark, once it finds the deletion recorded.
GRANT SELECT, INSERT ON job_masks TO quaero_ingest;
GRANT SELECT ON mask_pattern_sets, log_deletions TO quaero_ingest;
GRANT DELETE ON job_logs TO quaero_ingest;

-- job-service: the jobs it creates and runs, in its columns; reads steps and how far ingest
-- stored; the accounts (sign-in, the admin API).
GRANT SELECT ON jobs, job_steps, ingest_progress TO quaero_jobs;
GRANT INSERT (id, type, executor, params, team, created_by, planned_lines) ON jobs TO quaero_jobs;
GRANT UPDATE (kafka_partition, cancel_requested_at, worker, reason, lease_expires_at) ON jobs TO quaero_jobs;
GRANT SELECT, INSERT, UPDATE ON users, api_tokens TO quaero_jobs;
-- An admin's change of a user's teams replaces them.
GRANT SELECT, INSERT, DELETE ON user_teams TO quaero_jobs;
-- A sign-in link is spent by deleting it.
GRANT SELECT, INSERT, DELETE ON signin_links TO quaero_jobs;
-- Accountability (V5): the audit log (its own entries and the gateway's, from quaero.audit), the
-- admins' mask patterns, an admin's deletion of one job's logs (recorded, then the stored lines
-- and their counts deleted).
GRANT SELECT, INSERT ON audit_log, mask_pattern_sets, log_deletions TO quaero_jobs;
GRANT DELETE ON job_logs, job_log_counts TO quaero_jobs;

-- The stream gateway reads, and only reads: the jobs and their logs, and who may see them. Of the
-- users, everything but their password hashes (only job-service's sign-in checks passwords).
GRANT SELECT ON jobs, job_steps, job_logs, job_log_counts, ingest_progress, service_logs, service_log_counts,
    user_teams, api_tokens, job_masks, mask_pattern_sets TO quaero_gateway;
GRANT SELECT (id, name, role, sessions_valid_after, disabled, created_at) ON users TO quaero_gateway;

-- Daily partitions of the log tables are made and dropped while ingest runs
-- (io.quaero.ingest.retention.LogPartitions). Making or dropping a partition takes ownership of
-- its parent, which ingest has not: it may call these two functions, which run as the owner
-- (SECURITY DEFINER) and do exactly that, for job_logs and service_logs and nothing else.
-- A partition needs no grant of its own: a query through the parent table is checked against the
-- parent's privileges only, and no service reads a partition by its name.
CREATE FUNCTION create_log_partition(parent text, day date) RETURNS void
    LANGUAGE plpgsql STRICT SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF parent NOT IN ('job_logs', 'service_logs') THEN
        RAISE EXCEPTION 'create_log_partition: % is not a log table', parent USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- The rows a day holds are those stored on it, UTC (a partition by storage time: V1).
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
        parent || '_p' || to_char(day, 'YYYYMMDD'), parent, day || ' 00:00:00+00', (day + 1) || ' 00:00:00+00');
END $$;

CREATE FUNCTION drop_log_partition(parent text, day date) RETURNS void
    LANGUAGE plpgsql STRICT SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    partition text := parent || '_p' || to_char(day, 'YYYYMMDD');
BEGIN
    IF parent NOT IN ('job_logs', 'service_logs') THEN
        RAISE EXCEPTION 'drop_log_partition: % is not a log table', parent USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Only a partition of that parent, whatever else may be named alike.
    IF EXISTS (SELECT FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
               WHERE i.inhparent = parent::regclass AND c.relname = partition) THEN
        EXECUTE format('DROP TABLE %I', partition);
    END IF;
END $$;

-- A function may be called by anyone unless said otherwise: these two by ingest alone, and no
-- function the owner makes later by anyone it does not name.
REVOKE ALL ON FUNCTION create_log_partition(text, date), drop_log_partition(text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION create_log_partition(text, date), drop_log_partition(text, date) TO quaero_ingest;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
