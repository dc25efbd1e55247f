package io.quaero.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.DeadLetterHeaders;
import io.quaero.contracts.ForwardedHeader;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * A job's events are stored only from the job's partition (where its first event landed). One
 * found elsewhere is copied there and stored once, however often it is copied (a copy repeated
 * after a crash mid-forward is de-duplicated by its event id); a copy that is not in its job's
 * partition cannot be made consistent and is dead-lettered, naming the field; a status copied
 * there after a later one of its job does not undo it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "spring.kafka.producer.value-serializer=org.apache.kafka.common.serialization.ByteArraySerializer"})
@ContextConfiguration(initializers = RealInfrastructure.class)
// Closed after the class, so its listeners leave the consumer group before IngestResilienceTest.
@DirtiesContext
class ForwardingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final EventCodec codec = new EventCodec();

    @Autowired
    KafkaTemplate<String, byte[]> kafka;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anEventInAnotherPartitionIsCopiedToTheJobsAndStoredOnceEvenWhenCopiedTwice() throws Exception {
        UUID job = UUID.randomUUID();
        send(0, log(job, "first: decides partition 0"), null);
        await().atMost(WAIT).until(() -> messages(job).size() == 1);

        LogEvent elsewhere = log(job, "second, sent to partition 3");
        RecordMetadata original = send(3, elsewhere, null);
        await().atMost(WAIT).until(() -> messages(job).size() == 2);
        // The copy a crash between copying and committing would make again.
        send(0, elsewhere, new Cursor(original.partition(), original.offset()));
        send(0, log(job, "third"), null);

        await().atMost(WAIT).until(() -> messages(job).size() == 3);
        assertThat(messages(job)).containsExactly("first: decides partition 0", "second, sent to partition 3", "third");
        assertThat(jdbc.queryForList("SELECT line FROM job_logs WHERE job_id = ? ORDER BY kafka_offset", Long.class, job))
            .containsExactly(1L, 2L, 3L);
        assertThat(jdbc.queryForList("SELECT DISTINCT kafka_partition FROM job_logs WHERE job_id = ?", Integer.class, job))
            .containsExactly(0);
    }

    @Test
    void aCopyOutsideItsJobsPartitionIsDeadLetteredNamingThePartition() throws Exception {
        UUID job = UUID.randomUUID();
        send(1, log(job, "first: decides partition 1"), null);
        await().atMost(WAIT).until(() -> messages(job).size() == 1);

        RecordMetadata misplaced = send(2, log(job, "a copy in the wrong place"), new Cursor(4, 7));
        send(1, log(job, "after it"), null);

        await().atMost(WAIT).until(() -> !DeadLetterTopic.of(Topics.JOB_EVENTS, 2, misplaced.offset()).isEmpty());
        String reason = DeadLetterTopic.header(DeadLetterTopic.of(Topics.JOB_EVENTS, 2, misplaced.offset()).getFirst(),
            DeadLetterHeaders.REASON);
        assertThat(reason).contains("partition: a copy forwarded to partition 2, but job " + job + " is in partition 1");
        await().atMost(WAIT).until(() -> messages(job).size() == 2);
        assertThat(messages(job)).containsExactly("first: decides partition 1", "after it");
    }

    /**
     * A worker that ignores keys sent "running" to partition 3, then "completed" to partition 0,
     * and ingest read partition 0 first (another consumer, another instance, or simply its
     * order): the job is in partition 0 and completed before the copy of "running" arrives there.
     * The copy comes after it in the partition but was sent before it, as its time says: it does
     * not reopen the job or its step; what it adds (the start time) is kept.
     */
    @Test
    void aStatusCopiedFromAnotherPartitionDoesNotUndoALaterOneTheJobAlreadyHas() throws Exception {
        UUID job = UUID.randomUUID();
        Instant started = Instant.parse("2026-11-23T10:30:00.000001Z");
        Instant finished = started.plusMillis(2);
        send(0, new StatusEvent(UUID.randomUUID(), job, finished, new JobState(JobStatus.COMPLETED, 100),
            List.of(new StepState("all", "All", JobStatus.COMPLETED))), null);
        await().atMost(WAIT).until(() -> "completed".equals(status(job)));

        send(3, new StatusEvent(UUID.randomUUID(), job, started, new JobState(JobStatus.RUNNING, 0),
            List.of(new StepState("all", "All", JobStatus.RUNNING))), null);
        // Copied after the status, in the same order: once it is stored, so is the status's copy.
        send(3, log(job, "sent after running"), null);
        await().atMost(WAIT).until(() -> messages(job).contains("sent after running"));

        assertThat(jdbc.queryForMap("SELECT status, progress, started_at, finished_at FROM jobs WHERE id = ?", job))
            .containsEntry("status", "completed").containsEntry("progress", 100)
            .containsEntry("started_at", java.sql.Timestamp.from(started))
            .containsEntry("finished_at", java.sql.Timestamp.from(finished));
        assertThat(jdbc.queryForObject("SELECT status FROM job_steps WHERE job_id = ? AND step_id = 'all'", String.class, job))
            .isEqualTo("completed");
    }

    private String status(UUID job) {
        return jdbc.query("SELECT status FROM jobs WHERE id = ?", rs -> rs.next() ? rs.getString(1) : null, job);
    }

    private RecordMetadata send(int partition, JobEvent event, Cursor copiedFrom) throws Exception {
        var headers = new RecordHeaders();
        if (copiedFrom != null) {
            headers.add(ForwardedHeader.NAME, ForwardedHeader.value(copiedFrom));
        }
        return kafka.send(new ProducerRecord<>(Topics.JOB_EVENTS, partition, Topics.jobKey(event.jobId()), codec.encode(event),
            headers)).get().getRecordMetadata();
    }

    private List<String> messages(UUID job) {
        return jdbc.queryForList("SELECT message FROM job_logs WHERE job_id = ? ORDER BY line", String.class, job);
    }

    private static LogEvent log(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO, message, null, null, null);
    }
}
