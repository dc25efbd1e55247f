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
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
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
 * partition cannot be made consistent and is dead-lettered, naming the field.
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

    private RecordMetadata send(int partition, LogEvent event, Cursor copiedFrom) throws Exception {
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
