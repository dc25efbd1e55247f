package io.quaero.gateway;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.LogsDeletedEvent;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.ResetPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.contracts.sse.SseJson;
import io.quaero.contracts.sse.StatusPayload;
import io.quaero.gateway.hub.Hub;
import io.quaero.gateway.hub.JobEventTail;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A browser's one connection carries several logs (two jobs and the service logs here), each
 * with its own numbering, counts and exact resume: EventSource's own reconnect, with the
 * connection's id, brings each channel exactly what it missed.
 */
@GatewayWithIngestTest
class SharedStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobEventTail tail;

    @Autowired
    Hub hub;

    @Test
    void oneConnectionCarriesTwoJobsAndTheServiceLogsTwiceEachAndResumesEachExactly() throws Exception {
        await().atMost(WAIT).until(tail::isTailing);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        produce(a, 1, 5);
        produce(b, 1, 3);
        await().atMost(WAIT).until(() -> stored(a) == 5 && stored(b) == 3);
        String channels = """
            [{"id":"a","job":"%s","limit":"100"},{"id":"b","job":"%s"},{"id":"s","service":true,"limit":"5"},
             {"id":"a2","job":"%s","q":"line 1"},{"id":"s2","service":true,"level":"error"}]"""
            .formatted(a, b, a);
        int before = hub.connectionCount();

        String resumeId;
        Map<String, List<LogEntry>> seen = new HashMap<>();
        try (var sse = SseClient.open(uri(channels))) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(hub.connectionCount()).as("three channels, one connection").isEqualTo(before + 1);
            Map<String, StatusPayload> status = new HashMap<>();
            resumeId = read(sse, seen, status, Map.of("a", 5, "b", 3, "a2", 1), 5);
            assertThat(status.get("a").job().id()).isEqualTo(a.toString());
            assertThat(status.get("b").job().id()).isEqualTo(b.toString());
            assertThat(status.get("s").service()).isNotNull();
            assertThat(status.get("s2").service()).isNotNull();

            produce(a, 6, 4);
            produce(b, 4, 2);
            resumeId = read(sse, seen, status, Map.of("a", 9, "b", 5, "a2", 1), 0);
        }
        assertThat(resumeId).contains("a:").contains("b:");
        await().atMost(WAIT).until(() -> hub.connectionCount() == before);

        // Away for a while, then back as EventSource comes back: same URL, the last id it saw.
        produce(a, 10, 3);
        produce(b, 6, 1);
        try (var sse = SseClient.open(uri(channels), Map.of("Last-Event-ID", resumeId))) {
            assertThat(sse.status()).isEqualTo(200);
            read(sse, seen, new HashMap<>(), Map.of("a", 12, "b", 6, "a2", 4), 5);
        }
        assertThat(seen.get("a")).extracting(LogEntry::line).containsExactlyElementsOf(lines(1, 12));
        assertThat(seen.get("a")).extracting(LogEntry::message).containsExactlyElementsOf(
            LongStream.rangeClosed(1, 12).mapToObj(i -> "line " + i).toList());
        assertThat(seen.get("b")).extracting(LogEntry::line).containsExactlyElementsOf(lines(1, 6));
        assertThat(seen.get("a2")).as("a second channel on the same job, with its own filter")
            .extracting(LogEntry::line).containsExactly(1L, 10L, 11L, 12L);
    }

    @Test
    void aBadChannelIsA400NamingItsField() throws Exception {
        var http = HttpClient.newHttpClient();
        var bad = http.send(HttpRequest.newBuilder(uri("""
            [{"id":"a","job":"%s"},{"id":"b","job":"%s","level":"loud"}]""".formatted(UUID.randomUUID(), UUID.randomUUID())))
            .header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("channels[1].level");
        var twice = http.send(HttpRequest.newBuilder(uri("""
            [{"id":"a","service":true},{"id":"a","service":true}]""")).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(twice.body()).contains("channels[1].id");
    }

    @Test
    void aChannelOfAnUnknownJobEndsAloneWhileTheOthersStream() throws Exception {
        await().atMost(WAIT).until(tail::isTailing);
        UUID known = UUID.randomUUID();
        produce(known, 1, 2);
        await().atMost(WAIT).until(() -> stored(known) == 2);
        try (var sse = SseClient.open(uri("""
            [{"id":"gone","job":"%s"},{"id":"k","job":"%s"}]""".formatted(UUID.randomUUID(), known)))) {
            assertThat(sse.status()).isEqualTo(200);
            SseFrame reset = sse.next("reset", WAIT);
            assertThat(reset.data()).startsWith("gone\n");
            assertThat(SseJson.fromJson(reset.data().substring(5), ResetPayload.class).reason()).isEqualTo("unknown-job");
            Map<String, List<LogEntry>> seen = new HashMap<>();
            read(sse, seen, new HashMap<>(), Map.of("k", 2), 1);
            assertThat(seen.get("k")).extracting(LogEntry::line).containsExactly(1L, 2L);
        }
    }

    @Test
    void anAdminsDeletionOfOneJobsLogsStartsThatChannelOverAndTheOthersResume() throws Exception {
        await().atMost(WAIT).until(tail::isTailing);
        UUID deleted = UUID.randomUUID();
        UUID kept = UUID.randomUUID();
        produce(deleted, 1, 2);
        produce(kept, 1, 2);
        await().atMost(WAIT).until(() -> stored(deleted) == 2 && stored(kept) == 2);
        // As job-service records it before publishing the mark (ingest then accepts the mark).
        UUID deletion = UUID.randomUUID();
        jdbc.update("INSERT INTO log_deletions (id, job_id, requested_by) VALUES (?, ?, 'test')", deletion, deleted);
        try (var sse = SseClient.open(uri("""
            [{"id":"d","job":"%s"},{"id":"k","job":"%s"}]""".formatted(deleted, kept)))) {
            assertThat(sse.status()).isEqualTo(200);
            read(sse, new HashMap<>(), new HashMap<>(), Map.of("d", 2, "k", 2), 2);
            TestProducer.kafka().send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(deleted),
                codec.encode(new LogsDeletedEvent(UUID.randomUUID(), deleted, Instant.now(), deletion)))).get();
            Map<String, ResetPayload> resets = new HashMap<>();
            while (resets.size() < 2) {
                SseFrame reset = sse.next("reset", WAIT);
                assertThat(reset).as("a reset per channel").isNotNull();
                int split = reset.data().indexOf('\n');
                resets.put(reset.data().substring(0, split), SseJson.fromJson(reset.data().substring(split + 1), ResetPayload.class));
            }
            assertThat(resets.get("d")).isEqualTo(new ResetPayload("logs-deleted", null));
            assertThat(resets.get("k").reason()).isEqualTo("shared-connection-ended");
            assertThat(resets.get("k").cursor()).as("the other channel resumes where it was").isNotNull();
        }
        await().atMost(WAIT).until(() -> stored(deleted) == 0);
    }

    /**
     * Reads channel events until each job channel has seen {@code upTo} lines and {@code statuses}
     * channels their status; returns the connection's last id (the id-only blocks after each batch).
     */
    private static String read(SseClient sse, Map<String, List<LogEntry>> seen, Map<String, StatusPayload> status,
                               Map<String, Integer> upTo, int statuses) throws InterruptedException {
        String lastId = null;
        while (status.size() < statuses
            || upTo.entrySet().stream().anyMatch(e -> seen.getOrDefault(e.getKey(), List.of()).size() < e.getValue())) {
            SseFrame f = sse.next(WAIT);
            assertThat(f).as("an event within %s (seen %s)", WAIT, seen.keySet()).isNotNull();
            if (f.data().isEmpty()) {
                lastId = f.id();
                continue;
            }
            if (f.event().equals("ping")) {
                continue;
            }
            int split = f.data().indexOf('\n');
            String channel = f.data().substring(0, split);
            String json = f.data().substring(split + 1);
            assertThat(f.id()).as("channel events carry no id of their own").isNull();
            switch (f.event()) {
                case "logs" -> seen.computeIfAbsent(channel, k -> new ArrayList<>())
                    .addAll(SseJson.fromJson(json, LogsPayload.class).logs());
                case "status" -> status.put(channel, SseJson.fromJson(json, StatusPayload.class));
                default -> throw new AssertionError("unexpected " + f);
            }
        }
        // The id block follows the batch it describes.
        SseFrame f = sse.next(WAIT);
        return f != null && f.data().isEmpty() ? f.id() : lastId;
    }

    private void produce(UUID job, int first, int count) throws Exception {
        for (int i = first; i < first + count; i++) {
            var log = new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO, "line " + i, null, null, "shared-test");
            TestProducer.kafka().send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(job), codec.encode(log))).get();
        }
    }

    private long stored(UUID job) {
        return jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job);
    }

    private URI uri(String channels) {
        return URI.create("http://127.0.0.1:" + port + "/api/streams?channels="
            + URLEncoder.encode(channels.strip(), StandardCharsets.UTF_8));
    }

    private static List<Long> lines(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
