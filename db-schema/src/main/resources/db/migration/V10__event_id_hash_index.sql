-- Issue 16: the event id index of job_logs becomes a hash index.
--
-- Ingest looks up every line's event id before storing it (a repeat is skipped: exactly once),
-- and stores one entry per line in this index. Event ids are random UUIDs, so a B-tree takes
-- each insert and each probe at a random leaf through its inner pages, and compares 16-byte keys
-- all the way; a hash index goes to one bucket. Measured on the reference machine with 1M lines
-- stored by ingest (docs/BENCHMARKS.md, "Ingest"): a raw COPY of them went from ~104k to ~123k
-- rows/s, and the batch's look-up of 2,000 event ids from 2.9 to 1.2 us per id. An equality
-- look-up is all this index serves: nothing orders or ranges over event ids.
--
-- On an existing installation this builds on every day partition while ingest waits (a
-- partitioned table has no CREATE INDEX CONCURRENTLY); partitions made later get it with the
-- others (create_log_partition, V6). No grants change: no role's privileges name an index.
DROP INDEX IF EXISTS job_logs_event_id;
CREATE INDEX job_logs_event_id ON job_logs USING hash (event_id);
