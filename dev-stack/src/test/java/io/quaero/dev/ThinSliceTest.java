package io.quaero.dev;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.gateway.hub.JobEventTail;
import io.quaero.infra.RealInfrastructure;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole flow, as in the dev stack: an event produced to Kafka is stored by log-ingest and
 * reaches a browser-like SSE client through the stream gateway, all real, one origin.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = DevStackApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = RealInfrastructure.class)
class ThinSliceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);


    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobEventTail tail;

    @Test
    void aLogEventProducedToKafkaIsStoredByIngestAndArrivesOverSseFromTheGateway() throws Exception {
        UUID job = UUID.randomUUID();
        await().atMost(WAIT).until(tail::isTailing);
        try (var producer = producer()) {
            produce(producer, log(job, "stored before anyone watched"));
            await().atMost(WAIT).until(() -> stored(job) == 1);

            try (var sse = SseClient.open(URI.create("http://localhost:" + port + "/api/jobs/" + job + "/logs/stream"))) {
                assertThat(sse.status()).isEqualTo(200);
                LogsPayload backlog = sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class);
                assertThat(backlog.logs()).extracting(LogEntry::message).containsExactly("stored before anyone watched");
                assertThat(backlog.logs().getFirst().line()).isEqualTo(1);

                produce(producer, log(job, "live while watched"));
                LogsPayload live = sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class);
                assertThat(live.logs()).extracting(LogEntry::message).containsExactly("live while watched");
                assertThat(live.logs().getFirst().line()).isEqualTo(2);
                assertThat(live.meta().totalCount()).isEqualTo(2);
            }
            // The gateway numbered the live line as ingest stored it: one number everywhere.
            await().atMost(WAIT).until(() -> stored(job) == 2);
            assertThat(jdbc.queryForObject("SELECT line FROM job_logs WHERE job_id = ? AND message = 'live while watched'",
                Long.class, job)).isEqualTo(2);
        }
    }

    @Test
    void anEventProducedByANonJavaClientFollowingTheJsonSchemaArrivesOverSse() throws Exception {
        File kcat = new File("/usr/bin/kcat");
        if (!"true".equals(System.getenv("CI"))) {
            assumeThat(kcat).as("kcat (Debian package kcat); .ci/run installs it").exists();
        }
        assertThat(kcat).as("kcat must be installed in CI").exists();
        UUID job = UUID.randomUUID();
        await().atMost(WAIT).until(tail::isTailing);
        String json = """
            {"schema":"quaero.job-event/v1","type":"log","event_id":"%s","job_id":"%s",\
            "timestamp":"2026-11-23T10:30:00.5+01:00","level":"warning","message":"from kcat","step_name":"Fetch"}"""
            .formatted(UUID.randomUUID(), job);
        var process = new ProcessBuilder(kcat.getPath(), "-P", "-b", TestInfrastructure.shared().endpoints().kafkaBootstrap(),
            "-t", Topics.JOB_EVENTS, "-K", "|")
            .redirectErrorStream(true).start();
        process.getOutputStream().write((job + "|" + json + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();

        await().atMost(WAIT).until(() -> stored(job) == 1);
        try (var sse = SseClient.open(URI.create("http://localhost:" + port + "/api/jobs/" + job + "/logs/stream"))) {
            LogEntry entry = sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class).logs().getFirst();
            assertThat(entry.message()).isEqualTo("from kcat");
            assertThat(entry.level()).isEqualTo("warn");
            assertThat(entry.timestamp()).isEqualTo(Instant.parse("2026-11-23T09:30:00.5Z"));
        }
    }

    @Test
    void thePagesAreServedOnTheSameOriginWithTheirScripts() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var home = client.send(java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/")).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(home.statusCode()).isEqualTo(302);
        assertThat(home.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/jobs"));
        var jobs = client.send(java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/jobs")).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(jobs.statusCode()).isEqualTo(200);
        assertThat(jobs.body()).contains("x-data=\"jobsList()\"").contains("serviceLogViewer()")
            .contains("/static/js/log-stream.js").contains("/static/vendor/alpinejs-csp/");
        for (String asset : java.util.List.of("/static/js/wire.js", "/static/js/log-stream.js", "/static/js/log-components.js", "/static/css/log-stream.css")) {
            var response = client.send(java.net.http.HttpRequest.newBuilder(URI.create("http://localhost:" + port + asset)).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(asset).isEqualTo(200);
        }
    }

    private long stored(UUID job) {
        return jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job);
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of("bootstrap.servers", TestInfrastructure.shared().endpoints().kafkaBootstrap(),
            "acks", "all"), new StringSerializer(), new ByteArraySerializer());
    }

    private void produce(KafkaProducer<String, byte[]> producer, LogEvent event) throws Exception {
        producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(event.jobId()), codec.encode(event))).get();
    }

    private static LogEvent log(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO, message, "fetch", "Fetch", "thin-slice");
    }
}
