package io.quaero.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import io.quaero.contracts.DeadLetterHeaders;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.ResetPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.gateway.hub.JobEventTail;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 10, end to end on real Kafka and Postgres with the real ingest beside the gateway: a few
 * hundred bad records — random bytes, truncated and deeply nested JSON, huge numbers, wrong types,
 * invalid UTF-8, NUL and unpaired surrogates, year 0, duplicate step ids, wrong keys — and records
 * the database itself refuses, mixed with good events of the same job. Every good event is stored
 * exactly once with gapless line numbers and streamed live; every bad one is in the dead-letter
 * topic with a reason; no consumer stops; a viewer shown a line the database then refused starts
 * over; a job afterwards streams and stores all its lines; health stays truthful.
 */
@GatewayWithIngestTest
class Issue10PoisonRecordsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * How long ingest may take to work through the poison: each dead letter costs ingest a
     * redelivery of the rest of its poll (measured ~0.2 s per bad record on this machine).
     */
    private static final Duration WORK_THROUGH = Duration.ofMinutes(4);
    private static final int GOOD = 200;
    /** A message the test makes PostgreSQL itself refuse, with a real CHECK constraint. */
    private static final String REFUSED_BY_DB = "db-refuses-this";

    private final EventCodec codec = new EventCodec();
    private final Random random = new Random(10);

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobEventTail tail;

    @AfterEach
    void dropConstraint() {
        jdbc.execute("ALTER TABLE job_logs DROP CONSTRAINT IF EXISTS issue10_refused");
    }

    @Test
    void badRecordsGoToTheDeadLetterTopicAndEveryGoodEventIsStoredOnceAndStreamedLive() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(tail::isTailing);
        jdbc.execute("ALTER TABLE job_logs ADD CONSTRAINT issue10_refused CHECK (message NOT LIKE '%" + REFUSED_BY_DB + "%')");
        UUID job = UUID.randomUUID();
        String key = Topics.jobKey(job);
        jdbc.update("INSERT INTO jobs (id) VALUES (?) ON CONFLICT DO NOTHING", job);

        try (var viewer = SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream"))) {
            assertThat(viewer.status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> viewer.next(SseEvents.LOGS, Duration.ofMillis(100)) != null);

            List<byte[]> bad = adversarialValues(job);
            Set<String> goodMessages = new HashSet<>();
            Map<String, String> badOffsets = new HashMap<>();
            int b = 0;
            for (int i = 1; i <= GOOD; i++) {
                String message = "good " + i;
                goodMessages.add(message);
                send(key, codec.encode(log(job, message)));
                for (int k = 0; k < 2 && b < bad.size(); k++, b++) {
                    badOffsets.put(send(key, bad.get(b)), "adversarial #" + b);
                }
                if (i % 70 == 0) {
                    badOffsets.put(send(key, codec.encode(log(job, REFUSED_BY_DB + " " + i))), "refused by the database");
                }
            }
            // A wrong key: the record lands in another partition, so it is checked there.
            String wrongKey = send(UUID.randomUUID().toString(), codec.encode(log(job, "good but under another key")));
            // Issue 10's fourth record: the huge exponent on the service-logs topic.
            send(Topics.SERVICE_LOGS, "gateway/x",
                "{\"schema\":\"quaero.service-log/v1\",\"x\":1e2147483648}".getBytes(StandardCharsets.UTF_8));

            long start = System.nanoTime();
            await().atMost(WORK_THROUGH).untilAsserted(() -> assertThat(storedLines(job)).hasSize(GOOD));
            System.out.printf("issue 10: %d good and %d bad records worked through in %.1f s%n", GOOD, badOffsets.size(),
                (System.nanoTime() - start) / 1e9);
            List<Map<String, Object>> rows = jdbc.queryForList(
                "SELECT line, message FROM job_logs WHERE job_id = ? ORDER BY line", job);
            assertThat(rows).extracting(r -> ((Number) r.get("line")).longValue())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, GOOD).boxed().toList());
            assertThat(rows).extracting(r -> (String) r.get("message")).containsExactlyInAnyOrderElementsOf(goodMessages);

            Map<String, String> reasons = deadLetters(Topics.JOB_EVENTS, badOffsets.size() + 1);
            for (var e : badOffsets.entrySet()) {
                assertThat(reasons).as("%s at %s", e.getValue(), e.getKey()).containsKey(e.getKey());
                assertThat(reasons.get(e.getKey())).as("its reason").isNotBlank();
            }
            assertThat(reasons).containsKey(wrongKey);

            // The viewer was shown the lines the database then refused: it is told to start over.
            ResetPayload reset = null;
            for (SseFrame f; reset == null && (f = viewer.next(Duration.ofSeconds(30))) != null; ) {
                if (f.event().equals(SseEvents.RESET)) {
                    reset = f.data(ResetPayload.class);
                }
            }
            assertThat(reset).as("a reset after storage refused lines it was shown").isNotNull();
            assertThat(reset.reason()).isEqualTo("record-rejected");
            assertThat(reset.cursor()).as("starts over").isNull();
        }

        // Starting over, the page sees exactly the stored lines with their stored numbers.
        try (var again = SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream?limit=1000"))) {
            LogsPayload initial = again.next(SseEvents.LOGS, WAIT).data(LogsPayload.class);
            assertThat(initial.logs()).extracting(LogEntry::line)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, GOOD).boxed().toList());
        }

        // Nothing stopped: a job afterwards streams live and is stored in full.
        UUID after = UUID.randomUUID();
        jdbc.update("INSERT INTO jobs (id) VALUES (?) ON CONFLICT DO NOTHING", after);
        try (var viewer = SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/jobs/" + after + "/logs/stream"))) {
            assertThat(viewer.next(SseEvents.LOGS, WAIT)).isNotNull();
            for (int i = 1; i <= 50; i++) {
                send(Topics.jobKey(after), codec.encode(log(after, "after " + i)));
            }
            List<LogEntry> live = new ArrayList<>();
            while (live.size() < 50) {
                SseFrame f = viewer.next(SseEvents.LOGS, WAIT);
                assertThat(f).as("live lines of the next job").isNotNull();
                live.addAll(f.data(LogsPayload.class).logs());
            }
            assertThat(live).extracting(LogEntry::line)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList());
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(storedLines(after)).hasSize(50));
        assertThat(tail.restartCount()).as("the tail never had to restart").isZero();
        assertThat(tail.skippedCount()).as("bad records the tail skipped").isPositive();
        var health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).contains("\"status\":\"UP\"");
    }

    /**
     * A few hundred values every consumer must refuse for this job's key: random bytes, broken and
     * hostile JSON, and valid-looking events with one bad field each.
     */
    private List<byte[]> adversarialValues(UUID job) {
        String id = UUID.randomUUID().toString();
        String head = "{\"schema\":\"quaero.job-event/v1\",\"type\":\"log\",\"event_id\":\"" + id + "\",\"job_id\":\"" + job
            + "\",\"timestamp\":\"2026-11-24T10:00:00Z\",\"level\":\"info\",";
        List<String> json = new ArrayList<>(List.of(
            "{\"schema\":\"quaero.job-event/v1\",\"type\":\"status\",\"x\":1e2147483648}",
            head.replace("2026-11-24T10:00:00Z", "0000-06-15T00:00:00Z") + "\"message\":\"year 0\"}",
            "{\"schema\":\"quaero.job-event/v1\",\"type\":\"status\",\"event_id\":\"" + id + "\",\"job_id\":\"" + job
                + "\",\"timestamp\":\"2026-11-24T10:00:00Z\",\"steps\":[{\"id\":\"a\",\"status\":\"running\"},"
                + "{\"id\":\"a\",\"status\":\"completed\"}]}",
            head + "\"message\":\"nul \\u0000 here\"}",
            head + "\"message\":\"lone \\ud800 surrogate\"}",
            head + "\"message\":\"" + "x".repeat(70_000) + "\"}",
            head + "\"message\":12}",
            head + "\"message\":\"m\",\"step_id\":\"a\\nb\"}",
            head + "\"message\":\"m\",\"extra\":1}",
            head + "\"message\":\"m\",\"message\":\"twice\"}",
            head.replace("\"info\"", "\"loud\"") + "\"message\":\"m\"}",
            head + "\"message\":\"m\"",
            "[".repeat(5_000) + "]".repeat(5_000),
            "{\"schema\":\"quaero.job-event/v1\",\"type\":\"log\",\"n\":" + "9".repeat(2_000) + "}",
            "null", "42", "\"a string\"", "{}", ""));
        List<byte[]> values = new ArrayList<>();
        json.forEach(s -> values.add(s.getBytes(StandardCharsets.UTF_8)));
        values.add(new byte[] {(byte) 0xC3, (byte) 0x28, '{', '}'});
        values.add(new byte[] {'{', '"', 's', '"', ':', '"', (byte) 0xFF, '"', '}'});
        byte[] valid = codec.encode(log(job, "truncated"));
        while (values.size() < 380) {
            byte[] v;
            switch (values.size() % 3) {
                case 0 -> {
                    v = new byte[random.nextInt(200)];
                    random.nextBytes(v);
                }
                case 1 -> v = java.util.Arrays.copyOf(valid, random.nextInt(valid.length - 1));
                default -> {
                    v = valid.clone();
                    // Break a structural byte: a quote, brace, colon or comma becomes garbage.
                    int at;
                    do {
                        at = random.nextInt(v.length);
                    } while ("\"{}:,".indexOf(v[at]) < 0);
                    v[at] = (byte) ('#' + random.nextInt(3));
                }
            }
            values.add(v);
        }
        return values;
    }

    private List<Long> storedLines(UUID job) {
        return jdbc.queryForList("SELECT line FROM job_logs WHERE job_id = ?", Long.class, job);
    }

    /** Original "partition-offset" → reason of the dead letters from {@code topic}, once at least {@code atLeast} are there. */
    private Map<String, String> deadLetters(String topic, int atLeast) {
        Map<String, String> found = new HashMap<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
            "bootstrap.servers", TestInfrastructure.shared().endpoints().kafkaBootstrap()),
            new StringDeserializer(), new ByteArrayDeserializer())) {
            var tp = new TopicPartition(Topics.DEAD_LETTER, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            await().atMost(WORK_THROUGH).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    var origin = DeadLetterHeaders.origin(r.headers());
                    var reason = r.headers().lastHeader(DeadLetterHeaders.REASON);
                    if (origin != null && origin.topic().equals(topic)) {
                        found.put(origin.partition() + "-" + origin.offset(), reason == null ? "" : new String(reason.value(), StandardCharsets.UTF_8));
                    }
                }
                return found.size() >= atLeast;
            });
        }
        return found;
    }

    /** Produces and returns where the record landed, as "partition-offset". */
    private String send(String key, byte[] value) throws Exception {
        return send(Topics.JOB_EVENTS, key, value);
    }

    private String send(String topic, String key, byte[] value) throws Exception {
        var meta = TestProducer.kafka().send(new ProducerRecord<>(topic, key, value)).get();
        return meta.partition() + "-" + meta.offset();
    }

    private static LogEvent log(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO, message, null, null, "test");
    }
}
