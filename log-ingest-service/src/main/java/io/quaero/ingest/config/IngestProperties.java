package io.quaero.ingest.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of log-ingest-service ({@code quaero.ingest.*}), validated once at startup.
 *
 * <p>The message size limit is not here: it is {@code quaero.events.max-message-bytes}, one
 * setting for ingest and the gateway ({@code RecordRules}), so a line ingest refuses is never
 * shown live either.
 *
 * @param maxPollRecords   records per poll, hence per database transaction. Larger batches
 *                         amortise what a batch costs whatever its size: ~8 statements, the commit's
 *                         flush, and one counter upsert per (job, step, level) it touches, which
 *                         with many busy jobs is most of a small batch's rows. 5,000 stored
 *                         ~30 % more events/s than 2,000 with 100 jobs (docs/BENCHMARKS.md,
 *                         "Ingest", runs F). The bytes of a poll are bounded by the consumer's
 *                         fetch sizes (a partition's fetch, 1 MiB), not by this. Default 5000.
 * @param consumers        consumers of {@code quaero.job-events} in this instance, each its own
 *                         thread, partitions and transactions (as that many instances would be).
 *                         One consumer leaves the database idle while it decodes and the JVM idle
 *                         while the database stores; two overlap the two (docs/BENCHMARKS.md,
 *                         "Ingest"). More than the topic's partitions leaves some idle. Default 2, 1..64.
 * @param retentionDays    days of logs kept; older daily partitions are dropped. Default 30.
 * @param partitionsAhead  daily partitions created in advance. Default 2.
 * @param retryMaxInterval longest wait between retries of a batch the database refused (outage);
 *                         retries start at 500 ms and double. Default 30 s.
 * @param stuckAfter       the {@code ingest} health check says DOWN when a listener has records
 *                         waiting (lag above 0) and has neither stored a batch nor been caught up
 *                         for this long. Not a lag threshold: a busy ingest is behind but commits.
 *                         Default 60 s; 0 turns the check off (a stopped listener is still DOWN);
 *                         otherwise 1 s to 24 h.
 */
@ConfigurationProperties("quaero.ingest")
public record IngestProperties(
    @DefaultValue("5000") int maxPollRecords,
    @DefaultValue("2") int consumers,
    @DefaultValue("30") int retentionDays,
    @DefaultValue("2") int partitionsAhead,
    @DefaultValue("30s") Duration retryMaxInterval,
    @DefaultValue("60s") Duration stuckAfter) {

    public IngestProperties {
        require(maxPollRecords >= 1 && maxPollRecords <= 50_000,
            "quaero.ingest.max-poll-records must be 1..50000, was " + maxPollRecords);
        require(consumers >= 1 && consumers <= 64,
            "quaero.ingest.consumers must be 1..64, was " + consumers);
        require(retentionDays >= 1 && retentionDays <= 3650,
            "quaero.ingest.retention-days must be 1..3650, was " + retentionDays);
        require(partitionsAhead >= 1 && partitionsAhead <= 31,
            "quaero.ingest.partitions-ahead must be 1..31, was " + partitionsAhead);
        require(retryMaxInterval.toMillis() >= 500 && retryMaxInterval.toMinutes() <= 10,
            "quaero.ingest.retry-max-interval must be 500ms..10m, was " + retryMaxInterval);
        require(stuckAfter.isZero() || (stuckAfter.toMillis() >= 1_000 && stuckAfter.toHours() <= 24),
            "quaero.ingest.stuck-after must be 0 (off) or 1s..24h, was " + stuckAfter);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
