package io.quaero.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quaero.contracts.Cursor;
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
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.contracts.sse.StatusPayload;
import io.quaero.contracts.sse.StepView;
import io.quaero.gateway.hub.JobEventTail;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The job log stream as a browser sees it, against a real broker and a real database, with the
 * real log-ingest-service storing what the test produces.
 */
@GatewayWithIngestTest
class JobLogStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);




    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobEventTail tail;

    @Test
    void anUnknownJobIs404WithAJsonBodyNamingTheId() {
        try (var sse = open(UUID.randomUUID(), "")) {
            assertThat(sse.status()).isEqualTo(404);
            assertThat(sse.body()).contains("\"field\":\"id\"").contains("not_found");
        }
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource({"level,loud", "limit,0", "limit,1001", "limit,ten", "since,yesterday", "since,3-"})
    void aBadParameterIs400NamingItBeforeAnyStreamStarts(String parameter, String value) {
        UUID job = UUID.randomUUID();
        registerJob(job);
        try (var sse = open(job, "?" + parameter + "=" + value)) {
            assertThat(sse.status()).isEqualTo(400);
            assertThat(sse.response().headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
            assertThat(sse.body()).contains("\"field\":\"" + parameter + "\"");
        }
    }

    @Test
    void aNewViewerGetsStatusThenTheNewestEntriesThenTheLiveTailWithStatusAfterThePrecedingLogs() throws Exception {
        UUID job = UUID.randomUUID();
        for (int i = 1; i <= 3; i++) {
            store(log(job, Level.INFO, "stored " + i));
        }
        storeStatus(status(job, JobStatus.RUNNING, 20));
        awaitTailing();

        try (var sse = open(job, "?limit=2")) {
            assertThat(sse.status()).isEqualTo(200);
            assertThat(sse.response().headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/event-stream"));
            assertThat(sse.response().headers().firstValue("X-Accel-Buffering")).hasValue("no");
            assertThat(sse.response().headers().firstValue("Cache-Control")).hasValue("no-cache");

            SseFrame first = sse.next(WAIT);
            assertThat(first.event()).isEqualTo(SseEvents.STATUS);
            StatusPayload status = first.data(StatusPayload.class);
            assertThat(status.job().status()).isEqualTo("running");
            assertThat(status.job().progress()).isEqualTo(20);

            SseFrame backlog = sse.next(WAIT);
            assertThat(backlog.event()).isEqualTo(SseEvents.LOGS);
            LogsPayload initial = backlog.data(LogsPayload.class);
            assertThat(initial.logs()).extracting(LogEntry::message).containsExactly("stored 2", "stored 3");
            assertThat(initial.logs()).extracting(LogEntry::line).containsExactly(2L, 3L);
            assertThat(backlog.id()).isEqualTo(initial.logs().getLast().cursor());
            assertThat(initial.meta().totalCount()).isEqualTo(3);
            assertThat(initial.meta().displayedCount()).isEqualTo(3);
            assertThat(initial.meta().hasMore()).isTrue();

            produce(log(job, Level.INFO, "live 1"));
            produce(log(job, Level.WARN, "live 2"));
            produce(status(job, JobStatus.COMPLETED, 100));

            List<String> events = new ArrayList<>();
            List<LogEntry> live = new ArrayList<>();
            StatusPayload last = null;
            while (last == null) {
                SseFrame f = sse.next(WAIT);
                assertThat(f).as("a frame within %s", WAIT).isNotNull();
                events.add(f.event());
                if (f.event().equals(SseEvents.LOGS)) {
                    LogsPayload p = f.data(LogsPayload.class);
                    live.addAll(p.logs());
                    assertThat(f.id()).isEqualTo(p.logs().getLast().cursor());
                    assertThat(p.meta().totalCount()).isEqualTo(2 + live.size() + 1);
                } else if (f.event().equals(SseEvents.STATUS)) {
                    last = f.data(StatusPayload.class);
                }
            }
            assertThat(live).extracting(LogEntry::message).containsExactly("live 1", "live 2");
            assertThat(live).extracting(LogEntry::line).containsExactly(4L, 5L);
            assertThat(events.getLast()).isEqualTo(SseEvents.STATUS);
            assertThat(last.job().status()).isEqualTo("completed");
        }
    }

    @Test
    void filtersNarrowTheBacklogAndTheLiveTailAndTheCountsFollowTheSamePredicate() throws Exception {
        UUID job = UUID.randomUUID();
        store(log(job, "extract", Level.INFO, "reading file"));
        store(log(job, "extract", Level.ERROR, "Disk FULL on read"));
        store(log(job, "load", Level.ERROR, "disk full on write"));
        store(log(job, "extract", Level.WARN, "slow disk"));
        awaitTailing();

        try (var sse = open(job, "?step=extract&level=warn&q=disk%20full")) {
            LogsPayload initial = sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class);
            assertThat(initial.logs()).extracting(LogEntry::message).containsExactly("Disk FULL on read");
            assertThat(initial.meta().totalCount()).as("entries of the step").isEqualTo(3);
            assertThat(initial.meta().displayedCount()).isEqualTo(1);
            assertThat(initial.meta().hasMore()).isFalse();

            produce(log(job, "extract", Level.DEBUG, "disk full (debug)"));
            produce(log(job, "load", Level.FATAL, "disk full (other step)"));
            produce(log(job, "extract", Level.FATAL, "DISK full, giving up"));
            LogsPayload live = sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class);
            assertThat(live.logs()).extracting(LogEntry::message).containsExactly("DISK full, giving up");
            assertThat(live.logs()).extracting(LogEntry::line).containsExactly(7L);
            assertThat(live.meta().totalCount()).isEqualTo(5);
            assertThat(live.meta().displayedCount()).isEqualTo(2);
        }
    }

    @Test
    void aReconnectWithLastEventIdGetsExactlyTheEntriesAfterItFromHistoryAndLive() throws Exception {
        UUID job = UUID.randomUUID();
        for (int i = 1; i <= 5; i++) {
            store(log(job, Level.INFO, "line " + i));
        }
        awaitTailing();
        String resumeFrom;
        try (var sse = open(job, "?limit=3")) {
            LogsPayload initial = sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class);
            assertThat(initial.logs()).extracting(LogEntry::line).containsExactly(3L, 4L, 5L);
            resumeFrom = initial.logs().get(1).cursor();
        }
        // While the client is away: two entries get stored, one is still only in Kafka's future.
        store(log(job, Level.INFO, "line 6"));
        store(log(job, Level.INFO, "line 7"));

        try (var sse = SseClient.open(uri(job, "?limit=1"), Map.of("Last-Event-ID", resumeFrom))) {
            LogsPayload replay = sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class);
            assertThat(replay.logs()).extracting(LogEntry::line).containsExactly(5L, 6L, 7L);
            produce(log(job, Level.INFO, "line 8"));
            LogsPayload live = sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class);
            assertThat(live.logs()).extracting(LogEntry::message).containsExactly("line 8");
            assertThat(live.logs()).extracting(LogEntry::line).containsExactly(8L);
        }
    }

    @Test
    void aBrowserReconnectOfAStreamOpenedWithSinceResumesFromItsNewerLastEventId() throws Exception {
        UUID job = UUID.randomUUID();
        for (int i = 1; i <= 5; i++) {
            store(log(job, Level.INFO, "line " + i));
        }
        awaitTailing();
        String cursorOfLine = "SELECT kafka_partition || '-' || kafka_offset FROM job_logs WHERE job_id = ? AND line = ?";
        String since = jdbc.queryForObject(cursorOfLine, String.class, job, 1);
        String lastEventId = jdbc.queryForObject(cursorOfLine, String.class, job, 4);

        // EventSource repeats its URL (with the since= it was opened with) and adds Last-Event-ID.
        try (var sse = SseClient.open(uri(job, "?since=" + since), Map.of("Last-Event-ID", lastEventId))) {
            LogsPayload replay = sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class);
            assertThat(replay.logs()).extracting(LogEntry::line).containsExactly(5L);
        }
    }

    @Test
    void aResumeFromBeforeLinesDroppedByRetentionGetsAResetInsteadOfAPartialReplay() throws Exception {
        UUID job = UUID.randomUUID();
        for (int i = 1; i <= 5; i++) {
            store(log(job, Level.INFO, "line " + i));
        }
        awaitTailing();
        String cursorOfLine2 = jdbc.queryForObject(
            "SELECT kafka_partition || '-' || kafka_offset FROM job_logs WHERE job_id = ? AND line = 2", String.class, job);
        // What dropping the oldest day's partition does to a long job: its first lines are gone.
        jdbc.update("DELETE FROM job_logs WHERE job_id = ? AND line <= 3", job);
        try (var sse = SseClient.open(uri(job, "?since=" + cursorOfLine2))) {
            SseFrame reset = sse.next(SseEvents.RESET, WAIT);
            assertThat(reset).isNotNull();
            assertThat(reset.data(io.quaero.contracts.sse.ResetPayload.class).reason()).isEqualTo("cursor-expired");
        }
    }

    /**
     * A worker that ignores keys: its "completed" is stored; then the copy ingest makes of its
     * earlier "running", found in another partition, comes after it in the job's partition. The
     * stream keeps showing what the database keeps, "completed": a copy older than the state in
     * force (the job's, and each step's, by the worker's time) does not take effect.
     */
    @Test
    void aStatusCopiedAfterALaterOneOfItsJobChangesNothingTheStreamShows() throws Exception {
        UUID job = UUID.randomUUID();
        Instant finished = Instant.now().truncatedTo(ChronoUnit.MICROS);
        storeStatus(new StatusEvent(UUID.randomUUID(), job, finished, new JobState(JobStatus.COMPLETED, 100),
            List.of(new StepState("extract", "Extract", JobStatus.COMPLETED))));
        awaitTailing();
        int partition = jdbc.queryForObject("SELECT kafka_partition FROM jobs WHERE id = ?", Integer.class, job);

        try (var sse = open(job, "")) {
            assertThat(sse.next(SseEvents.STATUS, WAIT).data(StatusPayload.class).job().status()).isEqualTo("completed");
            var headers = new RecordHeaders();
            headers.add(ForwardedHeader.NAME, ForwardedHeader.value(new Cursor((partition + 1) % tail.partitionCount(), 0)));
            var running = new StatusEvent(UUID.randomUUID(), job, finished.minusMillis(1), new JobState(JobStatus.RUNNING, 50),
                List.of(new StepState("extract", "Extract", JobStatus.RUNNING)));
            long copy = TestProducer.kafka().send(new ProducerRecord<>(Topics.JOB_EVENTS, partition, Topics.jobKey(job),
                codec.encode(running), headers)).get().offset();

            StatusPayload after = sse.next(SseEvents.STATUS, WAIT).data(StatusPayload.class);
            assertThat(after.job().status()).isEqualTo("completed");
            assertThat(after.job().progress()).isEqualTo(100);
            assertThat(after.steps()).extracting(StepView::status).containsExactly("completed");
            await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT coalesce(max(next_offset), 0) FROM ingest_progress "
                + "WHERE topic = ? AND kafka_partition = ?", Long.class, Topics.JOB_EVENTS, partition) > copy);
            assertThat(jdbc.queryForObject("SELECT status FROM jobs WHERE id = ?", String.class, job)).isEqualTo("completed");
        }
    }

    @Test
    void aResumeFromACursorInAnotherPartitionThanTheJobsGetsAResetToStartOverNotA400() throws Exception {
        UUID job = UUID.randomUUID();
        store(log(job, Level.INFO, "line 1"));
        awaitTailing();
        int partition = jdbc.queryForObject("SELECT kafka_partition FROM jobs WHERE id = ?", Integer.class, job);
        String elsewhere = ((partition + 1) % tail.partitionCount()) + "-0";
        try (var sse = SseClient.open(uri(job, ""), java.util.Map.of("Last-Event-ID", elsewhere))) {
            assertThat(sse.status()).isEqualTo(200);
            SseFrame reset = sse.next(SseEvents.RESET, WAIT);
            assertThat(reset).isNotNull();
            var payload = reset.data(io.quaero.contracts.sse.ResetPayload.class);
            assertThat(payload.reason()).isEqualTo("unknown-cursor");
            assertThat(payload.cursor()).as("start over: no cursor to resume from").isNull();
        }
    }

    @Test
    void aQuietStreamIsKeptAliveWithPings() throws Exception {
        UUID job = UUID.randomUUID();
        registerJob(job);
        try (var sse = open(job, "")) {
            assertThat(sse.next(SseEvents.PING, Duration.ofSeconds(8))).isNotNull();
        }
    }

    private void awaitTailing() {
        await().atMost(Duration.ofSeconds(30)).until(tail::isTailing);
    }

    private SseClient open(UUID job, String query) {
        return SseClient.open(uri(job, query));
    }

    private URI uri(UUID job, String query) {
        return URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream" + query);
    }

    private void registerJob(UUID job) {
        jdbc.update("INSERT INTO jobs (id) VALUES (?) ON CONFLICT DO NOTHING", job);
    }

    private Cursor produce(JobEvent event) throws Exception {
        var meta = TestProducer.kafka().send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(event.jobId()), codec.encode(event))).get();
        return new Cursor(meta.partition(), meta.offset());
    }

    /** Produces the event and waits until ingest has stored it. */
    private void store(LogEvent log) throws Exception {
        produce(log);
        await().atMost(WAIT).until(() ->
            jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE event_id = ?", Long.class, log.eventId()) == 1);
    }

    private void storeStatus(StatusEvent status) throws Exception {
        Cursor cursor = produce(status);
        await().atMost(WAIT).until(() -> jdbc.queryForObject(
            "SELECT coalesce(status_offset, -1) FROM jobs WHERE id = ?", Long.class, status.jobId()) >= cursor.offset());
    }

    private static LogEvent log(UUID job, Level level, String message) {
        return log(job, null, level, message);
    }

    private static LogEvent log(UUID job, String step, Level level, String message) {
        return new LogEvent(UUID.randomUUID(), job, Instant.now().truncatedTo(ChronoUnit.MICROS), level, message,
            step, step == null ? null : "Step " + step, "test");
    }

    private static StatusEvent status(UUID job, JobStatus status, int progress) {
        return new StatusEvent(UUID.randomUUID(), job, Instant.now(), new JobState(status, progress),
            List.of(new StepState("extract", "Extract", status)));
    }
}
