package io.quaero.gateway;

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
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import io.quaero.access.TestCallers;
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
import io.quaero.contracts.sse.MatchesPayload;
import io.quaero.contracts.sse.RangePayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseJson;
import io.quaero.contracts.sse.StatusPayload;
import io.quaero.contracts.sse.StepView;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 15: what the job page's viewer reads, as a client sees it, against a real broker and
 * database with the real log-ingest-service storing what the test produces: a log by position
 * ({@code /logs/range}), where matches are ({@code /logs/matches}), the raw text ({@code /logs/raw}),
 * and the step and job times in the stream's status.
 */
@GatewayWithIngestTest
class LogRangeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aRangeByPositionIsTheLinesFromThereWithoutFilterAndEndsEmptyPastTheLastLine() throws Exception {
        UUID job = UUID.randomUUID();
        storeAll(lines(job, 25));

        RangePayload middle = range(job, "?from=10&count=5");
        assertThat(middle.from()).isEqualTo(10);
        assertThat(middle.logs()).extracting(LogEntry::line).containsExactly(11L, 12L, 13L, 14L, 15L);
        assertThat(middle.meta().totalCount()).isEqualTo(25);
        assertThat(middle.meta().displayedCount()).isEqualTo(25);
        assertThat(middle.meta().hasMore()).isTrue();

        RangePayload tail = range(job, "?from=22&count=5");
        assertThat(tail.logs()).extracting(LogEntry::line).containsExactly(23L, 24L, 25L);
        assertThat(tail.meta().hasMore()).isFalse();

