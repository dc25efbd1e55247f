package io.quaero.ingest.retention;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.quaero.ingest.config.IngestProperties;
import io.quaero.ingest.intake.WriteTransactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Daily partitions of {@code job_logs} and {@code service_logs} (by the UTC day a row was stored):
 * created {@code partitions-ahead} days in advance, dropped once older than {@code retention-days}.
 *
 * <p>Implementation notes. Partitions are made when this bean initialises — after Flyway, before
 * the Kafka listeners start — and then every hour on one named thread. There is deliberately no
 * default partition: rows parked there would block creating the day's partition later. If
 * creation ever lagged, inserts would fail and the batch would be retried until it caught up,
 * losing nothing. Dropping a day first subtracts its lines from {@code job_log_counts}, in the same
 * transaction, so the counters keep equalling what is stored. Several ingest instances may run
 * this; an advisory lock lets one do it at a time. Creating and dropping go through two functions
 * that run as the schema's owner (migration V4): ingest's database role owns no table and may not
 * create one (docs/SECURITY.md, "Database roles").
 */
@Component
public class LogPartitions implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LogPartitions.class);
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");
    /** Advisory lock key of partition maintenance (any constant unique to this job). */
    private static final long LOCK_KEY = 0x51_75_61_65_72_6fL;
    private static final List<String> TABLES = List.of("job_logs", "service_logs");

    private final JdbcTemplate jdbc;
    private final WriteTransactions tx;
    private final Clock clock;
    private final int retentionDays;
    private final int daysAhead;
    private ScheduledExecutorService scheduler;

    @Autowired
    LogPartitions(JdbcTemplate jdbc, WriteTransactions tx, IngestProperties props) {
        this(jdbc, tx, props, Clock.systemUTC());
    }

    /** For tests: a clock decides what "today" is. */
    LogPartitions(JdbcTemplate jdbc, WriteTransactions tx, IngestProperties props, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.retentionDays = props.retentionDays();
        this.daysAhead = props.partitionsAhead();
    }

    @Override
    public void afterPropertiesSet() {
        maintain();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
            .name("ingest log partitions").daemon(true).unstarted(r));
        scheduler.scheduleWithFixedDelay(this::maintainSafely, 1, 1, TimeUnit.HOURS);
    }

    @Override
    public void destroy() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** Creates the partitions from today to {@code daysAhead} days ahead and drops expired ones. */
    public void maintain() {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        tx.executeWithoutResult(status -> {
            Boolean mine = jdbc.queryForObject("SELECT pg_try_advisory_xact_lock(?)", Boolean.class, LOCK_KEY);
            if (!Boolean.TRUE.equals(mine)) {
                return;
            }
            for (String table : TABLES) {
                for (int d = 0; d <= daysAhead; d++) {
                    create(table, today.plusDays(d));
                }
                dropBefore(table, today.minusDays(retentionDays));
            }
        });
    }

    /** The days that have a partition of {@code table}, oldest first. */
    public List<LocalDate> days(String table) {
        return jdbc.queryForList("""
                SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = ? ORDER BY c.relname""", String.class, table)
            .stream().map(name -> LocalDate.parse(name.substring(name.length() - 8), SUFFIX)).toList();
    }

    private void create(String table, LocalDate day) {
        call("create_log_partition", table, day);
    }

    private void dropBefore(String table, LocalDate cutoff) {
        for (LocalDate day : days(table)) {
            if (!day.isBefore(cutoff)) {
                return;
            }
            // The day's rows, read through the parent (a partition is granted to no one by name):
            // the bounds select exactly that partition, and the planner reads only it.
            Object from = day.atStartOfDay(ZoneOffset.UTC).toOffsetDateTime();
            Object to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toOffsetDateTime();
            if (table.equals("job_logs")) {
                // Keep the counters equal to what is stored (invariant: counts without scans).
                jdbc.update("""
                    UPDATE job_log_counts c SET lines = c.lines - d.n
                    FROM (SELECT job_id, coalesce(step_id, '') AS step_id, level, count(*) AS n
                          FROM job_logs WHERE stored_at >= ? AND stored_at < ? GROUP BY 1, 2, 3) d
                    WHERE c.job_id = d.job_id AND c.step_id = d.step_id AND c.level = d.level""", from, to);
                jdbc.update("DELETE FROM job_log_counts WHERE lines <= 0");
            } else {
                jdbc.update("""
                    UPDATE service_log_counts c SET lines = c.lines - d.n
                    FROM (SELECT level, count(*) AS n FROM service_logs WHERE stored_at >= ? AND stored_at < ? GROUP BY 1) d
                    WHERE c.level = d.level""", from, to);
            }
            call("drop_log_partition", table, day);
            log.info("dropped {} partition of {} (stored before {}, retention {} days)", table, day, cutoff, retentionDays);
        }
    }

    /**
     * One of the two functions that make and drop log partitions (migration V4): they run as the
     * schema's owner, so ingest needs no ownership of the log tables, only the right to call them.
     */
    private void call(String function, String table, LocalDate day) {
        jdbc.query("SELECT " + function + "(?, ?)", rs -> {
        }, table, day);
    }

    private void maintainSafely() {
        try {
            maintain();
        } catch (RuntimeException e) {
            // Retried next hour; inserts keep going into the partitions made ahead.
            log.warn("log partition maintenance failed; will retry in an hour", e);
        }
    }
}
