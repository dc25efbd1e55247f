package io.quaero.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import io.quaero.access.TestCallers;
import io.quaero.contracts.ApiError;
import io.quaero.contracts.Cursor;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.MatchesPayload;
import io.quaero.contracts.sse.RangePayload;
import io.quaero.contracts.sse.ResetPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.contracts.sse.SseJson;
import io.quaero.infra.Endpoints;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 14: a search costs a bounded number of lines read per request, whatever its term, and a
 * query the database cancels is a clear 4xx (or a reset on a stream), never a 5xx or a silent end.
 *
 * <p>A window of 50 lines here ({@code search-scan-rows}), 20-entry pages, and a replay of at most 100
 * lines, so that logs of a few hundred lines show every case. The term is one character, which no
 * index serves: the case the bound exists for. What a client gathers page by page is compared with
 * what the database holds, found without the gateway's SQL.
 */
@GatewayWithIngestTest
@TestPropertySource(properties = {
    "quaero.stream.search-scan-rows=50", "quaero.stream.max-limit=20", "quaero.stream.default-limit=10",
    "quaero.stream.max-replay=100", "quaero.db.statement-timeout=1s"})
class Issue14SearchCostTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** Lines of the long log, and the two that hold the term. */
    private static final int LINES = 300;
    private static final List<Integer> MATCHING = List.of(7, 260);

    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aOneCharacterSearchReadsOneWindowPerPageAndPagingBackFindsExactlyTheMatchesOfTheWholeLog() throws Exception {
        UUID job = longLog();

        LogsPayload newest = fetch(job, "?q=Z&limit=10");
        assertThat(newest.logs()).extracting(LogEntry::line).containsExactly(260L);
        assertThat(newest.meta().totalCount()).isEqualTo(LINES);
        assertThat(newest.meta().hasMore()).as("lines not searched yet may match").isTrue();
        assertThat(lineOf(job, newest.meta().scannedTo())).as("the newest 50 lines were read").isEqualTo(251);
        assertThat(lineOf(job, newest.meta().countedFrom())).isEqualTo(251);
        assertThat(newest.meta().displayedCount()).as("the matches among them").isOne();

        var found = new ArrayList<>(newest.logs());
        var stops = new ArrayList<Long>();
        String before = newest.meta().scannedTo();
        while (before != null) {
            LogsPayload page = fetch(job, "?q=Z&limit=10&before=" + before);
            found.addAll(0, page.logs());
            if (page.meta().scannedTo() != null) {
                stops.add(lineOf(job, page.meta().scannedTo()));
                assertThat(page.nextCursor()).as("a before page goes on where it stopped").isEqualTo(page.meta().scannedTo());
            }
            before = page.meta().scannedTo() != null ? page.meta().scannedTo()
                : page.meta().hasMore() ? page.logs().getFirst().cursor() : null;
        }
        assertThat(stops).as("every page read 50 lines, no more").containsExactly(201L, 151L, 101L, 51L);
        assertThat(found).extracting(LogEntry::line).containsExactlyElementsOf(matchingInDatabase(job, "Z"));
        assertThat(found).extracting(LogEntry::line).containsExactly(7L, 260L);
    }

    @Test
    void aLogThatFitsOneWindowIsSearchedWholeWithAnExactCount() throws Exception {
        UUID job = UUID.randomUUID();
        store(IntStream.rangeClosed(1, 30).mapToObj(i -> line(job, i, i == 3 || i == 20)).toList());

        LogsPayload page = fetch(job, "?q=Z");

        assertThat(page.logs()).extracting(LogEntry::line).containsExactly(3L, 20L);
        assertThat(page.meta().displayedCount()).isEqualTo(2);
        assertThat(page.meta().hasMore()).isFalse();
        assertThat(page.meta().scannedTo()).isNull();
        assertThat(page.meta().countedFrom()).isNull();
    }

    @Test
    void aForwardPageStopsAtTheEndOfItsWindowAndItsNextCursorGoesOnFromThere() throws Exception {
        UUID job = longLog();
        String first = cursorOfLine(job, 1);

        LogsPayload page = fetch(job, "?q=Z&since=" + first);

        assertThat(page.logs()).extracting(LogEntry::line).containsExactly(7L);
        assertThat(lineOf(job, page.meta().scannedTo())).isEqualTo(51);
        assertThat(page.nextCursor()).isEqualTo(page.meta().scannedTo());
    }

    @Test
    void theStreamsFirstBatchSaysWhereItsSearchStoppedAndLiveMatchesAddToTheNewestWindowsCount() throws Exception {
        UUID job = longLog();
        try (var sse = SseClient.open(uri(job, "/logs/stream", "?q=Z&limit=10"))) {
            assertThat(sse.status()).isEqualTo(200);
            LogsPayload first = sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class);
            assertThat(first.logs()).extracting(LogEntry::line).containsExactly(260L);
            assertThat(lineOf(job, first.meta().scannedTo())).isEqualTo(251);
            assertThat(lineOf(job, first.meta().countedFrom())).isEqualTo(251);
            assertThat(first.meta().hasMore()).isTrue();

            store(List.of(line(job, LINES + 1, true)));
            LogsPayload live = sse.next(SseEvents.LOGS, WAIT).data(LogsPayload.class);
            assertThat(live.logs()).extracting(LogEntry::line).containsExactly(LINES + 1L);
            assertThat(live.meta().displayedCount()).isEqualTo(2);
            assertThat(live.meta().countedFrom()).isEqualTo(first.meta().countedFrom());
            assertThat(live.meta().scannedTo()).as("said once, in the first batch").isNull();
            assertThat(live.meta().hasMore()).isTrue();
        }
    }

    @Test
    void aResumeWalksItsGapWindowByWindowAndDeliversEveryMatchOnce() throws Exception {
        UUID job = longLog();
        try (var sse = SseClient.open(uri(job, "/logs/stream", "?q=Z&since=" + cursorOfLine(job, 200)))) {
            assertThat(sse.status()).isEqualTo(200);
            var delivered = new ArrayList<LogEntry>();
            while (delivered.isEmpty()) {
                SseFrame f = sse.next(WAIT);
                assertThat(f).isNotNull();
                assertThat(f.event()).as("no reset: 100 lines behind is within the replay").isNotEqualTo(SseEvents.RESET);
                if (f.event().equals(SseEvents.LOGS)) {
                    delivered.addAll(f.data(LogsPayload.class).logs());
                }
            }
            assertThat(delivered).extracting(LogEntry::line).containsExactly(260L);
        }
    }

    @Test
    void aResumeThatWouldReadMoreThanMaxReplayLinesStartsOverFromTheNewest() throws Exception {
        UUID job = longLog();
        try (var sse = SseClient.open(uri(job, "/logs/stream", "?q=Z&since=" + cursorOfLine(job, 1)))) {
            SseFrame reset = sse.next(SseEvents.RESET, WAIT);
            assertThat(reset).isNotNull();
            ResetPayload payload = reset.data(ResetPayload.class);
            assertThat(payload.reason()).isEqualTo("too-far-behind");
            assertThat(payload.cursor()).as("start over").isNull();
        }
    }

    @Test
    void theDownloadWithASearchTermHoldsEveryMatchOfTheLog() throws Exception {
        UUID job = longLog();

        HttpResponse<String> response = get(job, "/logs/download", "?q=Z");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().lines().map(l -> Long.parseLong(l.split(" ")[0])).toList())
            .containsExactlyElementsOf(matchingInDatabase(job, "Z"));
    }

    @Test
    void theViewersReadsByPositionCoverTheWholeLogNotTheNewestWindow() throws Exception {
        UUID job = longLog();

        RangePayload all = SseJson.fromJson(ok(get(job, "/logs/range", "?q=Z&from=0&count=10")), RangePayload.class);
        assertThat(all.logs()).as("both matches, the older one 209 lines before the newest window")
            .extracting(LogEntry::line).containsExactly(7L, 260L);
        assertThat(all.meta().displayedCount()).as("counted over the whole log").isEqualTo(2);

        RangePayload second = SseJson.fromJson(ok(get(job, "/logs/range", "?q=Z&line=100&count=10")), RangePayload.class);
        assertThat(second.from()).as("line 100's place: after the one match before it").isEqualTo(1);
        assertThat(second.logs()).extracting(LogEntry::line).containsExactly(260L);

        MatchesPayload next = SseJson.fromJson(ok(get(job, "/logs/matches", "?q=Z&after=7&limit=1")), MatchesPayload.class);
        assertThat(next.lines()).as("the next match, 253 lines on").containsExactly(260L);
        assertThat(next.index()).isEqualTo(1);
        assertThat(next.total()).isEqualTo(2);

        MatchesPayload previous = SseJson.fromJson(ok(get(job, "/logs/matches", "?q=Z&before=260&limit=1")), MatchesPayload.class);
        assertThat(previous.lines()).containsExactly(7L);
        assertThat(previous.index()).isZero();

        MatchesPayload upToNewest = SseJson.fromJson(ok(get(job, "/logs/matches", "?q=Z&before=301&limit=0")), MatchesPayload.class);
        assertThat(upToNewest.index()).as("matches up to the newest line: where a stream's partial count is aligned")
            .isEqualTo(2);

        MatchesPayload none = SseJson.fromJson(ok(get(job, "/logs/matches", "?q=QQ&after=0&limit=1")), MatchesPayload.class);
        assertThat(none.lines()).as("a term no line holds").isEmpty();
        assertThat(none.total()).isZero();
        assertThat(none.index()).isZero();
    }

    @Test
    void aQueryTheDatabaseCancelsIsA422NamingTheParameterToNarrowNeverA5xx() throws Exception {
        UUID job = longLog();
        try (Connection blocker = lockLogs()) {
            HttpResponse<String> search = get(job, "/logs", "?q=Z&level=info&limit=5");
            assertThat(search.statusCode()).isEqualTo(422);
            ApiError error = SseJson.fromJson(search.body(), ApiError.class);
            assertThat(error.error()).isEqualTo(ApiError.QUERY_TOO_COSTLY);
            assertThat(error.field()).isEqualTo("q");

            HttpResponse<String> level = get(job, "/logs", "?level=warn&limit=5");
            assertThat(level.statusCode()).isEqualTo(422);
            assertThat(SseJson.fromJson(level.body(), ApiError.class).field()).isEqualTo("level");

            HttpResponse<String> viewer = get(job, "/logs/matches", "?q=Z&after=0");
            assertThat(viewer.statusCode()).as("the viewer's reads, bounded by the timeout alone").isEqualTo(422);
            assertThat(SseJson.fromJson(viewer.body(), ApiError.class).field()).isEqualTo("q");

            try (var sse = SseClient.open(uri(job, "/logs/stream", "?q=Z"))) {
                assertThat(sse.status()).as("refused before the stream starts").isEqualTo(422);
                assertThat(sse.body()).contains("\"field\":\"q\"").contains(ApiError.QUERY_TOO_COSTLY);
            }
        }
        assertThat(get(job, "/logs", "?q=Z").statusCode()).as("the same request once the database answers").isEqualTo(200);
    }

    @Test
    void aSharedConnectionsChannelWhoseOpeningQueryIsCancelledEndsAloneAndTheOthersStream() throws Exception {
        UUID job = longLog();
        String channels = """
            [{"id":"j","job":"%s","q":"Z"},{"id":"s","service":true}]""".formatted(job);
        try (Connection blocker = lockLogs();
             var sse = SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/streams?channels="
                 + URLEncoder.encode(channels, StandardCharsets.UTF_8)))) {
            assertThat(sse.status()).isEqualTo(200);
            SseFrame reset = sse.next(SseEvents.RESET, WAIT);
            assertThat(reset.data()).startsWith("j\n");
            ResetPayload payload = SseJson.fromJson(reset.data().substring(2), ResetPayload.class);
            assertThat(payload.reason()).isEqualTo("query-too-costly");
            SseFrame status = sse.next(SseEvents.STATUS, WAIT);
            assertThat(status.data()).as("the service-logs channel opened").startsWith("s\n");
        }
    }

    /**
     * A transaction holding every lock on the log tables, as a long maintenance would: any read of
     * them waits, and its wait counts against the statement timeout, so the gateway's query is
     * cancelled (SQLSTATE 57014) every time, whatever the machine's speed. Closing rolls back.
     */
    private static Connection lockLogs() throws Exception {
        Endpoints e = TestInfrastructure.shared().endpoints();
        Connection c = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword());
        c.setAutoCommit(false);
        try (var s = c.createStatement()) {
            s.execute("LOCK TABLE job_logs IN ACCESS EXCLUSIVE MODE");
        }
        return c;
    }

    /** A log of {@link #LINES} lines, the term "Z" in those of {@link #MATCHING}, stored. */
    private UUID longLog() throws Exception {
        UUID job = UUID.randomUUID();
        store(IntStream.rangeClosed(1, LINES).mapToObj(i -> line(job, i, MATCHING.contains(i))).toList());
        return job;
    }

    private static LogEvent line(UUID job, int i, boolean match) {
        // No z in "line" or in the digits: only the marked lines hold the term.
        return new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO, (match ? "found Z in " : "line ") + i,
            null, null, "search-cost-test");
    }

    /** The lines holding {@code term} as the database has them, found without the gateway's SQL. */
    private List<Long> matchingInDatabase(UUID job, String term) {
        return jdbc.queryForList("SELECT line FROM job_logs WHERE job_id = ? AND strpos(lower(message), lower(?)) > 0 ORDER BY line",
            Long.class, job, term);
    }

    private long lineOf(UUID job, String cursor) {
        assertThat(cursor).isNotNull();
        return jdbc.queryForObject("SELECT line FROM job_logs WHERE job_id = ? AND kafka_offset = ?", Long.class, job,
            Cursor.parse(cursor).offset());
    }

    private String cursorOfLine(UUID job, int line) {
        return jdbc.queryForObject("SELECT kafka_partition || '-' || kafka_offset FROM job_logs WHERE job_id = ? AND line = ?",
            String.class, job, (long) line);
    }

    private void store(List<LogEvent> logs) throws Exception {
        var sent = new ArrayList<Future<RecordMetadata>>();
        for (LogEvent log : logs) {
            sent.add(TestProducer.kafka().send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(log.jobId()), codec.encode(log))));
        }
        TestProducer.kafka().flush();
        long last = -1;
        for (var f : sent) {
            last = f.get().offset();
        }
        UUID job = logs.getFirst().jobId();
        long lastOffset = last;
        await().atMost(WAIT).until(() ->
            jdbc.queryForObject("SELECT coalesce(max(kafka_offset), -1) FROM job_logs WHERE job_id = ?", Long.class, job) >= lastOffset);
    }

    private static String ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as("GET %s: %s", response.uri(), response.body()).isEqualTo(200);
        return response.body();
    }

    private LogsPayload fetch(UUID job, String query) throws Exception {
        HttpResponse<String> response = get(job, "/logs", query);
        assertThat(response.statusCode()).as("GET %s: %s", response.uri(), response.body()).isEqualTo(200);
        return SseJson.fromJson(response.body(), LogsPayload.class);
    }

    private HttpResponse<String> get(UUID job, String path, String query) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(job, path, query)).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN)
            .GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private URI uri(UUID job, String path, String query) {
        return URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + path + query);
    }
}
