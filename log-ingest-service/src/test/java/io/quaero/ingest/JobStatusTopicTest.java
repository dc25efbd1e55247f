package io.quaero.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.event.StepState;
import io.quaero.contracts.sse.JobStatusChange;
import io.quaero.contracts.sse.StepView;
import io.quaero.infra.RealInfrastructure;
import io.quaero.infra.TestInfrastructure;
import io.quaero.ingest.config.KafkaConfiguration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * The status topic the jobs feed reads: ingest publishes each status change it stored, in Kafka
 * order per job, only once the transaction that stored it has committed; what it refuses, what it
 * could not store (an outage) and what it set aside to forward are not published, a forwarded
 * change is published once, when its copy is stored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.ByteArraySerializer"})
@ContextConfiguration(initializers = RealInfrastructure.class)
// Closed after the class, so its listeners leave the consumer group before IngestResilienceTest.
@DirtiesContext
class JobStatusTopicTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A step name containing this is refused by the database, through the constraint below. */
    private static final String REJECTED = "db-rejects-this";
    private static final String CONSTRAINT = "status_topic_test_rejects";

    private final EventCodec codec = new EventCodec();

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    private StatusTopic topic;

    @BeforeEach
    void readTheStatusTopicFromItsEnd() {
        topic = new StatusTopic();
    }

    @AfterEach
    void closeIt() {
        topic.close();
        jdbc.execute("ALTER TABLE job_steps DROP CONSTRAINT IF EXISTS " + CONSTRAINT);
    }

    @Test
    void storedChangesArePublishedInOrderPerJobAndRefusedOnesAreNot() throws Exception {
        jdbc.execute("ALTER TABLE job_steps ADD CONSTRAINT " + CONSTRAINT + " CHECK (name NOT LIKE '%" + REJECTED + "%')");
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        RecordMetadata refused;
        RecordMetadata poison;
        // One poll: the refused change is isolated by splitting the batch, the rest is stored.
        try (var held = hold()) {
            send(status(a, JobStatus.PENDING, null));
            send(steps(b, new StepState("extract", "Extract", JobStatus.RUNNING)));
            send(log(a, "fetching"));
            send(status(c, JobStatus.RUNNING, 10));
            refused = send(steps(b, new StepState("load", "Load " + REJECTED, JobStatus.RUNNING)));
            send(status(a, JobStatus.RUNNING, 50));
            poison = kafka.send(Topics.JOB_EVENTS, Topics.jobKey(c), ("{\"schema\":\"quaero.job-event/v1\",\"type\":\"status\","
                + "\"event_id\":\"" + UUID.randomUUID() + "\",\"job_id\":\"" + c + "\",\"timestamp\":\"2026-11-23T10:30:00Z\","
                + "\"job\":{\"status\":\"runing\"}}").getBytes(StandardCharsets.UTF_8)).get().getRecordMetadata();
            send(status(b, JobStatus.COMPLETED, 100));
            send(status(c, JobStatus.COMPLETED, null));
            send(new StatusEvent(UUID.randomUUID(), a, now(), new JobState(JobStatus.FAILED, null),
                List.of(new StepState("load", null, JobStatus.FAILED))));
        }

        topic.awaitChanges(Map.of(a, 3, b, 2, c, 2));
        assertThat(topic.changesOf(a)).containsExactly(
            change(a, "pending", null),
            change(a, "running", 50),
            new JobStatusChange(new JobStatusChange.Job(a.toString(), "failed", null), List.of(new StepView("load", null, "failed"))));
        assertThat(topic.changesOf(b)).containsExactly(
            new JobStatusChange(new JobStatusChange.Job(b.toString(), null, null), List.of(new StepView("extract", "Extract", "running"))),
            change(b, "completed", 100));
        assertThat(topic.changesOf(c)).containsExactly(change(c, "running", 10), change(c, "completed", null));
        // Refused indeed (not merely late): both went to the dead letters, and nothing more is published.
        await().atMost(WAIT).until(() -> !DeadLetterTopic.of(Topics.JOB_EVENTS, refused.partition(), refused.offset()).isEmpty());
        await().atMost(WAIT).until(() -> !DeadLetterTopic.of(Topics.JOB_EVENTS, poison.partition(), poison.offset()).isEmpty());
        topic.poll(Duration.ofSeconds(1));
        assertThat(topic.changesOf(b)).hasSize(2);
        assertThat(topic.changesOf(c)).hasSize(2);
        assertThat(jdbc.queryForList("SELECT step_id FROM job_steps WHERE job_id = ?", String.class, b)).containsExactly("extract");
    }

    /** Ingest is held inside its transaction by a lock on the job's row: the change is not published before it commits. */
    @Test
    void aChangeIsPublishedOnlyOnceItsTransactionHasCommitted() throws Exception {
        UUID job = UUID.randomUUID();
        send(status(job, JobStatus.PENDING, null));
        topic.awaitChanges(Map.of(job, 1));
        assertThat(storedStatus(job)).isEqualTo("pending");

        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (var select = lock.prepareStatement("SELECT 1 FROM jobs WHERE id = ? FOR UPDATE")) {
                select.setObject(1, job);
                select.executeQuery().close();
            }
            send(status(job, JobStatus.RUNNING, 70));
            topic.poll(Duration.ofSeconds(2));
            assertThat(topic.changesOf(job)).as("published while its transaction waits").hasSize(1);
            lock.rollback();
        }
        topic.awaitChanges(Map.of(job, 2));
        assertThat(storedStatus(job)).as("stored when it is on the topic").isEqualTo("running");
        assertThat(topic.changesOf(job).getLast()).isEqualTo(change(job, "running", 70));
    }

    /**
     * A poll the database cannot store (here: a table gone, an outage to ingest, which retries the
     * whole poll) publishes nothing, not even the change before the one it cannot store; once the
     * database is back, the retry stores and publishes them all, once, in order.
     */
    @Test
    void aPollThatDidNotCommitPublishesNothingUntilItsRetryDoes() throws Exception {
        UUID job = UUID.randomUUID();
        try {
            // One job, one partition: the three changes come in one poll.
            try (var held = hold()) {
                jdbc.execute("ALTER TABLE job_steps RENAME TO job_steps_away");
                send(status(job, JobStatus.RUNNING, 1));
                send(steps(job, new StepState("s", "S", JobStatus.RUNNING)));
                send(status(job, JobStatus.RUNNING, 2));
            }
            topic.poll(Duration.ofSeconds(3));
            assertThat(topic.changesOf(job)).as("published while the poll cannot be stored").isEmpty();
            assertThat(storedStatus(job)).isNull();
        } finally {
            jdbc.execute("ALTER TABLE IF EXISTS job_steps_away RENAME TO job_steps");
        }
        topic.awaitChanges(Map.of(job, 3));
        topic.poll(Duration.ofSeconds(1));
        assertThat(topic.changesOf(job)).containsExactly(
            change(job, "running", 1),
            new JobStatusChange(new JobStatusChange.Job(job.toString(), null, null), List.of(new StepView("s", "S", "running"))),
            change(job, "running", 2));
        assertThat(storedStatus(job)).isEqualTo("running");
    }

    @Test
    void aChangeInAnotherPartitionThanItsJobsIsPublishedOnceWhenItsCopyIsStored() throws Exception {
        UUID job = UUID.randomUUID();
        send(0, status(job, JobStatus.PENDING, null));
        topic.awaitChanges(Map.of(job, 1));
        send(3, status(job, JobStatus.RUNNING, 30));
        // Copied to partition 0 when ingest reads it: what is sent there before may come first.
        topic.awaitChanges(Map.of(job, 2));
        send(0, status(job, JobStatus.COMPLETED, 100));

        topic.awaitChanges(Map.of(job, 3));
        topic.poll(Duration.ofSeconds(1));
        assertThat(topic.changesOf(job)).containsExactly(
            change(job, "pending", null), change(job, "running", 30), change(job, "completed", 100));
        assertThat(topic.partitionsOf(job)).as("one key, one partition of the status topic").hasSize(1);
    }

    /**
     * A copy that arrives after a later change of its job (by the time the worker gave each) does
     * not take effect where that change is in force, so it is not published there either: the feed
     * keeps the job "completed", as the database does. Its step had no state yet: that part takes
     * effect, and is published alone. The newer change copied after it is published whole.
     */
    @Test
    void whatACopyOlderThanTheStateInForceChangesIsNotPublished() throws Exception {
        UUID job = UUID.randomUUID();
        Instant finished = now();
        send(0, new StatusEvent(UUID.randomUUID(), job, finished, new JobState(JobStatus.COMPLETED, 100), List.of()));
        topic.awaitChanges(Map.of(job, 1));
        send(3, new StatusEvent(UUID.randomUUID(), job, finished.minusMillis(1), new JobState(JobStatus.RUNNING, 50),
            List.of(new StepState("report", "Report", JobStatus.RUNNING))));
        send(3, new StatusEvent(UUID.randomUUID(), job, finished.plusMillis(1), null,
            List.of(new StepState("report", null, JobStatus.COMPLETED))));

        topic.awaitChanges(Map.of(job, 3));
        topic.poll(Duration.ofSeconds(1));
        assertThat(topic.changesOf(job)).containsExactly(change(job, "completed", 100),
            new JobStatusChange(new JobStatusChange.Job(job.toString(), null, null), List.of(new StepView("report", "Report", "running"))),
            new JobStatusChange(new JobStatusChange.Job(job.toString(), null, null), List.of(new StepView("report", null, "completed"))));
        assertThat(storedStatus(job)).isEqualTo("completed");
    }

    /** The status topic from its end at the start of a test: the changes each job got, in order. */
    private static final class StatusTopic implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Map<UUID, List<JobStatusChange>> changes = new HashMap<>();
        private final Map<UUID, List<Integer>> partitions = new HashMap<>();

        StatusTopic() {
            consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.shared().endpoints().kafkaBootstrap()),
                new StringDeserializer(), new ByteArrayDeserializer());
            await().atMost(WAIT).until(() -> !consumer.partitionsFor(Topics.JOB_STATUS).isEmpty());
            var all = consumer.partitionsFor(Topics.JOB_STATUS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(all);
            consumer.seekToEnd(all);
            all.forEach(consumer::position);
        }

        /** Reads what arrives within {@code time}. */
        void poll(Duration time) {
            long deadline = System.nanoTime() + time.toNanos();
            while (System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(100))) {
                    UUID job = UUID.fromString(r.key());
                    var change = JobStatusChange.fromJson(r.value());
                    assertThat(change.job().id()).as("key and value name one job").isEqualTo(r.key());
                    changes.computeIfAbsent(job, j -> new ArrayList<>()).add(change);
                    partitions.computeIfAbsent(job, j -> new ArrayList<>()).add(r.partition());
                }
            }
        }

        void awaitChanges(Map<UUID, Integer> atLeast) {
            await().atMost(WAIT).pollDelay(Duration.ZERO).until(() -> {
                poll(Duration.ofMillis(200));
                return atLeast.entrySet().stream().allMatch(e -> changesOf(e.getKey()).size() >= e.getValue());
            });
        }

        List<JobStatusChange> changesOf(UUID job) {
            return changes.getOrDefault(job, List.of());
        }

        List<Integer> partitionsOf(UUID job) {
            return partitions.getOrDefault(job, List.of()).stream().distinct().toList();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** Pauses the job-events listener until closed, so the records produced meanwhile are fetched together. */
    private AutoCloseable hold() throws InterruptedException {
        var container = listeners.getListenerContainer(KafkaConfiguration.JOB_EVENTS_LISTENER);
        container.pause();
        await().atMost(WAIT).until(container::isContainerPaused);
        // A fetch in flight when the pause began returns within fetch.max.wait.ms (500 ms).
        Thread.sleep(1_000);
        return container::resume;
    }

    private String storedStatus(UUID job) {
        return jdbc.query("SELECT status FROM jobs WHERE id = ?", rs -> rs.next() ? rs.getString(1) : null, job);
    }

    private RecordMetadata send(JobEvent event) throws Exception {
        return kafka.send(Topics.JOB_EVENTS, Topics.jobKey(event.jobId()), codec.encode(event)).get().getRecordMetadata();
    }

    private RecordMetadata send(int partition, JobEvent event) throws Exception {
        return kafka.send(new ProducerRecord<>(Topics.JOB_EVENTS, partition, Topics.jobKey(event.jobId()), codec.encode(event)))
            .get().getRecordMetadata();
    }

    private static JobStatusChange change(UUID job, String status, Integer progress) {
        return new JobStatusChange(new JobStatusChange.Job(job.toString(), status, progress), null);
    }

    private static StatusEvent status(UUID job, JobStatus status, Integer progress) {
        return new StatusEvent(UUID.randomUUID(), job, now(), new JobState(status, progress), List.of());
    }

    private static StatusEvent steps(UUID job, StepState... steps) {
        return new StatusEvent(UUID.randomUUID(), job, now(), null, List.of(steps));
    }

    private static LogEvent log(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, now(), Level.INFO, message, null, null, "status-topic-test");
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
