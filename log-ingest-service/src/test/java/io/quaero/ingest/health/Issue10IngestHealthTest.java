package io.quaero.ingest.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import io.quaero.infra.LocalPostgres;
import io.quaero.infra.RealInfrastructure;
import io.quaero.infra.TestInfrastructure;
import io.quaero.ingest.DeadLetterTopic;
import io.quaero.ingest.config.KafkaConfiguration;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * Issue 10: health never says UP while ingest is stuck, and an outage neither loses a record nor
 * dead-letters a good one, even when the batch it holds contains records that can never be stored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.ByteArraySerializer",
    "quaero.ingest.stuck-after=2s",
    // The pool gives up on an unreachable database after 1 s instead of 30 s, so the outage
    // reaches the listener (as a long one would) within this test's few seconds.
    "spring.datasource.hikari.connection-timeout=1000"})
@ContextConfiguration(initializers = RealInfrastructure.class)
// Closed after the class, so its listeners leave the consumer group before IngestResilienceTest.
@DirtiesContext
class Issue10IngestHealthTest {

    private static final String CONSTRAINT = "issue10_health_rejects";

    private final EventCodec codec = new EventCodec();

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    IngestHealthIndicator health;

    @BeforeEach
    void databaseRefusesMarkedMessages() {
        jdbc.execute("ALTER TABLE job_logs DROP CONSTRAINT IF EXISTS " + CONSTRAINT);
        jdbc.execute("ALTER TABLE job_logs ADD CONSTRAINT " + CONSTRAINT + " CHECK (message NOT LIKE '%db-rejects-this%')");
        await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.UP));
    }

    @AfterEach
    void databaseAcceptsThemAgain() {
        jdbc.execute("ALTER TABLE job_logs DROP CONSTRAINT IF EXISTS " + CONSTRAINT);
    }

    @Test
    void anOutageWithRecordsWaitingIsDownUntilTheyAreStoredAndOnlyTheBadOnesOfTheHeldBatchAreDeadLettered() throws Exception {
        LocalPostgres pg = TestInfrastructure.shared().localPostgres().orElse(null);
        assumeThat(pg).as("needs the embedded Postgres to stop and start").isNotNull();
        UUID job = UUID.randomUUID();
        // A batch stored before the outage, so there is a last commit to age.
        send(log(job, "good 0"));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
            "SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job) == 1);
        var container = listeners.getListenerContainer(KafkaConfiguration.JOB_EVENTS_LISTENER);
        RecordMetadata poison;
        RecordMetadata refused;
        // All five records reach the listener as one batch, during the outage.
        container.pause();
        await().atMost(Duration.ofSeconds(20)).until(container::isContainerPaused);
        Thread.sleep(1_000);
        pg.stop();
        try {
            send(log(job, "good 1"));
            poison = kafka.send(Topics.JOB_EVENTS, Topics.jobKey(job), "{\"oops".getBytes(StandardCharsets.UTF_8))
                .join().getRecordMetadata();
            send(log(job, "good 2"));
            refused = send(log(job, "refused db-rejects-this"));
            send(log(job, "good 3"));
            container.resume();

            await().atMost(Duration.ofSeconds(20)).until(() -> "stuck".equals(jobEvents().get("state")));
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat((Long) jobEvents().get("lag")).isGreaterThanOrEqualTo(5);
            assertThat(meters.get("quaero.ingest.lag").tag("topic", Topics.JOB_EVENTS).gauge().value()).isGreaterThanOrEqualTo(5);
            assertThat(meters.get("quaero.ingest.last.commit.age").tag("topic", Topics.JOB_EVENTS).timeGauge()
                .value(TimeUnit.SECONDS)).isGreaterThan(2);
        } finally {
            pg.start();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> health.health().getStatus().equals(Status.UP));
        assertThat(jdbc.queryForList("SELECT line || ':' || message FROM job_logs WHERE job_id = ? ORDER BY line", String.class, job))
            .containsExactly("1:good 0", "2:good 1", "3:good 2", "4:good 3");
        for (var bad : List.of(poison, refused)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !DeadLetterTopic.of(Topics.JOB_EVENTS, bad.partition(), bad.offset()).isEmpty());
            assertThat(DeadLetterTopic.of(Topics.JOB_EVENTS, bad.partition(), bad.offset())).as("dead letters at offset %d", bad.offset())
                .hasSize(1);
        }
    }

    @Test
    void aStoppedListenerIsDown() {
        var container = listeners.getListenerContainer(KafkaConfiguration.SERVICE_LOGS_LISTENER);
        container.stop();
        try {
            var status = health.health();
            assertThat(status.getStatus()).isEqualTo(Status.DOWN);
            assertThat(status.getDetails().get(KafkaConfiguration.SERVICE_LOGS_LISTENER).toString()).contains("state=stopped");
        } finally {
            container.start();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.UP));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> jobEvents() {
        return (Map<String, Object>) health.health().getDetails().get(KafkaConfiguration.JOB_EVENTS_LISTENER);
    }

    private RecordMetadata send(LogEvent event) {
        return kafka.send(Topics.JOB_EVENTS, Topics.jobKey(event.jobId()), codec.encode(event)).join().getRecordMetadata();
    }

    private static LogEvent log(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, Instant.now().truncatedTo(ChronoUnit.MICROS), Level.INFO, message,
            "extract", "Extract Data", "test");
    }
}
