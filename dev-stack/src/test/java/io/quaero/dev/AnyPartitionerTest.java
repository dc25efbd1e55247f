package io.quaero.dev;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import io.micrometer.core.instrument.MeterRegistry;
import io.quaero.contracts.Cursor;
import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.event.StepState;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.contracts.sse.StatusPayload;
import io.quaero.gateway.StreamGatewayApplication;
import io.quaero.gateway.hub.JobEventTail;
import io.quaero.infra.ForeignPartitioners;
import io.quaero.infra.RealInfrastructure;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A worker on any Kafka client's default partitioner works end to end. A job is created over REST
 * for an external worker that publishes with librdkafka's default ({@code consistent_random}:
 * CRC32 of the key; kcat here) or Sarama's (FNV-1a; a Java producer with that partitioner), in a
 * partition other than the one Java's murmur2 gives. Its lines are stored once with gapless
 * numbers, its stream resumes exactly on a second gateway while ingest is paused, and a cancel
 * reaches the browser after the lines that preceded it. A producer that ignores keys
 * (round-robin) splits a job over partitions: ingest forwards to the job's partition, stores each
 * line once, and says so in the service logs.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = DevStackApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = RealInfrastructure.class)
class AnyPartitionerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final File KCAT = new File("/usr/bin/kcat");
    private static ConfigurableApplicationContext secondGateway;

    private final EventCodec codec = new EventCodec();
    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobEventTail tail;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    MeterRegistry meters;

    @BeforeAll
    static void startSecondGateway() {
        var args = new ArrayList<String>(List.of("--server.port=0", "--spring.main.banner-mode=off",
            "--spring.application.name=second-gateway"));
        TestInfrastructure.shared().endpoints().springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
        secondGateway = new SpringApplicationBuilder(StreamGatewayApplication.class).run(args.toArray(String[]::new));
    }

    @AfterAll
    static void stopSecondGateway() {
        secondGateway.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kcat (librdkafka consistent_random, CRC32)", "Java with FNV-1a (Sarama's default)"})
    void aRestCreatedJobOnAnotherClientsPartitionerStreamsResumesOnAnotherGatewayAndCancelsInOrder(String client)
        throws Exception {
        await().atMost(WAIT).until(() -> tail.isTailing() && secondGateway.getBean(JobEventTail.class).isTailing());
        try (Worker worker = client.startsWith("kcat") ? new KcatWorker() : new JavaWorker(ForeignPartitioners.Fnv1a.class)) {
            int partitions = tail.partitionCount();
            UUID job = createJobOutsideMurmur2Partition(worker, partitions);
            int partition = worker.partitionOf(job, partitions);
            assertThat(getJob(job).has("partition")).as("no partition before the worker's first event").isFalse();

            worker.send(status(job, JobStatus.RUNNING, new StepState("build", "Build", JobStatus.RUNNING)));
            for (int i = 1; i <= 20; i++) {
                worker.send(log(job, "line " + i));
            }
            worker.flush();
            await().atMost(WAIT).until(() -> stored(job) == 20);
            assertThat(getJob(job).path("partition").asInt(-1)).as("the worker's partition became the job's").isEqualTo(partition);

            String cursor;
            try (var sse = SseClient.open(stream(port, job, "?limit=1000"))) {
                assertThat(sse.status()).isEqualTo(200);
                SseFrame first = sse.next(SseEvents.LOGS, WAIT);
                assertThat(first.data(LogsPayload.class).logs()).extracting(LogEntry::line)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
                cursor = first.id();
                assertThat(Cursor.parse(cursor).partition()).isEqualTo(partition);
            }

            var ingest = listeners.getListenerContainer("ingest-job-events");
            ingest.pause();
            try {
                for (int i = 21; i <= 30; i++) {
                    worker.send(log(job, "line " + i));
                }
                worker.flush();
                int secondPort = secondGateway.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
                try (var sse = SseClient.open(stream(secondPort, job, ""), Map.of("Last-Event-ID", cursor))) {
                    assertThat(sse.status()).as("a resume on another gateway, ingest paused").isEqualTo(200);
                    List<LogEntry> seen = new ArrayList<>();
                    while (seen.size() < 10) {
                        SseFrame f = sse.next(SseEvents.LOGS, WAIT);
                        assertThat(f).as("lines after the cursor (seen %s)", seen.size()).isNotNull();
                        seen.addAll(f.data(LogsPayload.class).logs());
                    }
                    assertThat(seen).extracting(LogEntry::line).containsExactlyElementsOf(LongStream.rangeClosed(21, 30).boxed().toList());
                    assertThat(seen).extracting(LogEntry::message).containsExactlyElementsOf(
                        LongStream.rangeClosed(21, 30).mapToObj(i -> "line " + i).toList());

                    var cancel = post("/api/jobs/" + job + "/cancel");
                    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
                    List<LogEntry> after = new ArrayList<>();
                    String status = null;
                    while (status == null || !status.equals("cancelled")) {
                        SseFrame f = sse.next(WAIT);
                        assertThat(f).as("the cancel on the stream").isNotNull();
                        if (f.event().equals(SseEvents.LOGS)) {
                            after.addAll(f.data(LogsPayload.class).logs());
                        } else if (f.event().equals(SseEvents.STATUS)) {
                            status = f.data(StatusPayload.class).job().status();
                        }
                    }
                    assertThat(after).as("the cancel's line comes after the worker's lines, before 'cancelled'").singleElement()
                        .satisfies(l -> {
                            assertThat(l.line()).isEqualTo(31);
                            assertThat(l.message()).startsWith("Cancelled by request");
                            assertThat(Cursor.parse(l.cursor()).partition()).isEqualTo(partition);
                        });
                }
            } finally {
                ingest.resume();
            }

            await().atMost(WAIT).until(() -> stored(job) == 31 && "cancelled".equals(getJob(job).path("status").asString()));
            assertThat(jdbc.queryForList("SELECT line FROM job_logs WHERE job_id = ? ORDER BY kafka_offset", Long.class, job))
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 31).boxed().toList());
            assertThat(jdbc.queryForList("SELECT DISTINCT kafka_partition FROM job_logs WHERE job_id = ?", Integer.class, job))
                .containsExactly(partition);
        }
    }

    @Test
    void aProducerThatIgnoresKeysHasItsEventsForwardedToTheJobsPartitionAndIsReported() throws Exception {
        await().atMost(WAIT).until(tail::isTailing);
        double forwardedBefore = forwarded();
        UUID job = UUID.randomUUID();
        try (Worker worker = new JavaWorker(RoundRobinPartitioner.class)) {
            worker.send(status(job, JobStatus.RUNNING, new StepState("all", "All", JobStatus.RUNNING)));
            for (int i = 1; i <= 30; i++) {
                worker.send(log(job, "line " + i));
            }
            worker.send(status(job, JobStatus.COMPLETED, new StepState("all", "All", JobStatus.COMPLETED)));
            worker.flush();
        }
        await().atMost(WAIT).until(() -> stored(job) == 30);
        Integer partition = jdbc.queryForObject("SELECT kafka_partition FROM jobs WHERE id = ?", Integer.class, job);
        assertThat(jdbc.queryForList("SELECT line FROM job_logs WHERE job_id = ? ORDER BY kafka_offset", Long.class, job))
            .as("each line once, numbered gaplessly in the job partition's order")
            .containsExactlyElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
        assertThat(jdbc.queryForList("SELECT message FROM job_logs WHERE job_id = ?", String.class, job))
            .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 30).mapToObj(i -> "line " + i).toList());
        assertThat(jdbc.queryForList("SELECT DISTINCT kafka_partition FROM job_logs WHERE job_id = ?", Integer.class, job))
            .containsExactly(partition);
        await().atMost(WAIT).until(() -> "completed".equals(
            jdbc.queryForObject("SELECT status FROM jobs WHERE id = ?", String.class, job)));
        assertThat(forwarded() - forwardedBefore).as("copies made by ingest").isGreaterThan(0);

        try (var sse = SseClient.open(stream(port, job, "?limit=1000"))) {
            assertThat(sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class).logs()).extracting(LogEntry::line)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 30).boxed().toList());
        }
        await("a warning naming the job in the service logs").atMost(WAIT).until(() -> jdbc.queryForObject(
            "SELECT count(*) FROM service_logs WHERE level = ? AND message LIKE ?", Long.class,
            Level.WARN.severity(), "%job " + job + ": an event arrived on partition%") >= 1);
    }

    /**
     * Creates external jobs until one lands, for {@code worker}'s partitioner, outside the
     * partition Java's murmur2 picks (5 in 6 do), cancelling the others: the point is a partition
     * job-service could not have guessed.
     */
    private UUID createJobOutsideMurmur2Partition(Worker worker, int partitions) throws Exception {
        for (int attempt = 0; ; attempt++) {
            var created = post("/api/jobs", """
                {"type": "any-client", "executor": "external"}""");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            UUID job = UUID.fromString(json.readTree(created.body()).path("id").asString());
            int murmur2 = Utils.toPositive(Utils.murmur2(Topics.jobKey(job).getBytes(StandardCharsets.UTF_8))) % partitions;
            if (worker.partitionOf(job, partitions) != murmur2) {
                return job;
            }
            assertThat(attempt).as("partitioners that always agree with murmur2").isLessThan(20);
            var cancel = post("/api/jobs/" + job + "/cancel");
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(202);
        }
    }

    private JsonNode getJob(UUID job) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job)).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN)
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static URI stream(int port, UUID job, String query) {
        return URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream" + query);
    }

    private long stored(UUID job) {
        return jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job);
    }

    private double forwarded() {
        var counter = meters.find("quaero.ingest.forwarded").tag("topic", Topics.JOB_EVENTS).counter();
        return counter == null ? 0 : counter.count();
    }

    private static LogEvent log(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO, message, "build", "Build", "any-client");
    }

    private static StatusEvent status(UUID job, JobStatus status, StepState step) {
        return new StatusEvent(UUID.randomUUID(), job, Instant.now(), new JobState(status, null), List.of(step));
    }

    /** A worker publishing with some client's own partitioner, as a real one would. */
    private interface Worker extends AutoCloseable {

        void send(JobEvent event) throws IOException;

        /** Returns once what was sent is delivered. */
        void flush() throws Exception;

        /** The partition this client's partitioner puts the job in. */
        int partitionOf(UUID job, int partitions);
    }

    /**
     * kcat with librdkafka's defaults: {@code partitioner=consistent_random}, CRC32 of the key.
     * Events are buffered; {@link #flush} runs one kcat over them and waits for it to deliver
     * everything and exit.
     */
    private final class KcatWorker implements Worker {

        private final ByteArrayOutputStream lines = new ByteArrayOutputStream();

        KcatWorker() {
            if (!"true".equals(System.getenv("CI"))) {
                assumeThat(KCAT).as("kcat (Debian package kcat); .ci/run installs it").exists();
            }
            assertThat(KCAT).as("kcat must be installed in CI").exists();
        }

        @Override
        public void send(JobEvent event) throws IOException {
            lines.write((Topics.jobKey(event.jobId()) + "|").getBytes(StandardCharsets.UTF_8));
            lines.write(codec.encode(event));
            lines.write('\n');
        }

        @Override
        public void flush() throws Exception {
            var process = new ProcessBuilder(KCAT.getPath(), "-P", "-b", TestInfrastructure.shared().endpoints().kafkaBootstrap(),
                "-t", Topics.JOB_EVENTS, "-K", "|").redirectErrorStream(true).start();
            try (OutputStream in = process.getOutputStream()) {
                lines.writeTo(in);
            }
            lines.reset();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("kcat delivered and exited").isTrue();
            assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        }

        @Override
        public int partitionOf(UUID job, int partitions) {
            return ForeignPartitioners.Crc32.partition(Topics.jobKey(job).getBytes(StandardCharsets.UTF_8), partitions);
        }

        @Override
        public void close() {
        }
    }

    /** A Java producer with a given partitioner class. */
    private final class JavaWorker implements Worker {

        private final KafkaProducer<String, byte[]> producer;
        private final Class<? extends Partitioner> partitioner;

        JavaWorker(Class<? extends Partitioner> partitioner) {
            this.partitioner = partitioner;
            producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.shared().endpoints().kafkaBootstrap(),
                ProducerConfig.PARTITIONER_CLASS_CONFIG, partitioner.getName(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public void send(JobEvent event) {
            producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(event.jobId()), codec.encode(event)));
        }

        @Override
        public void flush() {
            producer.flush();
        }

        @Override
        public int partitionOf(UUID job, int partitions) {
            assertThat(partitioner).as("a partitioner that keeps a key in one partition").isEqualTo(ForeignPartitioners.Fnv1a.class);
            return ForeignPartitioners.Fnv1a.partition(Topics.jobKey(job).getBytes(StandardCharsets.UTF_8), partitions);
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
