package io.quaero.ingest.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

import io.quaero.infra.LocalPostgres;
import io.quaero.ingest.config.IngestProperties;
import io.quaero.ingest.intake.WriteTransactions;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Retention on a database of its own (dropping "today" would hurt the other tests' data): daily
 * partitions are made ahead, old ones dropped, and the counters follow what is dropped.
 */
class LogPartitionsTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 11, 23);

    @Test
    void oldDaysAreDroppedAndTheirLinesLeaveTheCounters(@TempDir Path dir) throws Exception {
        try (var pg = LocalPostgres.start(dir.resolve("pg"), 0)) {
            var ds = new SingleConnectionDataSource(pg.jdbcUrl(), LocalPostgres.USER, "", true);
            Flyway.configure().dataSource(ds).load().migrate();
            var jdbc = new JdbcTemplate(ds);
            var tx = new WriteTransactions(new TransactionTemplate(new DataSourceTransactionManager(ds)), jdbc);
            var props = new IngestProperties(2000, 2, 30, 2, Duration.ofSeconds(30), Duration.ofSeconds(60));

            LocalDate old = TODAY.minusDays(40);
            maintainAt(jdbc, tx, props, old);
            maintainAt(jdbc, tx, props, old.plusDays(29));
            assertThat(days(jdbc, tx, props, "job_logs"))
                .containsExactly(old, old.plusDays(1), old.plusDays(2), old.plusDays(29), old.plusDays(30), old.plusDays(31));

            UUID job = UUID.randomUUID();
            jdbc.update("INSERT INTO jobs (id) VALUES (?)", job);
            insert(jdbc, job, 1, old);
            insert(jdbc, job, 2, old);
            insert(jdbc, job, 3, old.plusDays(29));
            jdbc.update("INSERT INTO job_log_counts (job_id, step_id, level, lines) VALUES (?, '', 1, 3)", job);

            // A day later the oldest day is past the 30-day retention.
            maintainAt(jdbc, tx, props, old.plusDays(31));

            assertThat(days(jdbc, tx, props, "job_logs")).doesNotContain(old).contains(old.plusDays(1), old.plusDays(33));
            assertThat(days(jdbc, tx, props, "service_logs")).doesNotContain(old).contains(old.plusDays(33));
            assertThat(jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job)).isOne();
            assertThat(jdbc.queryForObject("SELECT lines FROM job_log_counts WHERE job_id = ?", Long.class, job)).isOne();
            ds.destroy();
        }
    }

    private static void maintainAt(JdbcTemplate jdbc, WriteTransactions tx, IngestProperties props, LocalDate day) {
        new LogPartitions(jdbc, tx, props, clockAt(day)).maintain();
    }

    private static java.util.List<LocalDate> days(JdbcTemplate jdbc, WriteTransactions tx, IngestProperties props, String table) {
        return new LogPartitions(jdbc, tx, props, clockAt(TODAY)).days(table);
    }

    private static void insert(JdbcTemplate jdbc, UUID job, long line, LocalDate stored) {
        jdbc.update("""
            INSERT INTO job_logs (job_id, line, event_id, kafka_partition, kafka_offset, ts, level, message, stored_at)
            VALUES (?, ?, ?, 0, ?, now(), 1, 'm', ?::timestamptz)""",
            job, line, UUID.randomUUID(), line, stored + " 12:00:00+00");
    }

    private static Clock clockAt(LocalDate day) {
        return Clock.fixed(day.atTime(12, 0).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
    }
}
