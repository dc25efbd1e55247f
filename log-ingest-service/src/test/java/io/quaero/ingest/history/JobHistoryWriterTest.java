package io.quaero.ingest.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Level;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.LogEvent;
import io.quaero.infra.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * The writer against the real database, without Kafka in the way: what a redelivery does, and
 * whether the counters always equal what is stored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ContextConfiguration(initializers = RealInfrastructure.class)
// Closed after the class, so its listeners leave the consumer group before IngestResilienceTest.
@DirtiesContext
class JobHistoryWriterTest {

    /** Fake Kafka positions far above anything the real topic reaches in a test run. */
    private static final AtomicLong OFFSETS = new AtomicLong(1_000_000_000L);
    /** How a day partition's name ends: job_logs_p20261207. */
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    @Autowired
    JobHistoryWriter writer;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aRedeliveredBatchIsANoOp() {
        UUID job = UUID.randomUUID();
        List<Positioned<JobEvent>> batch = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            batch.add(positioned(log(job, "s" + (i % 3), Level.values()[i % 5], "line " + i)));
        }
        writer.write(batch);
        writer.write(batch);
        writer.write(batch.subList(10, 20));

        assertThat(jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job)).isEqualTo(50);
        assertThat(jdbc.queryForObject("SELECT last_line FROM jobs WHERE id = ?", Long.class, job)).isEqualTo(50);
        assertCountersMatchRows(job);
    }

    /**
     * Property: whatever mix of jobs, steps, levels, repeated event ids and redelivered batches
     * arrives, the counters equal {@code COUNT(*)} per (job, step, level), and lines are 1..n.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34})
    void countersEqualCountStarAfterARandomWorkload(long seed) {
        var random = new Random(seed);
        List<UUID> jobs = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        List<Positioned<JobEvent>> history = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            List<Positioned<JobEvent>> batch = new ArrayList<>();
            int size = 1 + random.nextInt(200);
            for (int i = 0; i < size; i++) {
                if (!history.isEmpty() && random.nextInt(10) == 0) {
                    // A producer retry: the same event again, at a new offset.
                    var old = history.get(random.nextInt(history.size()));
                    batch.add(new Positioned<>(old.event(), new Cursor(0, OFFSETS.incrementAndGet()), false, System.currentTimeMillis()));
                } else {
                    UUID job = jobs.get(random.nextInt(jobs.size()));
                    String step = random.nextInt(4) == 0 ? null : "step-" + random.nextInt(3);
                    batch.add(positioned(log(job, step, Level.values()[random.nextInt(5)], "m" + i)));
                }
            }
            writer.write(batch);
            history.addAll(batch);
            if (random.nextInt(4) == 0) {
                // A consumer redelivery: the same batch again, same offsets.
                writer.write(batch);
            }
        }
        for (UUID job : jobs) {
            assertCountersMatchRows(job);
            Map<String, Object> lines = jdbc.queryForMap(
                "SELECT count(*) AS n, min(line) AS lo, max(line) AS hi, count(DISTINCT line) AS d FROM job_logs WHERE job_id = ?", job);
            long n = (Long) lines.get("n");
            if (n > 0) {
                assertThat(lines).containsEntry("lo", 1L).containsEntry("hi", n).containsEntry("d", n);
            }
        }
        long distinctEvents = history.stream().map(p -> p.event().eventId()).distinct().count();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ANY(?)", Long.class,
            (Object) jobs.toArray(UUID[]::new))).isEqualTo(distinctEvents);
    }

    /**
     * A producer that retries in a new session repeats an event at a new offset, maybe days later:
     * the repeat is skipped though its original is in an older day partition, the day its job was
     * created.
     */
    @Test
    void aRepeatOfALineStoredDaysAgoIsSkipped() {
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(3);
        jdbc.query("SELECT create_log_partition('job_logs', ?)", rs -> {
        }, day);
        UUID job = UUID.randomUUID();
        LogEvent original = log(job, "s", Level.INFO, "first");
        jdbc.update("INSERT INTO jobs (id, kafka_partition, last_line, created_at) VALUES (?, 0, 1, ?::timestamptz)",
            job, day + " 10:00:00+00");
        jdbc.update("""
            INSERT INTO job_logs (job_id, line, event_id, kafka_partition, kafka_offset, ts, level, step_id, message, stored_at)
            VALUES (?, 1, ?, 0, ?, now(), 1, 's', 'first', ?::timestamptz)""",
            job, original.eventId(), OFFSETS.incrementAndGet(), day + " 10:00:01+00");
        jdbc.update("INSERT INTO job_log_counts (job_id, step_id, level, lines) VALUES (?, 's', 1, 1)", job);

        writer.write(List.of(positioned(original), positioned(log(job, "s", Level.INFO, "second"))));

        assertThat(jdbc.queryForList("SELECT line || ' ' || message FROM job_logs WHERE job_id = ? ORDER BY line", String.class, job))
            .containsExactly("1 first", "2 second");
        assertCountersMatchRows(job);
    }

    /**
     * The look-up of a batch's event ids reads the day partitions since its jobs were created, not
     * every day kept: a partition of an earlier day is pruned from the plan.
     */
    @Test
    void theLookUpOfEventIdsReadsOnlyTheDaysSinceTheJobsWereCreated() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        jdbc.query("SELECT create_log_partition('job_logs', ?)", rs -> {
        }, today.minusDays(3));
        var since = Timestamp.from(today.atStartOfDay(ZoneOffset.UTC).toInstant().minus(JobHistoryWriter.CLOCK_MARGIN));
        List<String> plan = jdbc.query(con -> {
            var ps = con.prepareStatement("EXPLAIN " + JobHistoryWriter.STORED_EVENT_IDS);
            ps.setArray(1, con.createArrayOf("uuid", new UUID[] {UUID.randomUUID(), UUID.randomUUID()}));
            ps.setTimestamp(2, since);
            return ps;
        }, (rs, i) -> rs.getString(1));

        assertThat(String.join("\n", plan))
            .contains("job_logs_p" + today.format(DAY))
            .doesNotContain("job_logs_p" + today.minusDays(3).format(DAY));
    }

    private void assertCountersMatchRows(UUID job) {
        String stored = """
            SELECT coalesce(step_id, '') || '/' || level || '=' || count(*) FROM job_logs WHERE job_id = ?
            GROUP BY coalesce(step_id, ''), level ORDER BY 1""";
        String counted = """
            SELECT step_id || '/' || level || '=' || lines FROM job_log_counts WHERE job_id = ? AND lines > 0 ORDER BY 1""";
        assertThat(jdbc.queryForList(counted, String.class, job)).isEqualTo(jdbc.queryForList(stored, String.class, job));
    }

    private static Positioned<JobEvent> positioned(JobEvent e) {
        return new Positioned<>(e, new Cursor(0, OFFSETS.incrementAndGet()), false, System.currentTimeMillis());
    }

    private static LogEvent log(UUID job, String step, Level level, String message) {
        return new LogEvent(UUID.randomUUID(), job, Instant.now(), level, message, step, null, null);
    }
}
