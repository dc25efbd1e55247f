package io.quaero.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quaero.contracts.DeadLetterHeaders;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.DispatchCommand;
import io.quaero.contracts.event.EventCodec;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** Jobs from creation to their end, through real Kafka, the built-in workers and ingest. */
@JobServiceWithIngestTest
class JobLifecycleTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    JobsApi api;

    @BeforeEach
    void client() {
        api = new JobsApi(port);
    }

    @Test
    void aDemoJobRunsThroughItsStepsToCompleted() {
        UUID id = api.create("{\"type\":\"demo\",\"params\":{\"pages\":4,\"delay_ms\":5}}");

        await().atMost(WITHIN).until(() -> api.status(id).equals("completed"));
        JsonNode job = api.job(id);
        assertThat(job.get("type").stringValue()).isEqualTo("demo");
        assertThat(job.get("executor").stringValue()).isEqualTo("builtin");
        assertThat(job.get("params").get("pages").intValue()).isEqualTo(4);
        assertThat(job.get("params").get("delay_ms").intValue()).isEqualTo(5);
        assertThat(job.get("progress").intValue()).isEqualTo(100);
        assertThat(job.get("started_at").isNull()).isFalse();
        assertThat(job.get("finished_at")).isNotNull();
        assertThat(job.get("links").get("stream").stringValue()).isEqualTo("/api/jobs/" + id + "/logs/stream");
        assertThat(job.get("steps").valueStream().map(s -> s.get("id").stringValue() + ":" + s.get("status").stringValue()))
            .containsExactly("fetch:completed", "parse:completed", "index:completed");
        // Every line is stored, in order, each with its step; the last says the job completed.
        List<String> lines = jdbc.queryForList(
            "SELECT coalesce(step_id, '-') || ' ' || message FROM job_logs WHERE job_id = ? ORDER BY line", String.class, id);
        assertThat(lines).first().asString().startsWith("fetch Fetching 4 pages");
        assertThat(lines).last().asString().isEqualTo("index Job completed");
        assertThat(lines).anyMatch(l -> l.startsWith("parse Parsed page 4"));
        // Its lifecycle is in the service logs too, linked to the job.
        await().atMost(WITHIN).until(() -> jdbc.queryForList(
            "SELECT message FROM service_logs WHERE job_id = ? AND service = 'job-service' ORDER BY kafka_offset", String.class, id)
            .stream().anyMatch(m -> m.equals("job " + id + " (demo) completed")));
        assertThat(jdbc.queryForList("SELECT message FROM service_logs WHERE job_id = ? ORDER BY kafka_offset", String.class, id))
            .anyMatch(m -> m.startsWith("job " + id + " created: type demo"))
            .anyMatch(m -> m.startsWith("job " + id + " (demo) started on worker"));
    }

    @Test
    void aJobFailingInItsSecondStepEndsFailedWithItsErrorAndFatalLines() {
        UUID id = api.create("{\"type\":\"failing-etl\",\"params\":{\"rows\":200,\"delay_ms\":1}}");

        await().atMost(WITHIN).until(() -> api.status(id).equals("failed"));
        JsonNode job = api.job(id);
        assertThat(job.get("steps").valueStream().map(s -> s.get("id").stringValue() + ":" + s.get("status").stringValue()))
            .containsExactly("extract:completed", "transform:failed");
        assertThat(jdbc.queryForList(
            "SELECT level FROM job_logs WHERE job_id = ? AND step_id = 'transform' ORDER BY line", Integer.class, id))
            .contains(3, 4);
    }

    @Test
    void aLoadJobPublishesExactlyRateTimesDurationLinesAcrossItsSteps() {
        UUID id = api.create("{\"type\":\"load\",\"params\":{\"rate\":2000,\"duration_s\":4,\"steps\":4,\"error_every\":100}}");

        await().atMost(WITHIN).until(() -> api.status(id).equals("completed"));
        await().atMost(WITHIN).until(() -> count("SELECT count(*) FROM job_logs WHERE job_id = ?", id) >= 8_001);
        // 8,000 generated lines plus the closing "Job completed": none lost, none twice, gapless.
        assertThat(count("SELECT count(*) FROM job_logs WHERE job_id = ? AND message LIKE 'load line %'", id)).isEqualTo(8_000);
        assertThat(count("SELECT count(DISTINCT message) FROM job_logs WHERE job_id = ? AND message LIKE 'load line %'", id))
            .isEqualTo(8_000);
        assertThat(count("SELECT max(line) - min(line) + 1 FROM job_logs WHERE job_id = ?", id)).isEqualTo(8_001);
        assertThat(count("SELECT count(*) FROM job_logs WHERE job_id = ? AND level = 3", id)).isEqualTo(80);
        assertThat(count("SELECT count(DISTINCT step_id) FROM job_logs WHERE job_id = ?", id)).isEqualTo(4);
        assertThat(count("SELECT sum(lines) FROM job_log_counts WHERE job_id = ?", id)).isEqualTo(8_001);
    }

    @Test
    void cancellingARunningJobStopsItAndEndsItCancelled() {
        UUID id = api.create("{\"type\":\"load\",\"params\":{\"rate\":200,\"duration_s\":120,\"steps\":2}}");
        await().atMost(WITHIN).until(() -> count("SELECT count(*) FROM job_logs WHERE job_id = ?", id) > 50);

        JobsApi.Answer cancel = api.post("/api/jobs/" + id + "/cancel");

        assertThat(cancel.status()).isEqualTo(202);
        assertThat(cancel.body().get("cancel_requested").booleanValue()).isTrue();
        await().atMost(WITHIN).until(() -> api.status(id).equals("cancelled"));
        assertThat(api.job(id).get("steps").valueStream().map(s -> s.get("status").stringValue())).contains("cancelled");
        assertThat(jdbc.queryForObject("SELECT message FROM job_logs WHERE job_id = ? ORDER BY line DESC LIMIT 1",
            String.class, id)).startsWith("Cancelled by request");
        assertThat(count("SELECT count(*) FROM job_logs WHERE job_id = ?", id)).isLessThan(24_000);

        JobsApi.Answer again = api.post("/api/jobs/" + id + "/cancel");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body().get("error").stringValue()).isEqualTo("conflict");
        assertThat(again.body().get("field").stringValue()).isEqualTo("status");
    }

    @Test
    void cancellingAnExternalJobEndsItAndTellsItsWorkerOnTheDispatchTopic() {
        UUID id = api.create("{\"type\":\"nightly-report\",\"executor\":\"external\",\"params\":{\"region\":\"eu\"}}");
        assertThat(api.job(id).get("params").get("region").stringValue()).isEqualTo("eu");

        assertThat(api.post("/api/jobs/" + id + "/cancel").status()).isEqualTo(202);

        await().atMost(WITHIN).until(() -> api.status(id).equals("cancelled"));
        assertThat(api.job(id).get("reason").stringValue()).isEqualTo("cancelled by request");
        assertThat(dispatchCommandsFor(id)).hasAtLeastOneElementOfType(DispatchCommand.CancelCommand.class);
    }

    @Test
    void anExternalJobThatNeverReportsIsFailedAfterTheIdleTimeout() {
        UUID id = api.create("{\"type\":\"silent\",\"executor\":\"external\"}");

        await().atMost(WITHIN).until(() -> api.status(id).equals("failed"));
        assertThat(api.job(id).get("reason").stringValue()).startsWith("no event from the external worker since");
        assertThat(jdbc.queryForObject("SELECT message FROM job_logs WHERE job_id = ? ORDER BY line DESC LIMIT 1",
            String.class, id)).startsWith("Job failed: no event from the external worker");
    }

    @Test
    void jobsAreListedNewestFirstInPagesAndByStatusAndType() {
        String type = "paging-" + UUID.randomUUID().toString().substring(0, 8);
        List<UUID> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(api.create("{\"type\":\"" + type + "\",\"executor\":\"external\"}"));
        }
        List<UUID> seen = new ArrayList<>();
        String cursor = null;
        List<Integer> pageSizes = new ArrayList<>();
        do {
            JsonNode page = api.get("/api/jobs?type=" + type + "&limit=2" + (cursor == null ? "" : "&before=" + cursor)).body();
            pageSizes.add(page.get("jobs").size());
            page.get("jobs").forEach(j -> seen.add(UUID.fromString(j.get("id").stringValue())));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").stringValue();
        } while (cursor != null);

        assertThat(pageSizes).containsExactly(2, 2, 1);
        assertThat(seen).containsExactlyElementsOf(created.reversed());
        assertThat(api.get("/api/jobs?type=" + type + "&status=pending").body().get("jobs").size()).isEqualTo(5);
        assertThat(api.get("/api/jobs?type=" + type + "&status=completed").body().get("jobs").size()).isZero();
    }

    @Test
    void jobTypesDescribeTheirParamsAsJsonSchema() {
        JsonNode types = api.get("/api/job-types").body();

        assertThat(types.valueStream().map(t -> t.get("type").stringValue())).containsExactly("demo", "failing-etl", "load");
        JsonNode load = types.valueStream().filter(t -> t.get("type").stringValue().equals("load")).findFirst().orElseThrow();
        assertThat(load.get("params").get("additionalProperties").booleanValue()).isFalse();
        JsonNode rate = load.get("params").get("properties").get("rate");
        assertThat(rate.get("type").stringValue()).isEqualTo("integer");
        assertThat(rate.get("minimum").intValue()).isEqualTo(1);
        assertThat(rate.get("default").intValue()).isEqualTo(1000);
        assertThat(load.get("params").get("properties").propertyNames()).containsExactly("rate", "duration_s", "steps", "error_every");
    }

    @Test
    void aMalformedDispatchCommandIsDeadLetteredAndTheWorkersCarryOn() {
        UUID key = UUID.randomUUID();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
            "bootstrap.servers", TestInfrastructure.shared().endpoints().kafkaBootstrap(), "acks", "all"),
            new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.JOB_DISPATCH, key.toString(),
                "{\"schema\":\"quaero.job-dispatch/v1\",\"type\":\"explode\"}"));
        }

        await().atMost(WITHIN).until(() -> deadLetterReasonFor(key) != null);
        assertThat(deadLetterReasonFor(key)).contains("type").contains("explode");
        UUID next = api.create("{\"type\":\"demo\",\"params\":{\"pages\":1,\"delay_ms\":0}}");
        await().atMost(WITHIN).until(() -> api.status(next).equals("completed"));
    }

    private static String deadLetterReasonFor(UUID key) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
            "bootstrap.servers", TestInfrastructure.shared().endpoints().kafkaBootstrap()),
            new StringDeserializer(), new ByteArrayDeserializer())) {
            var partition = new TopicPartition(Topics.DEAD_LETTER, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    var reason = r.headers().lastHeader(DeadLetterHeaders.REASON);
                    if (key.toString().equals(r.key()) && reason != null) {
                        return new String(reason.value(), java.nio.charset.StandardCharsets.UTF_8);
                    }
                }
            }
            return null;
        }
    }

    private long count(String sql, UUID id) {
        Long n = jdbc.queryForObject(sql, Long.class, id);
        return n == null ? 0 : n;
    }

    private static List<DispatchCommand> dispatchCommandsFor(UUID id) {
        var codec = new EventCodec();
        List<DispatchCommand> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
            "bootstrap.servers", TestInfrastructure.shared().endpoints().kafkaBootstrap()),
            new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.JOB_DISPATCH).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key().equals(id.toString())) {
                        found.add(codec.decodeDispatch(r.value()));
                    }
                }
            }
        }
        return found;
    }
}
