package io.quaero.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import io.quaero.contracts.DeadLetterHeaders;
import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.event.StepState;
import io.quaero.infra.RealInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/** log-ingest-service against a real Kafka broker and a real PostgreSQL. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.ByteArraySerializer"})
@ContextConfiguration(initializers = RealInfrastructure.class)
// Closed after the class, so its listeners leave the consumer group before IngestResilienceTest.
@DirtiesContext
class JobEventIngestTest {


    private final EventCodec codec = new EventCodec();

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    @Test
    void logsOfAJobFirstSeenInEventsAreStoredWithGaplessLineNumbersInKafkaOrder() {
        UUID job = UUID.randomUUID();
        for (int i = 1; i <= 25; i++) {
            send(log(job, "line " + i));
        }
        awaitLines(job, 25);
        assertThat(jdbc.queryForList("SELECT message FROM job_logs WHERE job_id = ? ORDER BY line", String.class, job))
            .containsExactly(java.util.stream.IntStream.rangeClosed(1, 25).mapToObj(i -> "line " + i).toArray(String[]::new));
        assertThat(jdbc.queryForList("SELECT line FROM job_logs WHERE job_id = ? ORDER BY line", Long.class, job))
            .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 25).boxed().toList());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM jobs WHERE id = ?", Long.class, job)).isOne();
    }

    @Test
    void aBurstIsWrittenInBatchesNotOneTransactionPerRecord() {
        UUID job = UUID.randomUUID();
        double batchesBefore = batches();
        for (int i = 0; i < 3_000; i++) {
            kafka.send(Topics.JOB_EVENTS, Topics.jobKey(job), codec.encode(log(job, "burst " + i)));
        }
        kafka.flush();
        awaitLines(job, 3_000);
        var size = meters.find("quaero.ingest.batch.size").tag("topic", Topics.JOB_EVENTS).summary();
        assertThat(size.max()).as("largest batch").isGreaterThan(1);
        assertThat(batches() - batchesBefore).as("transactions for 3000 records").isLessThan(3_000);
    }

    private double batches() {
        var size = meters.find("quaero.ingest.batch.size").tag("topic", Topics.JOB_EVENTS).summary();
        return size == null ? 0 : size.count();
    }

    @Test
    void aRepeatedEventIdIsStoredOnceAndTakesNoLineNumber() {
        UUID job = UUID.randomUUID();
        LogEvent first = log(job, "first");
        send(first);
        send(first);
        send(log(job, "second"));
        awaitLines(job, 2);
        assertThat(jdbc.queryForList("SELECT line || ':' || message FROM job_logs WHERE job_id = ? ORDER BY line", String.class, job))
            .containsExactly("1:first", "2:second");
    }

    @Test
    void statusEventsMergeIntoJobAndStepsInKafkaOrder() {
        UUID job = UUID.randomUUID();
        send(status(job, JobStatus.RUNNING, 10, new StepState("extract", "Extract Data", JobStatus.RUNNING)));
        send(status(job, JobStatus.RUNNING, 60, new StepState("extract", null, JobStatus.COMPLETED),
            new StepState("load", "Load", JobStatus.RUNNING)));
        send(status(job, JobStatus.COMPLETED, 100, new StepState("load", "Load", JobStatus.COMPLETED)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(jdbc.queryForMap("SELECT status, progress FROM jobs WHERE id = ?", job))
                .containsEntry("status", "completed").containsEntry("progress", 100));
        assertThat(jdbc.queryForList("SELECT step_id || ':' || name || ':' || status FROM job_steps WHERE job_id = ? ORDER BY first_offset", String.class, job))
            .containsExactly("extract:Extract Data:completed", "load:Load:completed");
    }

    /** Issue 15: a step's times are the timestamps of the events that started and ended it, as the job's are. */
    @Test
    void aStepStartsWithItsFirstRunningEventAndFinishesWithItsTerminalOne() {
        UUID job = UUID.randomUUID();
        Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
        send(new StatusEvent(UUID.randomUUID(), job, t0, new JobState(JobStatus.RUNNING, 0),
            List.of(new StepState("extract", "Extract", JobStatus.RUNNING))));
        send(new StatusEvent(UUID.randomUUID(), job, t0.plusSeconds(3), null, List.of(new StepState("extract", null, JobStatus.RUNNING))));
        send(new StatusEvent(UUID.randomUUID(), job, t0.plusSeconds(7), null, List.of(new StepState("extract", null, JobStatus.COMPLETED),
            new StepState("report", "Report", JobStatus.COMPLETED))));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
            "SELECT count(*) FROM job_steps WHERE job_id = ? AND status = 'completed'", Long.class, job) == 2);
        assertThat(jdbc.query("SELECT step_id, started_at, finished_at FROM job_steps WHERE job_id = ? ORDER BY first_offset",
                (rs, i) -> rs.getString(1) + " " + (rs.getTimestamp(2) == null ? "-" : rs.getTimestamp(2).toInstant())
                    + " " + rs.getTimestamp(3).toInstant(), job))
            .as("started at the first running event, not the repeat; a step first seen finished has no start")
            .containsExactly("extract 2026-11-25T10:00:00Z 2026-11-25T10:00:07Z", "report - 2026-11-25T10:00:07Z");
    }

    /** A kind of bad record: what the producer sends, and what the dead letter must say. */
    record Poison(String kind, boolean wrongKey, String value, String reasonContains) {
        @Override
        public String toString() {
            return kind;
        }
    }

    static List<Poison> poisons() {
        String good = "{\"schema\":\"quaero.job-event/v1\",\"type\":\"log\",\"event_id\":\"%s\",\"job_id\":\"%s\","
            + "\"timestamp\":\"2026-11-23T10:30:00Z\",\"level\":\"info\",\"message\":\"%s\"}";
        return List.of(
            new Poison("broken JSON", false, "{\"schema\": \"quaero.job-event/v1\", oops", "malformed JSON"),
            new Poison("not an object", false, "[1, 2, 3]", "$"),
            new Poison("unknown schema", false, good.replace("job-event/v1", "job-event/v9"), "schema"),
            new Poison("missing field", false, good.replace(",\"message\":\"%s\"", "%s"), "message"),
            new Poison("wrong type", false, good.replace("\"level\":\"info\"", "\"level\":5"), "level"),
            new Poison("oversized message", false, good.replace("%s\"}", "x".repeat(70_000) + "%s\"}"), "longer than 65536 bytes"),
            new Poison("NUL in message", false, good.replace("\"message\":\"%s\"", "\"message\":\"a\\u0000b%s\""), "NUL"),
            new Poison("key is not the job id", true, good, "job_id"),
            new Poison("tombstone", false, null, "tombstone"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poisons")
    void aPoisonRecordGoesToTheDeadLetterTopicWithItsReasonAndTheGoodOnesAroundItAreStored(Poison poison) {
        UUID job = UUID.randomUUID();
        String key = poison.wrongKey() ? Topics.jobKey(UUID.randomUUID()) : Topics.jobKey(job);
        double deadBefore = deadLetterCount();
        send(log(job, "before"));
        byte[] value = poison.value() == null ? null
            : poison.value().formatted(UUID.randomUUID(), job, "").getBytes(StandardCharsets.UTF_8);
        var sent = kafka.send(Topics.JOB_EVENTS, key, value).join().getRecordMetadata();
        send(log(job, "after"));

        awaitLines(job, 2);
        assertThat(jdbc.queryForList("SELECT message FROM job_logs WHERE job_id = ? ORDER BY line", String.class, job))
            .containsExactly("before", "after");
        await().atMost(Duration.ofSeconds(20)).until(() -> !DeadLetterTopic.of(Topics.JOB_EVENTS, sent.partition(), sent.offset()).isEmpty());
        ConsumerRecord<String, byte[]> dead = DeadLetterTopic.of(Topics.JOB_EVENTS, sent.partition(), sent.offset()).getFirst();
        assertThat(DeadLetterTopic.header(dead, DeadLetterHeaders.REASON)).contains(poison.reasonContains());
        assertThat(DeadLetterTopic.header(dead, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(Topics.JOB_EVENTS);
        assertThat(dead.key()).isEqualTo(key);
        assertThat(dead.value()).isEqualTo(value);
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetterCount() >= deadBefore + 1);
    }

    private double deadLetterCount() {
        // One counter per reason (invalid-event, refused-by-database): all of them.
        return meters.find("quaero.ingest.dead.letters").tag("topic", Topics.JOB_EVENTS).counters().stream()
            .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private void awaitLines(UUID job, long lines) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job)).isEqualTo(lines));
    }

    private void send(JobEvent event) {
        kafka.send(Topics.JOB_EVENTS, Topics.jobKey(event.jobId()), codec.encode(event)).join();
    }

    private static LogEvent log(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, Instant.now().truncatedTo(ChronoUnit.MICROS), Level.INFO, message,
            "extract", "Extract Data", "test");
    }

    private static StatusEvent status(UUID job, JobStatus status, int progress, StepState... steps) {
        return new StatusEvent(UUID.randomUUID(), job, Instant.now(), new JobState(status, progress), List.of(steps));
    }
}
