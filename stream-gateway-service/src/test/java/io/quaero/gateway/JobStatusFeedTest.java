package io.quaero.gateway;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.event.StepState;
import io.quaero.contracts.sse.JobStatusChange;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.contracts.sse.StepView;
import io.quaero.gateway.hub.JobStatusTail;
import io.quaero.gateway.hub.Hub;
import io.quaero.infra.RealInfrastructure;
import io.quaero.ingest.LogIngestApplication;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

/**
 * The jobs feed ({@code /api/job-status/stream}) as a jobs list page sees it, against the real
 * broker, database and log-ingest: workers' events go to {@code quaero.job-events}, ingest stores
 * them and publishes the status changes to {@code quaero.job-status}, which the feed reads. Its own
 * context: {@code max-connections} is 2, so the limit is reachable; pings every 500 ms, so a client
 * that leaves is noticed quickly. Every test starts and ends with no connection open.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = {StreamGatewayApplication.class, LogIngestApplication.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"quaero.stream.max-connections=2", "quaero.stream.ping-interval=500ms"})
@ContextConfiguration(initializers = RealInfrastructure.class)
class JobStatusFeedTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    JobStatusTail tail;

    @Autowired
    Hub hub;


    @BeforeEach
    void tailing() {
        await().atMost(SETTLE).until(tail::isTailing);
        awaitNoConnection();
    }

    @AfterEach
    void everyConnectionIsReleased() {
        awaitNoConnection();
    }

    @Test
    void statusChangesOfTwoJobsArriveOnOneConnectionInOrderPerJobAndLogLinesDoNot() throws Exception {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        try (var feed = openFeed()) {
            assertThat(feed.status()).isEqualTo(200);
            var headers = feed.response().headers();
            assertThat(headers.firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            assertThat(headers.firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(headers.firstValue("X-Accel-Buffering")).hasValue("no");

            produce(status(a, JobStatus.PENDING, null));
            produce(log(a, "fetching"));
            produce(status(b, JobStatus.PENDING, null));
            produce(status(a, JobStatus.RUNNING, 10));
            produce(log(b, "extracting"));
            produce(steps(b, new StepState("extract", "Extract", JobStatus.RUNNING)));
            produce(log(a, "status"));
            produce(status(b, JobStatus.RUNNING, 50));
            produce(status(a, JobStatus.COMPLETED, 100));
            produce(log(b, "disk full"));
            produce(new StatusEvent(UUID.randomUUID(), b, now(), new JobState(JobStatus.FAILED, null),
                List.of(new StepState("extract", null, JobStatus.FAILED))));

            // Each job's last status comes after its log lines in its partition: once both are
            // here, every line was passed by, and anything delivered for them is in these lists.
            Map<UUID, List<JobStatusChange>> got = receive(feed, Map.of(a, 3, b, 4));
            assertThat(got.get(a)).containsExactly(
                change(a, "pending", null),
                change(a, "running", 10),
                change(a, "completed", 100));
            assertThat(got.get(b)).containsExactly(
                change(b, "pending", null),
                new JobStatusChange(new JobStatusChange.Job(b.toString(), null, null),
                    List.of(new StepView("extract", "Extract", "running"))),
                change(b, "running", 50),
                new JobStatusChange(new JobStatusChange.Job(b.toString(), "failed", null),
                    List.of(new StepView("extract", null, "failed"))));
        }
    }

    @Test
    void aStepOnlyChangeStillNamesItsJob() throws Exception {
        UUID job = UUID.randomUUID();
        try (var feed = openFeed()) {
            produce(steps(job, new StepState("load", "Load", JobStatus.RUNNING)));
            SseFrame frame = nextStatusOf(feed, job);
            assertThat(frame.id()).as("no resume on the feed, so no id").isNull();
            assertThat(frame.data()).isEqualTo(
                "{\"job\":{\"id\":\"" + job + "\"},\"steps\":[{\"id\":\"load\",\"name\":\"Load\",\"status\":\"running\"}]}");
        }
    }

    @Test
    void whileTheFeedIsWatchedItsTailDecodesStatusChangesOnlyNeverLogLines() throws Exception {
        UUID job = UUID.randomUUID();
        try (var feed = openFeed()) {
            long before = tail.decodedCount();
            for (int i = 1; i <= 50; i++) {
                produce(log(job, "row " + i + " loaded"));
            }
            produce(status(job, JobStatus.RUNNING, 5));
            nextStatusOf(feed, job);
            // The status came after the 50 lines in the job's partition: ingest stored them all
            // before it, and published none of them.
            assertThat(tail.decodedCount() - before).as("records decoded for the feed").isEqualTo(1);
        }
    }

    @Test
    void aDisconnectFreesTheSubscriptionAndThenNothingIsDecodedForTheFeed() throws Exception {
        UUID job = UUID.randomUUID();
        try (var feed = openFeed()) {
            produce(status(job, JobStatus.PENDING, null));
            nextStatusOf(feed, job);
            assertThat(hub.feedCount()).isEqualTo(1);
        }
        // The server notices at its next write (a ping at the latest).
        awaitNoConnection();

        long before = tail.decodedCount();
        // Where ingest would publish it, so the test knows when the tail passed it.
        var change = new JobStatusChange(new JobStatusChange.Job(job.toString(), "running", 20), null);
        RecordMetadata last = TestProducer.kafka().send(new ProducerRecord<>(Topics.JOB_STATUS, Topics.jobKey(job),
            change.toJson())).get();
        await().atMost(WAIT).until(() -> tail.dispatchedUpTo(last.partition()) >= last.offset());
        assertThat(tail.decodedCount()).as("records decoded with nobody watching").isEqualTo(before);
    }

    @Test
    void aFeedCountsAgainstTheConnectionLimitLikeEveryStream() throws Exception {
        UUID job = UUID.randomUUID();
        jdbc.update("INSERT INTO jobs (id) VALUES (?) ON CONFLICT DO NOTHING", job);
        var open = new ArrayList<SseClient>();
        try {
            open.add(openFeed());
            open.add(SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream")));
            assertThat(open).allSatisfy(c -> assertThat(c.status()).isEqualTo(200));
            await().atMost(WAIT).until(() -> hub.connectionCount() == 2);

            try (var refused = openFeed()) {
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.response().headers().firstValue("Retry-After").map(Long::parseLong))
                    .hasValueSatisfying(s -> assertThat(s).isBetween(1L, 5L));
                assertThat(refused.body()).contains("\"error\":\"too_many_connections\"");
            }
            assertThat(hub.feedCount()).as("a refused feed is not subscribed").isEqualTo(1);

            open.removeLast().close();
            await().atMost(WAIT).until(() -> hub.connectionCount() == 1);
            var again = openFeed();
            open.add(again);
            assertThat(again.status()).isEqualTo(200);
            produce(status(job, JobStatus.RUNNING, 1));
            assertThat(nextStatusOf(again, job)).isNotNull();
        } finally {
            open.forEach(SseClient::close);
        }
    }

    @Test
    void aQuietFeedIsKeptAliveWithPings() throws Exception {
        try (var feed = openFeed()) {
            assertThat(feed.next(SseEvents.PING, WAIT)).isNotNull();
        }
    }

    /**
     * The page's merge is exact without holding the stream back: a change reaches the feed only
     * once the database holds it, so one a new feed will not bring (it passed before the feed
     * subscribed) is in the list the page fetches once the feed is open. Ingest is held back here
     * by locking the job's row, which its writer must lock to store the change: meanwhile the
     * change is on no feed, and a new feed opens at once all the same.
     */
    @Test
    void aChangeReachesTheFeedOnlyOnceTheDatabaseHoldsItAndAFeedOpensWithoutWaitingForIngest() throws Exception {
        UUID job = UUID.randomUUID();
        produce(status(job, JobStatus.PENDING, null));
        await().atMost(WAIT).until(() -> "pending".equals(storedStatus(job)));

        var running = change(job, "running", 70);
        try (var watching = openFeed()) {
            try (Connection lock = dataSource.getConnection()) {
                lock.setAutoCommit(false);
                try (var select = lock.prepareStatement("SELECT 1 FROM jobs WHERE id = ? FOR UPDATE")) {
                    select.setObject(1, job);
                    select.executeQuery().close();
                }
                produce(status(job, JobStatus.RUNNING, 70));
                assertThat(statusesOf(watching, job, Duration.ofSeconds(2))).as("on the feed before it is stored")
                    .doesNotContain(running);
                long start = System.nanoTime();
                try (var opening = openFeed()) {
                    assertThat(opening.status()).isEqualTo(200);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("open while ingest is held back")
                        .isLessThan(Duration.ofSeconds(2));
                }
                lock.rollback();
            }
            JobStatusChange arrived;
            do {
                arrived = nextStatusOf(watching, job).data(JobStatusChange.class);
            } while (!arrived.equals(running));
            assertThat(storedStatus(job)).as("the job's status in the database when the change arrived").isEqualTo("running");
        }
        // A feed opened after the change passed by does not bring it: the list it fetches has it.
        awaitNoConnection();
        try (var later = openFeed()) {
            assertThat(later.status()).isEqualTo(200);
            assertThat(storedStatus(job)).isEqualTo("running");
            assertThat(statusesOf(later, job, Duration.ofSeconds(1))).as("a change from before the feed opened").isEmpty();
        }
    }

    /** The job's status changes that arrive on {@code feed} within {@code time}. */
    private List<JobStatusChange> statusesOf(SseClient feed, UUID job, Duration time) throws InterruptedException {
        List<JobStatusChange> got = new ArrayList<>();
        long deadline = System.nanoTime() + time.toNanos();
        for (long left = time.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            SseFrame f = feed.next(SseEvents.STATUS, Duration.ofNanos(left));
            if (f != null && f.data(JobStatusChange.class).job().id().equals(job.toString())) {
                got.add(f.data(JobStatusChange.class));
            }
        }
        return got;
    }

    private String storedStatus(UUID job) {
        return jdbc.query("SELECT status FROM jobs WHERE id = ?", rs -> rs.next() ? rs.getString(1) : null, job);
    }

    /** Status changes of the given jobs, until each has its expected number; other frames must be pings or other jobs. */
    private Map<UUID, List<JobStatusChange>> receive(SseClient feed, Map<UUID, Integer> expected) throws InterruptedException {
        Map<UUID, List<JobStatusChange>> got = new HashMap<>();
        expected.keySet().forEach(job -> got.put(job, new ArrayList<>()));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (expected.entrySet().stream().anyMatch(e -> got.get(e.getKey()).size() < e.getValue())) {
            SseFrame f = feed.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (f == null) {
                fail("status changes missing after " + WAIT + ": got " + got);
            }
            assertThat(f.event()).as("feed event").isIn(SseEvents.STATUS, SseEvents.PING);
            if (f.event().equals(SseEvents.STATUS)) {
                var change = f.data(JobStatusChange.class);
                var list = got.get(UUID.fromString(change.job().id()));
                if (list != null) {
                    list.add(change);
                }
            }
        }
        return got;
    }

    private SseFrame nextStatusOf(SseClient feed, UUID job) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            SseFrame f = feed.next(SseEvents.STATUS, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (f == null) {
                fail("no status of job " + job + " within " + WAIT);
            }
            if (f.data(JobStatusChange.class).job().id().equals(job.toString())) {
                return f;
            }
        }
    }

    private void awaitNoConnection() {
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(100))
            .until(() -> hub.connectionCount() == 0 && hub.feedCount() == 0);
    }

    private SseClient openFeed() {
        return SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/job-status/stream"));
    }

    private RecordMetadata produce(JobEvent event) throws Exception {
        return TestProducer.kafka().send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(event.jobId()),
            codec.encode(event))).get();
    }

    private static JobStatusChange change(UUID job, String status, Integer progress) {
        return new JobStatusChange(new JobStatusChange.Job(job.toString(), status, progress), null);
    }

    private static StatusEvent status(UUID job, JobStatus status, Integer progress) {
        return new StatusEvent(UUID.randomUUID(), job, now(), new JobState(status, progress), List.of());
    }

    private static StatusEvent steps(UUID job, StepState... steps) {
        return new StatusEvent(UUID.randomUUID(), job, now(), null, List.of(steps));
    }

    private static LogEvent log(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, now(), Level.INFO, message, null, null, "feed-test");
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
