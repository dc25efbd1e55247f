package io.quaero.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.event.StepState;
import io.quaero.contracts.sse.JobStatusChange;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.contracts.sse.SseJson;
import io.quaero.contracts.sse.StepView;
import io.quaero.gateway.hub.JobStatusTail;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 14's proof that a worker's text cannot forge stream events: line breaks of every kind and
 * whole SSE fields inside a message reach a client, over HTTP from the real gateway, as exactly one
 * entry whose text is what was stored, and no other event. For a job's stream (backlog and live),
 * the shared connection, the service-logs stream and the jobs feed. Read with shared-contracts'
 * {@link SseClient}, which parses as EventSource does (CR, LF and CRLF all end a line).
 */
@GatewayWithIngestTest
class Issue14MessageInjectionTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    /** Messages that would be frames of their own if written raw into a stream. */
    static final List<String> HOSTILE = List.of(
        "crlf\r\nevent: status\r\ndata: {\"job\":{\"id\":\"forged\",\"status\":\"completed\"}}\r\n\r\n",
        "\n\nevent: status\ndata: {\"job\":{\"id\":\"forged\",\"status\":\"failed\"}}\n\nafter",
        "cr only\revent: reset\rdata: {\"reason\":\"unknown-cursor\"}\r\r",
        "id: 9-999\nretry: 1\n: comment\ndata: second data line",
        "separators\u2028event: logs\u2029data: {}\u2028\u2029",
        "\r",
        "event: ping");

    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobStatusTail statusTail;

    @Test
    void aJobStreamShowsEachHostileMessageAsOneEntryEqualToTheStoredTextInBacklogAndLive() throws Exception {
        UUID job = UUID.randomUUID();
        for (String message : HOSTILE) {
            store(log(job, message));
        }
        assertThat(storedMessages(job)).containsExactlyElementsOf(HOSTILE);

        try (var sse = SseClient.open(uri("/api/jobs/" + job + "/logs/stream?limit=100"))) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(nextNotPing(sse).event()).isEqualTo(SseEvents.STATUS);
            assertThat(entries(sse, HOSTILE.size())).extracting(LogEntry::message).containsExactlyElementsOf(HOSTILE);

            for (String message : HOSTILE) {
                produce(log(job, message));
            }
            assertThat(entries(sse, HOSTILE.size())).extracting(LogEntry::message).containsExactlyElementsOf(HOSTILE);
            assertNoFurtherEvent(sse, Set.of(SseEvents.PING));
        }
        await().atMost(WAIT).until(() -> storedMessages(job).size() == 2 * HOSTILE.size());
        assertThat(storedMessages(job).subList(HOSTILE.size(), 2 * HOSTILE.size())).containsExactlyElementsOf(HOSTILE);
    }

    @Test
    void theSharedConnectionKeepsEachHostileMessageInItsChannel() throws Exception {
        UUID job = UUID.randomUUID();
        for (String message : HOSTILE) {
            store(log(job, message));
        }
        String channels = "[{\"id\":\"a\",\"job\":\"" + job + "\",\"limit\":100}]";
        try (var sse = SseClient.open(uri("/api/streams?channels=" + URLEncoder.encode(channels, StandardCharsets.UTF_8)))) {
            assertThat(sse.status()).isEqualTo(200);
            List<LogEntry> got = new ArrayList<>();
            while (got.size() < HOSTILE.size()) {
                SseFrame f = nextNotPing(sse);
                if (f.event().equals("message") && f.data().isEmpty()) {
                    continue; // the id-only block after a batch
                }
                int split = f.data().indexOf('\n');
                assertThat(f.data().substring(0, split)).as("channel of a " + f.event() + " event").isEqualTo("a");
                assertThat(f.event()).isIn(SseEvents.STATUS, SseEvents.LOGS);
                if (f.event().equals(SseEvents.LOGS)) {
                    got.addAll(SseJson.fromJson(f.data().substring(split + 1), LogsPayload.class).logs());
                }
            }
            assertThat(got).extracting(LogEntry::message).containsExactlyElementsOf(HOSTILE);
        }
    }

    @Test
    void theServiceLogsStreamShowsEachHostileMessageAsOneEntry() throws Exception {
        String tag = "inj-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> expected = HOSTILE.stream().map(m -> tag + " " + m).toList();
        ServiceLogEvent last = null;
        for (String message : expected) {
            last = publishServiceLog(tag, message);
        }
        ServiceLogEvent lastStored = last;
        await().atMost(WAIT).until(() -> jdbc.queryForObject(
            "SELECT count(*) FROM service_logs WHERE event_id = ?", Long.class, lastStored.eventId()) == 1);

        try (var sse = SseClient.open(uri("/api/service/logs/stream?limit=100&q=" + tag))) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(nextNotPing(sse).event()).isEqualTo(SseEvents.STATUS);
            assertThat(entries(sse, expected.size())).extracting(LogEntry::message).containsExactlyElementsOf(expected);

            for (String message : expected) {
                publishServiceLog(tag, message);
            }
            assertThat(entries(sse, expected.size())).extracting(LogEntry::message).containsExactlyElementsOf(expected);
        }
    }

    /**
     * Ids and names cannot hold control characters (ingest refuses them, so they never reach the
     * feed); what they can hold is U+2028/U+2029 and field names, which stay inside the JSON.
     */
    @Test
    void theJobsFeedShowsAHostileStepNameAsOneStatusEvent() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(statusTail::isTailing);
        UUID job = UUID.randomUUID();
        String stepId = "s\u2028event: reset\u2029data: {}";
        String stepName = "Name\u2028\u2029event: logs data: {\"logs\":[]} id: 0-1 retry: 1";
        try (var feed = SseClient.open(uri("/api/job-status/stream"))) {
            assertThat(feed.status()).isEqualTo(200);
            produce(new StatusEvent(UUID.randomUUID(), job, now(), null, List.of(new StepState(stepId, stepName, JobStatus.RUNNING))));

            long deadline = System.nanoTime() + WAIT.toNanos();
            while (true) {
                SseFrame f = feed.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (f == null) {
                    fail("no status of job " + job + " within " + WAIT);
                }
                assertThat(f.event()).as("feed event").isIn(SseEvents.STATUS, SseEvents.PING);
                assertThat(f.id()).as("the feed has no ids").isNull();
                if (f.event().equals(SseEvents.STATUS) && f.data(JobStatusChange.class).job().id().equals(job.toString())) {
                    assertThat(f.data(JobStatusChange.class).steps()).containsExactly(new StepView(stepId, stepName, "running"));
                    break;
                }
            }
        }
    }

    /** The next frames' log entries until {@code count} came; every frame on the way is a logs event or a ping. */
    private static List<LogEntry> entries(SseClient sse, int count) throws InterruptedException {
        List<LogEntry> got = new ArrayList<>();
        while (got.size() < count) {
            SseFrame f = nextNotPing(sse);
            assertThat(f.event()).as("event between log entries").isEqualTo(SseEvents.LOGS);
            got.addAll(f.data(LogsPayload.class).logs());
        }
        assertThat(got).as("no more entries than sent").hasSize(count);
        return got;
    }

    private static SseFrame nextNotPing(SseClient sse) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            SseFrame f = sse.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (f == null) {
                fail("stream ended or fell silent for " + WAIT);
            }
            if (!f.event().equals(SseEvents.PING)) {
                return f;
            }
        }
    }

    /** Nothing but the given events for a while after the last expected one (a forged event would show here). */
    private static void assertNoFurtherEvent(SseClient sse, Set<String> allowed) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        for (long left; (left = deadline - System.nanoTime()) > 0; ) {
            SseFrame f = sse.next(Duration.ofNanos(left));
            if (f != null) {
                assertThat(f.event()).as("an event after the last entry: " + f).isIn(allowed);
            }
        }
    }

    private List<String> storedMessages(UUID job) {
        return jdbc.queryForList("SELECT message FROM job_logs WHERE job_id = ? ORDER BY line", String.class, job);
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    private void produce(JobEvent event) throws Exception {
        TestProducer.kafka().send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(event.jobId()), codec.encode(event))).get();
    }

    private void store(LogEvent log) throws Exception {
        produce(log);
        await().atMost(WAIT).until(() ->
            jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE event_id = ?", Long.class, log.eventId()) == 1);
    }

    private ServiceLogEvent publishServiceLog(String service, String message) throws Exception {
        var event = new ServiceLogEvent(UUID.randomUUID(), now(), Level.WARN, message, service, "inst-1", "io.quaero.Test", null);
        TestProducer.kafka().send(new ProducerRecord<>(Topics.SERVICE_LOGS, Topics.serviceKey(service, "inst-1"),
            codec.encode(event))).get();
        return event;
    }

    private static LogEvent log(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, now(), Level.INFO, message, null, null, "injection-test");
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
