package io.quaero.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import io.quaero.infra.Endpoints;
import io.quaero.infra.ServiceProcess;
import io.quaero.infra.LocalPostgres;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Ingest under failure, with real parts: the service runs as its own process (the one consumer of
 * the group: the other test classes close their contexts when done), is killed with SIGKILL in
 * the middle of a stream, and sees the database go away under load. Either way every event must
 * end up stored exactly once, with gapless line numbers and counters that match.
 */
class IngestResilienceTest {

    private final EventCodec codec = new EventCodec();
    private final List<Process> children = new ArrayList<>();
    private final JdbcTemplate jdbc = jdbc(TestInfrastructure.shared().endpoints());

    private static JdbcTemplate jdbc(Endpoints e) {
        return new JdbcTemplate(new DriverManagerDataSource(e.jdbcUrl(), e.dbUser(), e.dbPassword()));
    }

    @AfterEach
    void stopChildren() throws InterruptedException {
        // SIGTERM: the service leaves the consumer group cleanly, so the next one starts at once.
        for (Process p : children) {
            p.destroy();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void aProcessKilledMidBatchAndReplacedStoresEveryEventExactlyOnce() throws Exception {
        List<UUID> jobs = jobs(10);
        int total = 40_000;
        // Killed mid-stream: whatever it stored but did not commit to Kafka is redelivered to
        // the next instance, and must not be stored twice.
        Process first = startIngestProcess("first");
        try (var producer = producer()) {
            for (int i = 0; i < total; i++) {
                send(producer, log(jobs.get(i % jobs.size()), "line " + i));
            }
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> stored(jobs) >= total / 4);
        first.destroyForcibly().waitFor();
        long atKill = stored(jobs);
        startIngestProcess("second");

        await().atMost(Duration.ofSeconds(120)).until(() -> stored(jobs) >= total);
        assertThat(atKill).as("killed before the end").isLessThan(total);
        assertExactlyOnce(jobs, total);
    }

    @Test
    void aPostgresOutageUnderLoadPausesIngestAndLosesNothing() throws Exception {
        LocalPostgres pg = TestInfrastructure.shared().localPostgres().orElse(null);
        assumeThat(pg).as("needs the embedded Postgres to stop and start").isNotNull();
        List<UUID> jobs = jobs(5);
        startIngestProcess("outage");
        var sent = new AtomicInteger();
        var producing = new AtomicBoolean(true);
        Thread load = Thread.ofPlatform().name("outage test load").start(() -> {
            try (var producer = producer()) {
                while (producing.get()) {
                    for (int i = 0; i < 50; i++) {
                        int n = sent.getAndIncrement();
                        send(producer, log(jobs.get(n % jobs.size()), "line " + n));
                    }
                    producer.flush();
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> stored(jobs) > 200);
            pg.stop();
            Thread.sleep(4_000);
            int sentDuringOutage = sent.get();
            pg.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> stored(jobs) > sentDuringOutage);
        } finally {
            producing.set(false);
            load.join();
            pg.start();
        }
        int total = sent.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> stored(jobs) >= total);
        assertExactlyOnce(jobs, total);
    }

    private void assertExactlyOnce(List<UUID> jobs, int total) {
        UUID[] ids = jobs.toArray(UUID[]::new);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ANY(?)", Long.class, (Object) ids))
            .isEqualTo(total);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT event_id) FROM job_logs WHERE job_id = ANY(?)", Long.class, (Object) ids))
            .isEqualTo(total);
        for (UUID job : jobs) {
            Map<String, Object> lines = jdbc.queryForMap(
                "SELECT count(*) AS n, min(line) AS lo, max(line) AS hi, count(DISTINCT line) AS d FROM job_logs WHERE job_id = ?", job);
            long n = (Long) lines.get("n");
            assertThat(lines).as("job %s lines are 1..n, each once", job)
                .containsEntry("lo", 1L).containsEntry("hi", n).containsEntry("d", n);
            assertThat(jdbc.queryForObject("SELECT sum(lines) FROM job_log_counts WHERE job_id = ?", Long.class, job)).isEqualTo(n);
            assertThat(jdbc.queryForObject("SELECT last_line FROM jobs WHERE id = ?", Long.class, job)).isEqualTo(n);
        }
        // Kafka order within each job: line order is offset order.
        assertThat(jdbc.queryForObject("""
            SELECT count(*) FROM (SELECT kafka_offset < lag(kafka_offset) OVER (PARTITION BY job_id ORDER BY line) AS back
                                  FROM job_logs WHERE job_id = ANY(?)) t WHERE back""", Long.class, (Object) ids)).isZero();
    }

    private Process startIngestProcess(String name) throws Exception {
        Endpoints e = TestInfrastructure.shared().endpoints();
        Process p = ServiceProcess.start(LogIngestApplication.class, e, new File("target/ingest-" + name + ".log"), List.of(
            "--server.port=0",
            // A SIGKILLed member holds its partitions until its session expires: keep that short
            // (the broker's minimum) so the replacement takes over within seconds.
            "--spring.kafka.consumer.properties.session.timeout.ms=6000",
            "--spring.kafka.consumer.properties.heartbeat.interval.ms=1500"));
        children.add(p);
        // The service creates its topics at start; producing before that would block.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            try (var admin = Admin.create(Map.of("bootstrap.servers", e.kafkaBootstrap()))) {
                return admin.listTopics().names().get().contains(Topics.JOB_EVENTS);
            }
        });
        return p;
    }

    private long stored(List<UUID> jobs) {
        try {
            return jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ANY(?)", Long.class,
                (Object) jobs.toArray(UUID[]::new));
        } catch (org.springframework.dao.DataAccessException databaseDown) {
            return -1;
        }
    }

    private static List<UUID> jobs(int n) {
        List<UUID> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(UUID.randomUUID());
        }
        return jobs;
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(
            "bootstrap.servers", TestInfrastructure.shared().endpoints().kafkaBootstrap(),
            "acks", "all", "enable.idempotence", "true", "linger.ms", "5", "max.block.ms", "20000"),
            new StringSerializer(), new ByteArraySerializer());
    }

    private void send(KafkaProducer<String, byte[]> producer, LogEvent log) {
        producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(log.jobId()), codec.encode(log)));
    }

    private static LogEvent log(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO, message, "step-1", "Step 1", "resilience");
    }
}
