package io.quaero.gateway;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
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
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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
import io.quaero.contracts.sse.SseJson;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.history.LogPages;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The JSON fallback ({@code GET /api/jobs/{id}/logs}) and the download
 * ({@code GET /api/jobs/{id}/logs/download}) as a client sees them, against a real broker and a
 * real database, with the real log-ingest-service storing what the test produces.
 */
@GatewayWithIngestTest
class LogFetchTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One mixed log shared by the filter cases, written once. */
    private static UUID filteredJob;



    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    StreamProperties props;

    @Test
    void theNewestPageIsTheStreamsInitialBatchForTheSameFilter() throws Exception {
        UUID job = UUID.randomUUID();
        var logs = new ArrayList<LogEvent>();
        for (int i = 1; i <= 12; i++) {
            logs.add(log(job, i % 2 == 0 ? "build" : "test", i % 3 == 0 ? Level.DEBUG : Level.INFO, "line " + i));
        }
        storeAll(logs);
        String filter = "?step=build&level=info&limit=3";

        LogsPayload fetched = fetch(job, filter);
        LogsPayload streamed;
        try (var sse = SseClient.open(uri(job, "/logs/stream", filter))) {
            SseFrame frame = sse.next(SseEvents.LOGS, WAIT);
            assertThat(frame).as("the stream's initial logs event").isNotNull();
            streamed = frame.data(LogsPayload.class);
        }

        assertThat(fetched.logs()).isEqualTo(streamed.logs());
        assertThat(fetched.logs()).extracting(LogEntry::line).containsExactly(4L, 8L, 10L);
        assertThat(fetched.meta()).isEqualTo(streamed.meta());
        assertThat(fetched.meta().totalCount()).as("lines of the step").isEqualTo(6);
        assertThat(fetched.meta().displayedCount()).isEqualTo(4);
        assertThat(fetched.meta().hasMore()).isTrue();
        assertThat(fetched.meta().oldestId()).isEqualTo(fetched.logs().getFirst().id());
        assertThat(fetched.meta().newestId()).isEqualTo(fetched.logs().getLast().id());
        assertThat(fetched.nextCursor()).as("where the watchdog continues").isEqualTo(fetched.logs().getLast().cursor());
    }

    @Test
    void sinceWalksForwardInPagesThatChainWithoutGapOrDuplicateAndAnEmptyPageKeepsTheCursor() throws Exception {
        UUID job = UUID.randomUUID();
        // The job's first event is a status; a client that saw only it resumes from its cursor.
        Cursor start = storeStatus(new StatusEvent(UUID.randomUUID(), job, Instant.now(),
            new JobState(JobStatus.RUNNING, 0), List.of(new StepState("run", "Run", JobStatus.RUNNING))));
        storeAll(lines(job, 25));

        var seen = new ArrayList<LogEntry>();
        var sizes = new ArrayList<Integer>();
        var more = new ArrayList<Boolean>();
        String since = start.toString();
        for (int page = 0; page < 3; page++) {
            LogsPayload p = fetch(job, "?limit=10&since=" + since);
            sizes.add(p.logs().size());
            more.add(p.meta().hasMore());
            assertThat(p.nextCursor()).isEqualTo(p.logs().getLast().cursor());
            assertThat(p.meta().totalCount()).isEqualTo(25);
            seen.addAll(p.logs());
            since = p.nextCursor();
        }
        assertThat(sizes).containsExactly(10, 10, 5);
        assertThat(more).containsExactly(true, true, false);
        assertThat(seen).extracting(LogEntry::line).containsExactlyElementsOf(lineNumbers(1, 25));

        LogsPayload idle = fetch(job, "?limit=10&since=" + since);
        assertThat(idle.logs()).isEmpty();
        assertThat(idle.meta().hasMore()).isFalse();
        assertThat(idle.meta().oldestId()).isNull();
        assertThat(idle.nextCursor()).isEqualTo(since);

        storeAll(List.of(log(job, null, Level.INFO, "line 26")));
        LogsPayload next = fetch(job, "?limit=10&since=" + idle.nextCursor());
        assertThat(next.logs()).extracting(LogEntry::line).containsExactly(26L);
    }

    @Test
    void beforePagesBackwardsToTheFirstLineWithoutGapOrDuplicate() throws Exception {
        UUID job = UUID.randomUUID();
        storeAll(lines(job, 25));

        LogsPayload newest = fetch(job, "?limit=10");
        assertThat(newest.logs()).extracting(LogEntry::line).containsExactlyElementsOf(lineNumbers(16, 25));
        assertThat(newest.meta().hasMore()).isTrue();

        var shown = new ArrayList<>(newest.logs());
        var more = new ArrayList<Boolean>();
        String before = shown.getFirst().cursor();
        for (int page = 0; page < 2; page++) {
            LogsPayload p = fetch(job, "?limit=10&before=" + before);
            assertThat(p.logs()).as("chronological within the page").isSortedAccordingTo(
                (a, b) -> Long.compare(a.line(), b.line()));
            assertThat(p.nextCursor()).isEqualTo(p.logs().getFirst().cursor());
            more.add(p.meta().hasMore());
            shown.addAll(0, p.logs());
            before = p.nextCursor();
        }
        assertThat(more).containsExactly(true, false);
        assertThat(shown).extracting(LogEntry::line).containsExactlyElementsOf(lineNumbers(1, 25));

        LogsPayload beyond = fetch(job, "?limit=10&before=" + before);
        assertThat(beyond.logs()).isEmpty();
        assertThat(beyond.meta().hasMore()).isFalse();
        assertThat(beyond.nextCursor()).isNull();
    }

    @Test
    void aPageOfHugeEscapedLinesIsCutByItsBytesAndTheRestFollowsFromItsCursor() throws Exception {
        UUID job = UUID.randomUUID();
        // ESC is allowed in a message (ANSI colours) and takes six bytes once escaped in JSON:
        // 60,000 of them are ~360 KB per entry, so a thousand-entry page would be ~360 MB.
        String escapes = "\u001b".repeat(60_000);
        var logs = new ArrayList<LogEvent>();
        for (int i = 1; i <= 30; i++) {
            logs.add(log(job, null, Level.INFO, i + escapes));
        }
        storeAll(logs);

        var seen = new ArrayList<LogEntry>();
        String before = null;
        int pages = 0;
        LogsPayload p;
        do {
            p = fetch(job, "?limit=1000" + (before == null ? "" : "&before=" + before));
            assertThat(p.logs().stream().mapToLong(e -> 6L * e.message().length()).sum())
                .as("bytes of one page").isLessThanOrEqualTo(LogPages.MAX_PAGE_BYTES + 400_000);
            seen.addAll(0, p.logs());
            // The oldest entry: the newest page's next_cursor points forwards, for the watchdog.
            before = p.logs().getFirst().cursor();
            pages++;
        } while (p.meta().hasMore());
        assertThat(pages).as("cut into several pages").isGreaterThan(1);
        assertThat(seen).extracting(LogEntry::line).containsExactlyElementsOf(lineNumbers(1, 30));
    }

    @ParameterizedTest(name = "{0} narrows the page and the counts agree with COUNT(*)")
    @CsvSource(delimiter = ';', value = {
        "step=extract;                 reading file_a|reading fileXa|disk 100% full|giving up",
        "level=warn;                   disk 100% full|disk 100 full|no step: 50% done|Disk almost FULL|giving up",
        "q=FULL;                       disk 100% full|disk 100 full|Disk almost FULL",
        "q=file_a;                     reading file_a",
        "q=0%;                         disk 100% full|no step: 50% done",
        "step=load&level=error;        disk 100 full",
        "step=extract&level=warn&q=0%; disk 100% full",
    })
    void eachFilterNarrowsThePageAndItsCountsMatchACountOfTheStoredRows(String filter, String expected) throws Exception {
        UUID job = filteredJob();

        LogsPayload page = fetch(job, "?" + encoded(filter));

        assertThat(page.logs()).extracting(LogEntry::message).containsExactly(expected.split("\\|"));
        String step = parameter(filter, "step");
        Level level = parameter(filter, "level") == null ? null : Level.fromWire(parameter(filter, "level"));
        String q = parameter(filter, "q");
        assertThat(page.meta().totalCount()).isEqualTo(countStored(job, step, null, null));
        assertThat(page.meta().displayedCount()).isEqualTo(countStored(job, step, level, q));
        assertThat(page.meta().hasMore()).isFalse();
    }

    @Test
    void aNewestPageThatMatchesNothingStillGivesTheEndOfTheLogToContinueFrom() throws Exception {
        UUID job = UUID.randomUUID();
        List<Cursor> cursors = storeAll(lines(job, 3));

        LogsPayload page = fetch(job, "?level=fatal");

        assertThat(page.logs()).isEmpty();
        assertThat(page.meta().totalCount()).isEqualTo(3);
        assertThat(page.meta().displayedCount()).isZero();
        assertThat(page.nextCursor()).isEqualTo(cursors.getLast().toString());
    }

    @Test
    void aJobWithoutLinesGivesAnEmptyPageWithoutCursor() throws Exception {
        UUID job = UUID.randomUUID();
        registerJob(job);

        LogsPayload page = fetch(job, "");

        assertThat(page.logs()).isEmpty();
        assertThat(page.meta().totalCount()).isZero();
        assertThat(page.meta().hasMore()).isFalse();
        assertThat(page.nextCursor()).isNull();
    }

    @ParameterizedTest(name = "{0}?{1} is refused naming {2}")
    @CsvSource({
        "/logs,          level=loud,            level",
        "/logs,          limit=0,               limit",
        "/logs,          limit=1001,            limit",
        "/logs,          limit=ten,             limit",
        "/logs,          since=yesterday,       since",
        "/logs,          before=3-,             before",
        "/logs,          since=0-1&before=0-9,  before",
        "/logs/download, level=loud,            level",
    })
    void aBadParameterIs400NamingIt(String path, String query, String parameter) throws Exception {
        UUID job = UUID.randomUUID();
        registerJob(job);

        HttpResponse<String> response = get(job, path, "?" + query);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
            t -> assertThat(t).startsWith("application/json"));
        assertThat(response.body()).contains("\"field\":\"" + parameter + "\"");
    }

    @ParameterizedTest(name = "{0} of an unknown job is 404")
    @CsvSource({"/logs", "/logs/download"})
    void anUnknownJobIs404WithAJsonBodyNamingTheId(String path) throws Exception {
        HttpResponse<String> response = get(UUID.randomUUID(), path, "");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("\"field\":\"id\"").contains("not_found");
    }

    @Test
    void theDownloadIsEveryLineInOrderAsAnAttachmentAndIgnoresLimit() throws Exception {
        UUID job = UUID.randomUUID();
        List<LogEvent> logs = List.of(
            log(job, null, Level.INFO, "starting"),
            log(job, "build", Level.WARN, "slow disk"),
            new LogEvent(UUID.randomUUID(), job, now(), Level.ERROR, "failed:\n  at Main.java:3", "build", null, "test"),
            log(job, null, Level.DEBUG, "done"));
        storeAll(logs);

        HttpResponse<String> response = get(job, "/logs/download", "?limit=1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
            t -> assertThat(t.replace(" ", "").toLowerCase()).isEqualTo("text/plain;charset=utf-8"));
        assertThat(response.headers().firstValue("Content-Disposition"))
            .hasValue("attachment; filename=\"job-" + job + ".log\"");
        assertThat(response.body()).isEqualTo(
            "1 " + logs.get(0).timestamp() + " INFO  starting\n"
                + "2 " + logs.get(1).timestamp() + " WARN  [Step build] slow disk\n"
                + "3 " + logs.get(2).timestamp() + " ERROR [build] failed:\n  at Main.java:3\n"
                + "4 " + logs.get(3).timestamp() + " DEBUG done\n");
    }

    @Test
    void theDownloadStripsTerminalEscapesSoTheFileIsSafeToCat() throws Exception {
        UUID job = UUID.randomUUID();
        storeAll(List.of(
            log(job, null, Level.ERROR, "\u001b[31mred\u001b[0m \u001b]0;pwned\u0007title \u001b]52;c;ZWNobyBoaQ==\u001b\\clipboard"),
            log(job, null, Level.INFO, "50%\r100%\u0008! \u009b2Jcleared\ttabbed"),
            log(job, null, Level.INFO, "kept: caf\u00e9 \u2028 <b>&amp;</b>")));

        HttpResponse<String> response = get(job, "/logs/download", "");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("\u001b", "\r", "\u0007", "\u0008", "\u009b");
        assertThat(response.body().lines().toList()).satisfiesExactly(
            l -> assertThat(l).endsWith(" ERROR red title clipboard"),
            l -> assertThat(l).endsWith(" INFO  50%100%! 2Jcleared\ttabbed"),
            l -> assertThat(l).endsWith(" INFO  kept: caf\u00e9 \u2028 <b>&amp;</b>"));
    }

    @Test
    void theDownloadAppliesTheFilters() throws Exception {
        UUID job = filteredJob();

        HttpResponse<String> response = get(job, "/logs/download", "?step=extract&level=warn");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().lines().map(l -> l.substring(l.indexOf('[')))).containsExactly(
            "[Step extract] disk 100% full",
            "[Step extract] giving up");
        assertThat(response.body().lines().map(l -> l.split(" ")[0])).containsExactly("3", "8");
    }

    @Test
    void aLogLongerThanOnePageDownloadsCompletely() throws Exception {
        assertThat(props.maxLimit()).as("page size of the download").isLessThan(3_000);
        UUID job = UUID.randomUUID();
        storeAll(lines(job, 3_000));

        HttpResponse<String> response = get(job, "/logs/download", "");

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> lines = response.body().lines().toList();
        assertThat(lines).hasSize(3_000);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            assertThat(l).startsWith((i + 1) + " ").endsWith(" INFO  line " + (i + 1));
        }
    }

    /** The log the filter cases read; lines are numbered in this order. */
    private UUID filteredJob() throws Exception {
        synchronized (LogFetchTest.class) {
            if (filteredJob == null) {
                UUID job = UUID.randomUUID();
                storeAll(List.of(
                    log(job, "extract", Level.INFO, "reading file_a"),
                    log(job, "extract", Level.DEBUG, "reading fileXa"),
                    log(job, "extract", Level.WARN, "disk 100% full"),
                    log(job, "load", Level.ERROR, "disk 100 full"),
                    log(job, "load", Level.INFO, "loaded 3 rows"),
                    log(job, null, Level.WARN, "no step: 50% done"),
                    log(job, null, Level.ERROR, "Disk almost FULL"),
                    log(job, "extract", Level.FATAL, "giving up")));
                filteredJob = job;
            }
            return filteredJob;
        }
    }

    /** What the filter means, counted independently of the gateway's SQL (a literal substring, no ILIKE). */
    private long countStored(UUID job, String step, Level level, String q) {
        var sql = new StringBuilder("SELECT count(*) FROM job_logs WHERE job_id = ?");
        var args = new ArrayList<Object>(List.of(job));
        if (step != null) {
            sql.append(" AND step_id = ?");
            args.add(step);
        }
        if (level != null) {
            sql.append(" AND level >= ?");
            args.add(level.severity());
        }
        if (q != null) {
            sql.append(" AND strpos(lower(message), lower(?)) > 0");
            args.add(q);
        }
        return jdbc.queryForObject(sql.toString(), Long.class, args.toArray());
    }

    private static String parameter(String query, String name) {
        return Arrays.stream(query.split("&"))
            .map(p -> p.split("=", 2))
            .filter(p -> p[0].equals(name))
            .map(p -> p[1])
            .findFirst().orElse(null);
    }

    /** The query with every value URL-encoded, so that % and _ reach the server as literals. */
    private static String encoded(String query) {
        return Arrays.stream(query.split("&"))
            .map(p -> p.split("=", 2))
            .map(p -> p[0] + "=" + URLEncoder.encode(p[1], StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    }

    private LogsPayload fetch(UUID job, String query) throws Exception {
        HttpResponse<String> response = get(job, "/logs", query);
        assertThat(response.statusCode()).as("GET %s: %s", response.uri(), response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
            t -> assertThat(t).startsWith("application/json"));
        return SseJson.fromJson(response.body(), LogsPayload.class);
    }

    private HttpResponse<String> get(UUID job, String path, String query) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(job, path, query)).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).GET().build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private URI uri(UUID job, String path, String query) {
        return URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + path + query);
    }

    private void registerJob(UUID job) {
        jdbc.update("INSERT INTO jobs (id) VALUES (?) ON CONFLICT DO NOTHING", job);
    }

    /** Produces the events in order and waits until ingest has stored all of them; returns their cursors. */
    private List<Cursor> storeAll(List<LogEvent> logs) throws Exception {
        var sent = new ArrayList<Future<RecordMetadata>>();
        for (LogEvent log : logs) {
            sent.add(TestProducer.kafka().send(record(log)));
        }
        TestProducer.kafka().flush();
        var cursors = new ArrayList<Cursor>();
        for (var f : sent) {
            RecordMetadata meta = f.get();
            cursors.add(new Cursor(meta.partition(), meta.offset()));
        }
        // Ingest stores a partition in offset order, so the last one stored means all are.
        UUID job = logs.getFirst().jobId();
        await().atMost(WAIT).until(() ->
            jdbc.queryForObject("SELECT coalesce(max(kafka_offset), -1) FROM job_logs WHERE job_id = ?", Long.class, job)
                >= cursors.getLast().offset());
        return cursors;
    }

    private Cursor storeStatus(StatusEvent status) throws Exception {
        var meta = TestProducer.kafka().send(record(status)).get();
        await().atMost(WAIT).until(() -> jdbc.queryForObject(
            "SELECT coalesce((SELECT status_offset FROM jobs WHERE id = ?), -1)", Long.class, status.jobId()) >= meta.offset());
        return new Cursor(meta.partition(), meta.offset());
    }

    private ProducerRecord<String, byte[]> record(JobEvent event) {
        return new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(event.jobId()), codec.encode(event));
    }

    private static List<LogEvent> lines(UUID job, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> log(job, null, Level.INFO, "line " + i)).toList();
    }

    private static List<Long> lineNumbers(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> (long) i).collect(Collectors.toList());
    }

    private static LogEvent log(UUID job, String step, Level level, String message) {
        return new LogEvent(UUID.randomUUID(), job, now(), level, message, step, step == null ? null : "Step " + step, "test");
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
