package io.quaero.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import io.micrometer.core.instrument.MeterRegistry;
import io.quaero.contracts.DeadLetterHeaders;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.infra.RealInfrastructure;
import io.quaero.ingest.config.KafkaConfiguration;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * Issue 10, "nothing a worker sends may stop Quaero": records PostgreSQL itself refuses (a real
 * CHECK constraint, added by the test) are dead-lettered one by one, and everything around them is
 * stored once, in order, with gapless line numbers and counters that match.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.ByteArraySerializer"})
@ContextConfiguration(initializers = RealInfrastructure.class)
// Closed after the class, so its listeners leave the consumer group before IngestResilienceTest.
@DirtiesContext
class Issue10RejectedRecordsTest {

    /** A message containing this is refused by the database, through the constraint below. */
    static final String REJECTED = "db-rejects-this";
    static final String CONSTRAINT = "issue10_db_rejects";

    private final EventCodec codec = new EventCodec();

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @BeforeEach
    void databaseRefusesMarkedMessages() {
        rejectMarkedMessages(jdbc);
    }

    @AfterEach
    void databaseAcceptsThemAgain() {
        for (String table : List.of("job_logs", "service_logs")) {
            jdbc.execute("ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + CONSTRAINT);
        }
    }

    /** On the partitioned parents, so every daily partition (and each made later) has it. */
    static void rejectMarkedMessages(JdbcTemplate jdbc) {
        for (String table : List.of("job_logs", "service_logs")) {
            jdbc.execute("ALTER TABLE " + table + " DROP CONSTRAINT IF EXISTS " + CONSTRAINT);
            jdbc.execute("ALTER TABLE " + table + " ADD CONSTRAINT " + CONSTRAINT + " CHECK (message NOT LIKE '%" + REJECTED + "%')");
        }
    }

    @Test
    void rowsPostgresRefusesAreDeadLetteredAloneAndEveryOtherLineIsStoredOnceWithGaplessNumbers() throws Exception {
        List<UUID> jobs = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        // Refused at the start, in runs of two and three, and at the very end; one poison record too.
        Set<Integer> refused = Set.of(0, 7, 8, 40, 41, 42, 88, 89);
        int poison = 20;
        double deadBefore = deadLetters(Topics.JOB_EVENTS);
        Map<UUID, List<String>> expected = new LinkedHashMap<>();
        jobs.forEach(job -> expected.put(job, new ArrayList<>()));
        List<CompletableFuture<SendResult<String, byte[]>>> bad = new ArrayList<>();
        CompletableFuture<SendResult<String, byte[]>> poisonSent = null;
        CompletableFuture<SendResult<String, byte[]>> last = null;

        // Held back while producing, so the records reach the listener as a few large batches.
        try (var held = hold(KafkaConfiguration.JOB_EVENTS_LISTENER)) {
            for (int i = 0; i < 90; i++) {
                UUID job = jobs.get(i % jobs.size());
                if (i == poison) {
                    poisonSent = kafka.send(Topics.JOB_EVENTS, Topics.jobKey(job), "{\"oops".getBytes(StandardCharsets.UTF_8));
                    continue;
                }
                String message = refused.contains(i) ? "line " + i + " " + REJECTED : "line " + i;
                last = kafka.send(Topics.JOB_EVENTS, Topics.jobKey(job), codec.encode(log(job, message)));
                if (refused.contains(i)) {
                    bad.add(last);
                } else {
                    expected.get(job).add(message);
                }
            }
            kafka.flush();
        }

        for (UUID job : jobs) {
            List<String> lines = expected.get(job);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                jdbc.queryForList("SELECT message FROM job_logs WHERE job_id = ? ORDER BY line", String.class, job))
                .containsExactlyElementsOf(lines));
            assertThat(jdbc.queryForList("SELECT line FROM job_logs WHERE job_id = ? ORDER BY line", Long.class, job))
                .containsExactlyElementsOf(LongStream.rangeClosed(1, lines.size()).boxed().toList());
            assertThat(jdbc.queryForObject("SELECT sum(lines) FROM job_log_counts WHERE job_id = ?", Long.class, job))
                .isEqualTo(lines.size());
            assertThat(jdbc.queryForObject("SELECT last_line FROM jobs WHERE id = ?", Long.class, job)).isEqualTo(lines.size());
        }
        for (var sent : bad) {
            assertDeadLetteredOnce(Topics.JOB_EVENTS, sent.join().getRecordMetadata(), CONSTRAINT, "23514");
        }
        assertDeadLetteredOnce(Topics.JOB_EVENTS, poisonSent.join().getRecordMetadata(), "invalid event", "malformed JSON");
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters(Topics.JOB_EVENTS) >= deadBefore + refused.size() + 1);
        // The last record was refused; ingest_progress is past it all the same.
        RecordMetadata end = last.join().getRecordMetadata();
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
            "SELECT next_offset FROM ingest_progress WHERE topic = ? AND kafka_partition = ?", Long.class,
            Topics.JOB_EVENTS, end.partition()) > end.offset());

        // The consumer kept going: a job that comes afterwards is stored in full.
        UUID after = UUID.randomUUID();
        for (int i = 1; i <= 10; i++) {
            kafka.send(Topics.JOB_EVENTS, Topics.jobKey(after), codec.encode(log(after, "after " + i)));
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
            jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, after)).isEqualTo(10));
        assertThat(listeners.getListenerContainer(KafkaConfiguration.JOB_EVENTS_LISTENER).isRunning()).isTrue();
    }

    @Test
    void serviceLogsPostgresRefusesAreDeadLetteredAloneAndTheOthersStoredOnce() throws Exception {
        String run = UUID.randomUUID().toString();
        Set<Integer> refused = Set.of(0, 5, 6, 19);
        List<String> expected = new ArrayList<>();
        List<CompletableFuture<SendResult<String, byte[]>>> bad = new ArrayList<>();
        try (var held = hold(KafkaConfiguration.SERVICE_LOGS_LISTENER)) {
            for (int i = 0; i < 20; i++) {
                String message = run + " line " + i + (refused.contains(i) ? " " + REJECTED : "");
                var sent = kafka.send(Topics.SERVICE_LOGS, "test/issue10", codec.encode(new ServiceLogEvent(UUID.randomUUID(),
                    Instant.now().truncatedTo(ChronoUnit.MICROS), Level.INFO, message, "test", "issue10", "test.Logger", null)));
                if (refused.contains(i)) {
                    bad.add(sent);
                } else {
                    expected.add(message);
                }
            }
            kafka.flush();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.queryForList(
            "SELECT message FROM service_logs WHERE message LIKE ? ORDER BY kafka_offset", String.class, run + "%"))
            .containsExactlyElementsOf(expected));
        for (var sent : bad) {
            assertDeadLetteredOnce(Topics.SERVICE_LOGS, sent.join().getRecordMetadata(), CONSTRAINT, "23514");
        }
        // One statement, one snapshot: the counters equal what is stored.
        assertThat(jdbc.queryForObject(
            "SELECT (SELECT sum(lines) FROM service_log_counts) = (SELECT count(*) FROM service_logs)", Boolean.class)).isTrue();
    }

    @Test
    void aRecordTooLargeForADeadLetterIsDeadLetteredWithoutItsContentAndIngestGoesOn() {
        UUID job = UUID.randomUUID();
        // As large as a producer's default max.request.size allows: with the reason added, no
        // dead letter of it fits under the same limit.
        byte[] huge = ("{\"x\":\"" + "x".repeat(1_048_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        var sent = kafka.send(Topics.JOB_EVENTS, Topics.jobKey(job), huge).join().getRecordMetadata();
        kafka.send(Topics.JOB_EVENTS, Topics.jobKey(job), codec.encode(log(job, "after the huge one"))).join();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
            jdbc.queryForList("SELECT message FROM job_logs WHERE job_id = ?", String.class, job)).containsExactly("after the huge one"));
        assertDeadLetteredOnce(Topics.JOB_EVENTS, sent, "invalid event", huge.length + "-byte value are left out");
        assertThat(DeadLetterTopic.of(Topics.JOB_EVENTS, sent.partition(), sent.offset()).getFirst().value()).isNull();
    }

    /** Pauses a listener until closed, and makes sure the records produced meanwhile are fetched together. */
    private AutoCloseable hold(String listenerId) throws InterruptedException {
        var container = listeners.getListenerContainer(listenerId);
        container.pause();
        await().atMost(Duration.ofSeconds(20)).until(container::isContainerPaused);
        // A fetch in flight when the pause began returns within fetch.max.wait.ms (500 ms) with
        // whatever it found; after that, nothing is fetched until resume.
        Thread.sleep(1_000);
        return container::resume;
    }

    private static void assertDeadLetteredOnce(String topic, RecordMetadata sent, String... reasonContains) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !DeadLetterTopic.of(topic, sent.partition(), sent.offset()).isEmpty());
        var dead = DeadLetterTopic.of(topic, sent.partition(), sent.offset());
        assertThat(dead).as("dead letters of %s-%d@%d", topic, sent.partition(), sent.offset()).hasSize(1);
        assertThat(DeadLetterTopic.header(dead.getFirst(), DeadLetterHeaders.REASON)).contains(reasonContains);
    }

    private double deadLetters(String topic) {
        // One counter per reason (invalid-event, refused-by-database): all of them.
        return meters.find("quaero.ingest.dead.letters").tag("topic", topic).counters().stream()
            .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private static LogEvent log(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, Instant.now().truncatedTo(ChronoUnit.MICROS), Level.INFO, message,
            "extract", "Extract Data", "test");
    }
}
