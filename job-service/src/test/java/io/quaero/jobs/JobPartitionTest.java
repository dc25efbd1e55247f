package io.quaero.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/**
 * A job's partition is decided once, by its first event, and everything job-service publishes
 * for it later goes there: a built-in job's is where its {@code pending} landed; an external job
 * has none until its first event, and job-service publishes one itself only once ingest shows that
 * nothing of the job is in Kafka (else its cancel could land before the worker's lines).
 */
@JobServiceWithIngestTest
class JobPartitionTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    KafkaListenerEndpointRegistry listeners;
    JobsApi api;

    @BeforeEach
    void client() {
        api = new JobsApi(port);
    }

    @Test
    void aBuiltInJobsEventsAllGoToThePartitionItsPendingLandedOn() {
        UUID id = api.create("{\"type\":\"load\",\"params\":{\"rate\":200,\"duration_s\":1,\"steps\":2}}");
        int partition = api.job(id).get("partition").intValue();

        await().atMost(WITHIN).until(() -> api.status(id).equals("completed"));
        assertThat(jdbc.queryForList("SELECT DISTINCT kafka_partition FROM job_logs WHERE job_id = ?", Integer.class, id))
            .containsExactly(partition);
        assertThat(jdbc.queryForObject("SELECT kafka_partition FROM jobs WHERE id = ?", Integer.class, id)).isEqualTo(partition);
    }

    @Test
    void anExternalJobHasNoPartitionUntilItsFirstEventAndACancelWithNoneDecidesIt() {
        UUID id = api.create("{\"type\":\"quiet\",\"executor\":\"external\"}");
        assertThat(api.job(id).has("partition")).isFalse();

        assertThat(api.post("/api/jobs/" + id + "/cancel").status()).isEqualTo(202);

        int partition = api.job(id).get("partition").intValue();
        await().atMost(WITHIN).until(() -> api.status(id).equals("cancelled"));
        assertThat(jdbc.queryForList("SELECT kafka_partition FROM job_logs WHERE job_id = ?", Integer.class, id))
            .containsExactly(partition);
    }

    @Test
    void whileIngestIsBehindAnUnplacedExternalJobIsNeitherCancelledNorReaped() throws Exception {
        var ingest = listeners.getListenerContainer("ingest-job-events");
        UUID quiet = api.create("{\"type\":\"quiet\",\"executor\":\"external\"}");
        UUID cancelled = api.create("{\"type\":\"quiet\",\"executor\":\"external\"}");
        ingest.pause();
        try {
            // Something ingest has not stored: for all job-service knows, it is these jobs' first event.
            publishUnrelatedEvent();

            JobsApi.Answer refused = api.post("/api/jobs/" + cancelled + "/cancel");

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.raw().headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.body().get("message").stringValue()).contains("no recorded partition");
            assertThat(api.job(cancelled).get("cancel_requested").booleanValue()).as("nothing changed").isFalse();
            // The refusal waited publish-timeout (10 s), longer than external-idle-timeout (4 s)
            // plus a reaper pass: a job judged by what ingest stored is not judged now.
            assertThat(api.status(quiet)).isEqualTo("pending");
            assertThat(api.job(quiet).has("reason")).isFalse();
        } finally {
            ingest.resume();
        }
        assertThat(api.post("/api/jobs/" + cancelled + "/cancel").status()).isEqualTo(202);
        await().atMost(WITHIN).until(() -> api.status(quiet).equals("failed"));
    }

    private static void publishUnrelatedEvent() throws Exception {
        UUID other = UUID.randomUUID();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
            "bootstrap.servers", TestInfrastructure.shared().endpoints().kafkaBootstrap(), "acks", "all"),
            new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(other), new EventCodec().encode(
                new LogEvent(UUID.randomUUID(), other, Instant.now(), Level.INFO, "not stored yet", null, null, null)))).get();
        }
    }
}