        RangePayload past = range(job, "?from=25");
        assertThat(past.logs()).isEmpty();
        assertThat(past.from()).isEqualTo(25);
    }

    @Test
    void aLineOpensAtItsPositionInTheFilteredViewEvenWhenItIsNotInIt() throws Exception {
        UUID job = UUID.randomUUID();
        storeAll(mixed(job));

        // Line 5 is info: a warn+ view opens at the first warn+ line after it, at its place in that view.
        RangePayload warn = range(job, "?line=5&level=warn&count=2");
        assertThat(warn.logs()).extracting(LogEntry::line).containsExactly(6L, 7L);
        assertThat(warn.from()).as("warn+ lines before line 6: 3 and 4").isEqualTo(2);
        assertThat(warn.meta().displayedCount()).isEqualTo(5);

        RangePayload all = range(job, "?line=5&count=1");
        assertThat(all.from()).isEqualTo(4);
        assertThat(all.logs()).extracting(LogEntry::line).containsExactly(5L);

        RangePayload past = range(job, "?line=99&level=warn");
        assertThat(past.logs()).isEmpty();
        assertThat(past.from()).as("the end of the filtered view").isEqualTo(5);
    }

    @Test
    void aRangeByPositionInAFilteredViewCountsOnlyTheMatchingLines() throws Exception {
        UUID job = UUID.randomUUID();
        storeAll(mixed(job));

        RangePayload third = range(job, "?from=2&count=2&level=warn");
        assertThat(third.logs()).extracting(LogEntry::line).containsExactly(6L, 7L);
        RangePayload step = range(job, "?from=1&count=10&step=load");
        assertThat(step.logs()).extracting(LogEntry::line).containsExactly(5L);
        assertThat(step.meta().totalCount()).as("lines of the step").isEqualTo(2);
    }

    @Test
    void positionsStartAtTheOldestStoredLineOnceRetentionDroppedTheFirstOnes() throws Exception {
        UUID job = UUID.randomUUID();
        storeAll(lines(job, 30));
        // Retention drops whole days, oldest first: here, as if the first ten lines were a day of their own.
        jdbc.update("DELETE FROM job_logs WHERE job_id = ? AND line <= 10", job);

        assertThat(range(job, "?from=0&count=2").logs()).extracting(LogEntry::line).containsExactly(11L, 12L);
        RangePayload linked = range(job, "?line=3&count=1");
        assertThat(linked.from()).isZero();
        assertThat(linked.logs()).extracting(LogEntry::line).containsExactly(11L);
        assertThat(range(job, "?line=20&count=1").from()).isEqualTo(9);
    }

    @Test
    void matchesGiveTheNextAndPreviousLinesAndTheirPlaceAmongAllOfThem() throws Exception {
        UUID job = UUID.randomUUID();
        var logs = new ArrayList<LogEvent>();
        for (int i = 1; i <= 40; i++) {
            logs.add(log(job, null, Level.INFO, i % 10 == 0 ? "found a NEEDLE at " + i : "hay " + i));
        }
        storeAll(logs);

        MatchesPayload first = matches(job, "?q=needle&limit=2");
        assertThat(first.lines()).containsExactly(10L, 20L);
        assertThat(first.index()).isZero();
        assertThat(first.total()).isEqualTo(4);

        MatchesPayload next = matches(job, "?q=needle&after=20");
        assertThat(next.lines()).containsExactly(30L);
        assertThat(next.index()).as("30 is the third of four").isEqualTo(2);

        MatchesPayload previous = matches(job, "?q=Needle&before=30");
        assertThat(previous.lines()).containsExactly(20L);
        assertThat(previous.index()).isEqualTo(1);

        MatchesPayload beyond = matches(job, "?q=needle&after=40");
        assertThat(beyond.lines()).isEmpty();
        assertThat(beyond.index()).as("every match is before").isEqualTo(4);
        assertThat(matches(job, "?q=needle&before=10").lines()).isEmpty();

        MatchesPayload countOnly = matches(job, "?q=needle&limit=0&after=25");
        assertThat(countOnly.lines()).isEmpty();
        assertThat(countOnly.index()).isEqualTo(2);
        assertThat(countOnly.total()).isEqualTo(4);
        assertThat(matches(job, "?q=needle&limit=0&before=25").index()).as("10 and 20 are before 25").isEqualTo(2);
        assertThat(matches(job, "?q=needle&limit=3&before=40").lines()).containsExactly(10L, 20L, 30L);
        assertThat(matches(job, "?q=needle&limit=2&before=40").index()).isEqualTo(1);
    }

    @Test
    void theNextErrorIsAMatchOfTheErrorLevelAndASearchIsLiteral() throws Exception {
        UUID job = UUID.randomUUID();
        storeAll(mixed(job));

        assertThat(matches(job, "?level=error&limit=10").lines()).containsExactly(4L, 7L, 8L);
        assertThat(matches(job, "?level=error&after=4").lines()).containsExactly(7L);
        assertThat(matches(job, "?level=error&before=4").lines()).isEmpty();
        assertThat(matches(job, "?level=error&limit=0").total()).isEqualTo(3);
        // %, _ and \ are characters, not patterns.
        assertThat(matches(job, "?q=" + URLEncoder.encode("100%", StandardCharsets.UTF_8) + "&limit=10").lines()).containsExactly(3L);
        assertThat(matches(job, "?q=" + URLEncoder.encode("file_a", StandardCharsets.UTF_8) + "&limit=10").lines()).containsExactly(1L);
        assertThat(matches(job, "?q=" + URLEncoder.encode("a\\b", StandardCharsets.UTF_8) + "&limit=10").lines()).containsExactly(9L);
        assertThat(matches(job, "?q=" + URLEncoder.encode("a\\b", StandardCharsets.UTF_8) + "&limit=10").total()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}?{1} is refused naming {2}")
    @CsvSource({
        "/logs/range,   from=-1,            from",
        "/logs/range,   from=x,             from",
        "/logs/range,   line=0,             line",
        "/logs/range,   from=1&line=2,      line",
        "/logs/range,   count=0,            count",
        "/logs/range,   count=1001,         count",
        "/logs/range,   level=loud,         level",
        "/logs/matches, after=-1,           after",
        "/logs/matches, before=0,           before",
        "/logs/matches, after=1&before=5,   before",
        "/logs/matches, limit=-1,           limit",
        "/logs/matches, limit=1001,         limit",
        "/logs/raw,     level=loud,         level",
    })
    void aBadParameterIs400NamingIt(String path, String query, String parameter) throws Exception {
        UUID job = UUID.randomUUID();
        jdbc.update("INSERT INTO jobs (id) VALUES (?) ON CONFLICT DO NOTHING", job);

        HttpResponse<String> response = get(job, path, "?" + query);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"field\":\"" + parameter + "\"");
    }

    @ParameterizedTest(name = "{0} of an unknown job is 404")
    @CsvSource({"/logs/range", "/logs/matches", "/logs/raw"})
    void anUnknownJobIs404(String path) throws Exception {
        HttpResponse<String> response = get(UUID.randomUUID(), path, "");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("\"field\":\"id\"");
    }

    @Test
    void theRawViewIsTheDownloadsTextShownInline() throws Exception {
        UUID job = UUID.randomUUID();
        storeAll(List.of(log(job, null, Level.INFO, "<b>not bold</b> \u001b[31mred\u001b[0m"), log(job, null, Level.WARN, "two")));

        HttpResponse<String> raw = get(job, "/logs/raw", "");
        HttpResponse<String> download = get(job, "/logs/download", "");

        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().firstValue("Content-Type")).hasValueSatisfying(
            t -> assertThat(t.replace(" ", "").toLowerCase()).isEqualTo("text/plain;charset=utf-8"));
        assertThat(raw.headers().firstValue("Content-Disposition")).hasValue("inline");
        assertThat(raw.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(raw.body()).isEqualTo(download.body()).contains("<b>not bold</b> red").doesNotContain("\u001b");
    }

    @Test
    void theStreamsStatusCarriesWhenTheJobAndEachStepStartedAndFinished() throws Exception {
        UUID job = UUID.randomUUID();
        Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
        store(new StatusEvent(UUID.randomUUID(), job, t0, new JobState(JobStatus.RUNNING, 0),
            List.of(new StepState("fetch", "Fetch", JobStatus.RUNNING))));
        store(new StatusEvent(UUID.randomUUID(), job, t0.plusSeconds(5), null,
            List.of(new StepState("fetch", null, JobStatus.COMPLETED), new StepState("parse", "Parse", JobStatus.RUNNING))));

        try (var sse = SseClient.open(uri(job, "/logs/stream", ""), TestCallers.admin())) {
            StatusPayload stored = sse.next(SseEvents.STATUS, WAIT).data(StatusPayload.class);
            assertThat(stored.job().startedAt()).isEqualTo(t0);
            assertThat(stored.job().finishedAt()).isNull();
            assertThat(stored.steps()).containsExactly(
                new StepView("fetch", "Fetch", "completed", t0, t0.plusSeconds(5)),
                new StepView("parse", "Parse", "running", t0.plusSeconds(5), null));

            // Live, merged by the stream as ingest merges it into the database.
            produce(new StatusEvent(UUID.randomUUID(), job, t0.plusSeconds(9), new JobState(JobStatus.COMPLETED, 100),
                List.of(new StepState("parse", null, JobStatus.COMPLETED))));
            StatusPayload live = sse.next(SseEvents.STATUS, WAIT).data(StatusPayload.class);
            assertThat(live.job().startedAt()).isEqualTo(t0);
            assertThat(live.job().finishedAt()).isEqualTo(t0.plusSeconds(9));
            assertThat(live.steps()).containsExactly(
                new StepView("fetch", "Fetch", "completed", t0, t0.plusSeconds(5)),
                new StepView("parse", "Parse", "completed", t0.plusSeconds(5), t0.plusSeconds(9)));
        }
        await().atMost(WAIT).until(() -> "completed".equals(
            jdbc.queryForObject("SELECT status FROM job_steps WHERE job_id = ? AND step_id = 'parse'", String.class, job)));
        assertThat(jdbc.queryForObject("SELECT finished_at FROM job_steps WHERE job_id = ? AND step_id = 'parse'",
            java.sql.Timestamp.class, job).toInstant()).isEqualTo(t0.plusSeconds(9));
    }

    /** Lines 1-9: steps, levels and texts the filter cases read. */
    private static List<LogEvent> mixed(UUID job) {
        return List.of(
            log(job, "extract", Level.INFO, "reading file_a"),
            log(job, "extract", Level.DEBUG, "reading fileXa"),
            log(job, "extract", Level.WARN, "disk 100% full"),
            log(job, "load", Level.ERROR, "disk 100 full"),
            log(job, "load", Level.INFO, "loaded 3 rows"),
            log(job, null, Level.WARN, "no step: 50% done"),
            log(job, null, Level.ERROR, "Disk almost FULL"),
            log(job, "extract", Level.FATAL, "giving up"),
            log(job, null, Level.INFO, "path a\\b"));
    }

    private RangePayload range(UUID job, String query) throws Exception {
        HttpResponse<String> response = get(job, "/logs/range", query);
        assertThat(response.statusCode()).as("GET %s: %s", response.uri(), response.body()).isEqualTo(200);
        return SseJson.fromJson(response.body(), RangePayload.class);
    }

    private MatchesPayload matches(UUID job, String query) throws Exception {
        HttpResponse<String> response = get(job, "/logs/matches", query);
        assertThat(response.statusCode()).as("GET %s: %s", response.uri(), response.body()).isEqualTo(200);
        return SseJson.fromJson(response.body(), MatchesPayload.class);
    }

    private HttpResponse<String> get(UUID job, String path, String query) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(job, path, query)).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN)
            .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private URI uri(UUID job, String path, String query) {
        return URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + path + query);
    }

    /** Produces the events in order and waits until ingest has stored the last (so all) of them. */
    private void storeAll(List<LogEvent> logs) throws Exception {
        var sent = new ArrayList<Future<RecordMetadata>>();
        for (LogEvent log : logs) {
            sent.add(TestProducer.kafka().send(record(log)));
        }
        TestProducer.kafka().flush();
        long last = -1;
        for (var f : sent) {
            last = f.get().offset();
        }
        long lastOffset = last;
        UUID job = logs.getFirst().jobId();
        await().atMost(WAIT).until(() ->
            jdbc.queryForObject("SELECT coalesce(max(kafka_offset), -1) FROM job_logs WHERE job_id = ?", Long.class, job) >= lastOffset);
    }

    private void store(StatusEvent status) throws Exception {
        long offset = produce(status).offset();
        await().atMost(WAIT).until(() -> jdbc.queryForObject(
            "SELECT coalesce((SELECT status_offset FROM jobs WHERE id = ?), -1)", Long.class, status.jobId()) >= offset
            || jdbc.queryForObject("SELECT coalesce(max(status_offset), -1) FROM job_steps WHERE job_id = ?", Long.class,
                status.jobId()) >= offset);
    }

    private RecordMetadata produce(JobEvent event) throws Exception {
        return TestProducer.kafka().send(record(event)).get();
    }

    private ProducerRecord<String, byte[]> record(JobEvent event) {
        return new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(event.jobId()), codec.encode(event));
    }

    private static List<LogEvent> lines(UUID job, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> log(job, null, Level.INFO, "line " + i)).toList();
    }

    private static LogEvent log(UUID job, String step, Level level, String message) {
        return new LogEvent(UUID.randomUUID(), job, Instant.now().truncatedTo(ChronoUnit.MICROS), level, message, step,
            step == null ? null : "Step " + step, "test");
    }
}
