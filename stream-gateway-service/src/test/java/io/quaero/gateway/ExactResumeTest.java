package io.quaero.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;

import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.gateway.hub.JobEventTail;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/**
 * Invariant 2, as a property: a client that disconnects at random points and resumes with
 * {@code Last-Event-ID} on either of two gateway instances — sometimes while ingest is paused, so
 * the database lags behind Kafka — sees every line exactly once, in order, with its one number.
 */
@GatewayWithIngestTest
class ExactResumeTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static ConfigurableApplicationContext secondGateway;

    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobEventTail tail;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @BeforeAll
    static void startSecondGateway() {
        var args = new ArrayList<String>(List.of("--server.port=0", "--spring.main.banner-mode=off",
            "--spring.application.name=second-gateway"));
        TestInfrastructure.shared().endpoints().springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
        secondGateway = new SpringApplicationBuilder(StreamGatewayApplication.class).run(args.toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        secondGateway.close();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 42, 2026})
    void resumingAtRandomPointsOnEitherInstanceLosesAndRepeatsNothing(long seed) throws Exception {
        var random = new Random(seed);
        var ingest = listeners.getListenerContainer("ingest-job-events");
        await().atMost(WAIT).until(tail::isTailing);
        await().atMost(WAIT).until(() -> secondGateway.getBean(JobEventTail.class).isTailing());
        UUID job = UUID.randomUUID();
        int total = 120;
        int produced = 0;
        produced = produce(job, produced, 10);
        await().atMost(WAIT).until(() -> stored(job) == 10);

        List<LogEntry> seen = new ArrayList<>();
        String cursor = null;
        while (seen.size() < total) {
            boolean pause = random.nextBoolean();
            if (pause) {
                ingest.pause();
            }
            int port = random.nextBoolean() ? this.port : secondGatewayPort();
            try (var sse = cursor == null ? SseClient.open(uri(port, job, "?limit=1000"))
                : SseClient.open(uri(port, job, ""), Map.of("Last-Event-ID", cursor))) {
                assertThat(sse.status()).isEqualTo(200);
                // Some events happen while the client is away, some while it watches.
                produced = produce(job, produced, Math.min(total - produced, random.nextInt(15)));
                int want = Math.min(total, seen.size() + 1 + random.nextInt(25));
                while (seen.size() < want) {
                    if (produced < want) {
                        produced = produce(job, produced, want - produced);
                    }
                    SseFrame f = sse.next(SseEvents.LOGS, WAIT);
                    assertThat(f).as("logs within %s (seen %d, produced %d)", WAIT, seen.size(), produced).isNotNull();
                    List<LogEntry> batch = f.data(LogsPayload.class).logs();
                    seen.addAll(batch);
                    if (!batch.isEmpty()) {
                        cursor = f.id();
                    }
                }
            } finally {
                if (pause) {
                    ingest.resume();
                }
            }
        }
        assertThat(seen).extracting(LogEntry::line).containsExactlyElementsOf(
            IntStream.rangeClosed(1, seen.size()).mapToObj(i -> (long) i).toList());
        assertThat(seen).extracting(LogEntry::message).containsExactlyElementsOf(
            IntStream.range(0, seen.size()).mapToObj(i -> "line " + i).toList());
        // The numbers the stream gave are the numbers ingest stored.
        await().atMost(WAIT).until(() -> stored(job) == seen.size());
        assertThat(jdbc.queryForList("SELECT line FROM job_logs WHERE job_id = ? ORDER BY kafka_offset", Long.class, job))
            .containsExactlyElementsOf(seen.stream().map(LogEntry::line).toList());
    }

    @org.junit.jupiter.api.Test
    void aSecondViewerArrivingWhileTheDatabaseLagsGetsTheWindowExactly() throws Exception {
        var ingest = listeners.getListenerContainer("ingest-job-events");
        await().atMost(WAIT).until(tail::isTailing);
        UUID job = UUID.randomUUID();
        int produced = produce(job, 0, 3);
        await().atMost(WAIT).until(() -> stored(job) == 3);
        try (var first = SseClient.open(uri(port, job, "?limit=1000"))) {
            assertThat(first.next(SseEvents.LOGS, WAIT).data(LogsPayload.class).logs()).hasSize(3);
            ingest.pause();
            try {
                produced = produce(job, produced, 7);
                List<LogEntry> live = new ArrayList<>();
                while (live.size() < 7) {
                    live.addAll(first.next(SseEvents.LOGS, WAIT).data(LogsPayload.class).logs());
                }
                // The database has 3 lines, Kafka 10: the second viewer needs the window.
                try (var second = SseClient.open(uri(port, job, "?limit=1000"))) {
                    List<LogEntry> seen = new ArrayList<>();
                    while (seen.size() < 10) {
                        SseFrame f = second.next(SseEvents.LOGS, WAIT);
                        assertThat(f).as("logs (seen %d)", seen.size()).isNotNull();
                        seen.addAll(f.data(LogsPayload.class).logs());
                    }
                    assertThat(seen).extracting(LogEntry::line).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
                    assertThat(seen.subList(3, 10)).isEqualTo(live);
                }
            } finally {
                ingest.resume();
            }
        }
    }

    private int secondGatewayPort() {
        return Integer.parseInt(secondGateway.getEnvironment().getProperty("local.server.port"));
    }

    private int produce(UUID job, int from, int count) throws Exception {
        for (int i = from; i < from + count; i++) {
            var log = new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO, "line " + i, null, null, "resume-test");
            TestProducer.kafka().send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(job), codec.encode(log))).get();
        }
        return from + count;
    }

    private long stored(UUID job) {
        return jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job);
    }

    private static URI uri(int port, UUID job, String query) {
        return URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream" + query);
    }
}
