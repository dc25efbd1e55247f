package io.quaero.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.sse.JobStatusChange;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.gateway.hub.Channels;
import io.quaero.gateway.hub.JobEventTail;
import io.quaero.gateway.hub.JobStatusTail;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 13: a gateway reads a partition of the job events only while its streams need it. On a
 * real broker and database, with ingest storing what the test produces, and the release delay cut
 * to a second: a viewer's partition is taken when it subscribes (and only that one: other
 * partitions' records are not even fetched), its stream is exact although its partition was taken
 * while lines were arriving, a partition nobody watches is let go and taken again, a resume on a
 * gateway that does not read the cursor's partition is exact, and the jobs feed needs none of them.
 */
@GatewayWithIngestTest
// Pings every half second: a closed client is noticed (and its need dropped) that soon.
@TestPropertySource(properties = {"quaero.stream.partition-release-after=1s", "quaero.stream.ping-interval=500ms"})
class OnDemandPartitionsTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Release delay (1 s) plus the tail's idle check (at most 1 s), with room for a slow machine. */
    private static final Duration RELEASED = Duration.ofSeconds(10);

    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobEventTail tail;

    @Autowired
    JobStatusTail statusTail;

    @Autowired
    MeterRegistry meters;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    @Qualifier("gatewayTail")
    HealthIndicator tailHealth;

    @BeforeEach
    void nothingIsReadWhileNobodyWatches() {
        await().atMost(WAIT).until(tail::isTailing);
        await("every partition let go (taken at start, watched by no one)").atMost(RELEASED)
            .until(() -> tail.tailedPartitions().isEmpty());
    }

    @Test
    void aGatewayWithViewersOfOneJobReadsOnlyThatJobsPartitionAndFetchesNothingOfTheOthers() throws Exception {
        UUID job = UUID.randomUUID();
        int partition = storeLines(job, 0, 1).partition();
        try (var viewer = open(job, "?limit=1000")) {
            assertThat(viewer.status()).isEqualTo(200);
            assertThat(viewer.next(SseEvents.LOGS, WAIT).data(LogsPayload.class).logs()).hasSize(1);
            assertThat(tail.tailedPartitions()).as("read once the stream has started").containsExactly(partition);
            assertThat(meters.get("quaero.gateway.tail.partitions").tag("topic", Topics.JOB_EVENTS).gauge().value())
                .isEqualTo(1.0);
            Health health = tailHealth.health();
            assertThat(health.getStatus()).as("every partition needed is read").isEqualTo(Status.UP);
            assertThat(health.getDetails().get(Topics.JOB_EVENTS)).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("partitions", List.of(partition)).containsEntry("partitionCount", 1);

            double bytesBefore = bytesRead();
            long decodedBefore = tail.decodedCount();
            // ~2 MB for jobs in every other partition: a gateway reading all would fetch it all.
            byte[] tenKb = "x".repeat(10_000).getBytes(StandardCharsets.UTF_8);
            long elsewhere = 0;
            for (int i = 0; i < 200; i++) {
                UUID other = jobOutside(partition);
                produce(line(other, new String(tenKb, StandardCharsets.UTF_8)));
                elsewhere += tenKb.length;
            }
            produce(line(job, "line 1"));
            SseFrame live = viewer.next(SseEvents.LOGS, WAIT);
            assertThat(live.data(LogsPayload.class).logs()).extracting(LogEntry::message).containsExactly("line 1");

            assertThat(bytesRead() - bytesBefore).as("bytes fetched while %d were produced elsewhere", elsewhere)
                .isGreaterThan(0).isLessThan(elsewhere / 20.0);
            assertThat(tail.decodedCount() - decodedBefore).as("values decoded: the watched job's line only").isEqualTo(1);
            assertThat(tail.tailedPartitions()).containsExactly(partition);
            int other = (partition + 1) % tail.partitionCount();
            assertThat(tail.dispatchedUpTo(other)).as("an unread partition is not 'nothing handed out'")
                .isEqualTo(Channels.NOT_TAILED);
        }
    }

    /**
     * The hard case: the job's partition is not read when the viewer arrives, and lines keep
     * coming while it is taken — some stored before the snapshot, some after it but before the
     * position is taken (the bridge's), some after (live). Each must arrive once, in order.
     */
    @ParameterizedTest(name = "ingest paused: {0}")
    @ValueSource(booleans = {false, true})
    void aViewerOfAJobInAPartitionNotReadYetGetsHistoryAndLiveExactlyOnceWhileLinesArrive(boolean pauseIngest)
        throws Exception {
        UUID job = UUID.randomUUID();
        int partition = storeLines(job, 0, 20).partition();
        assertThat(tail.tailedPartitions()).doesNotContain(partition);
        int total = 220;
        var ingest = listeners.getListenerContainer("ingest-job-events");
        if (pauseIngest) {
            ingest.pause();
        }
        var producing = CompletableFuture.runAsync(() -> {
            for (int i = 20; i < total; i++) {
                try {
                    produce(line(job, "line " + i));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }, task -> Thread.ofVirtual().start(task));
        try (var viewer = open(job, "?limit=1000")) {
            assertThat(viewer.status()).isEqualTo(200);
            List<LogEntry> seen = new ArrayList<>();
            while (seen.size() < total) {
                SseFrame f = viewer.next(SseEvents.LOGS, WAIT);
                assertThat(f).as("logs (seen %d)", seen.size()).isNotNull();
                seen.addAll(f.data(LogsPayload.class).logs());
                if (pauseIngest && seen.size() > total / 2) {
                    ingest.resume();
                }
            }
            producing.get();
            assertThat(seen).extracting(LogEntry::message).containsExactlyElementsOf(
                IntStream.range(0, total).mapToObj(i -> "line " + i).toList());
            assertThat(seen).extracting(LogEntry::line).containsExactlyElementsOf(
                IntStream.rangeClosed(1, total).mapToObj(i -> (long) i).toList());
            assertThat(viewer.next(SseEvents.LOGS, Duration.ofMillis(500))).as("nothing twice").isNull();
        } finally {
            ingest.resume();
        }
    }

    @Test
    void aPartitionNobodyWatchesIsLetGoAfterTheDelayAndTakenAgainWhenSomeoneDoes() throws Exception {
        UUID job = UUID.randomUUID();
        int partition = storeLines(job, 0, 3).partition();
        try (var viewer = open(job, "?limit=1000")) {
            assertThat(viewer.next(SseEvents.LOGS, WAIT).data(LogsPayload.class).logs()).hasSize(3);
            assertThat(tail.tailedPartitions()).containsExactly(partition);
        }
        await("let go once nobody watches").atMost(RELEASED).until(() -> tail.tailedPartitions().isEmpty());
        assertThat(tail.dispatchedUpTo(partition)).isEqualTo(Channels.NOT_TAILED);

        // Lines while nobody here reads the partition: history when someone comes back.
        storeLines(job, 3, 4);
        try (var viewer = open(job, "?limit=1000")) {
            assertThat(tail.tailedPartitions()).containsExactly(partition);
            assertThat(viewer.next(SseEvents.LOGS, WAIT).data(LogsPayload.class).logs()).extracting(LogEntry::line)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
            produce(line(job, "line 7"));
            assertThat(viewer.next(SseEvents.LOGS, WAIT).data(LogsPayload.class).logs()).extracting(LogEntry::line)
                .containsExactly(8L);
        }
    }

    @Test
    void aResumeWithLastEventIdOnAGatewayThatDoesNotReadThePartitionIsExactWhileTheDatabaseLags() throws Exception {
        UUID job = UUID.randomUUID();
        int partition = storeLines(job, 0, 10).partition();
        String cursor;
        try (var viewer = open(job, "?limit=1000")) {
            SseFrame first = viewer.next(SseEvents.LOGS, WAIT);
            assertThat(first.data(LogsPayload.class).logs()).hasSize(10);
            cursor = first.id();
        }
        await().atMost(RELEASED).until(() -> !tail.tailedPartitions().contains(partition));

        var ingest = listeners.getListenerContainer("ingest-job-events");
        ingest.pause();
        try {
            for (int i = 10; i < 20; i++) {
                produce(line(job, "line " + i));
            }
            try (var resumed = SseClient.open(uri(job, ""), Map.of("Last-Event-ID", cursor))) {
                assertThat(resumed.status()).isEqualTo(200);
                List<LogEntry> seen = new ArrayList<>();
                while (seen.size() < 10) {
                    SseFrame f = resumed.next(SseEvents.LOGS, WAIT);
                    assertThat(f).as("lines after the cursor (seen %d)", seen.size()).isNotNull();
                    seen.addAll(f.data(LogsPayload.class).logs());
                }
                produce(line(job, "line 20"));
                while (seen.size() < 11) {
                    seen.addAll(resumed.next(SseEvents.LOGS, WAIT).data(LogsPayload.class).logs());
                }
                assertThat(seen).extracting(LogEntry::line).containsExactlyElementsOf(
                    IntStream.rangeClosed(11, 21).mapToObj(i -> (long) i).toList());
                assertThat(seen).extracting(LogEntry::message).containsExactlyElementsOf(
                    IntStream.range(10, 21).mapToObj(i -> "line " + i).toList());
            }
        } finally {
            ingest.resume();
        }
    }

    /**
     * The jobs feed reads the small status topic, not the job events: with a feed open, this
     * gateway reads no partition of the job events, fetches no byte of them, and the feed still
     * gets every status change (ingest stores it, then publishes it there).
     */
    @Test
    void aJobsFeedWatcherMakesNoPartitionOfTheJobEventsReadAndStillGetsEveryStatusChange() throws Exception {
        await().atMost(WAIT).until(statusTail::isTailing);
        UUID job = UUID.randomUUID();
        try (var feed = SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/job-status/stream"))) {
            assertThat(feed.status()).isEqualTo(200);
            double bytesBefore = bytesRead();
            produce(new StatusEvent(UUID.randomUUID(), job, now(), new JobState(JobStatus.PENDING, null), List.of()));
            produce(line(job, "between the two"));
            produce(new StatusEvent(UUID.randomUUID(), job, now(), new JobState(JobStatus.RUNNING, 50), List.of()));

            List<JobStatusChange> got = new ArrayList<>();
            while (got.size() < 2) {
                SseFrame f = feed.next(SseEvents.STATUS, WAIT);
                assertThat(f).as("status changes on the feed (got %s)", got).isNotNull();
                var change = f.data(JobStatusChange.class);
                if (change.job().id().equals(job.toString())) {
                    got.add(change);
                }
            }
            assertThat(got).containsExactly(
                new JobStatusChange(new JobStatusChange.Job(job.toString(), "pending", null), null),
                new JobStatusChange(new JobStatusChange.Job(job.toString(), "running", 50), null));
            assertThat(tail.tailedPartitions()).as("job-events partitions read with a feed open").isEmpty();
            assertThat(bytesRead() - bytesBefore).as("job-events bytes fetched with a feed open").isZero();
            Health health = tailHealth.health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails().get(Topics.JOB_EVENTS)).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("partitions", List.of()).containsEntry("partitionCount", 0);
            assertThat(health.getDetails().get(Topics.JOB_STATUS)).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("partitions", IntStream.range(0, statusTail.partitionCount()).boxed().toList());
            assertThat(meters.get("quaero.gateway.tail.bytes").tag("topic", Topics.JOB_STATUS).functionCounter().count())
                .as("status bytes fetched").isPositive();
        }
    }

    /** Produces lines {@code from..from+count-1} of the job and waits until ingest stored them; returns the last's place. */
    private RecordMetadata storeLines(UUID job, int from, int count) throws Exception {
        RecordMetadata last = null;
        for (int i = from; i < from + count; i++) {
            last = produce(line(job, "line " + i));
        }
        await().atMost(WAIT).until(() -> jdbc.queryForObject(
            "SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job) == from + count);
        return last;
    }

    /** A job id whose records the Java client's keyed partitioner puts in another partition than {@code partition}. */
    private UUID jobOutside(int partition) {
        while (true) {
            UUID job = UUID.randomUUID();
            byte[] key = Topics.jobKey(job).getBytes(StandardCharsets.UTF_8);
            if (Utils.toPositive(Utils.murmur2(key)) % tail.partitionCount() != partition) {
                return job;
            }
        }
    }

    private double bytesRead() {
        return meters.get("quaero.gateway.tail.bytes").tag("topic", Topics.JOB_EVENTS).functionCounter().count();
    }

    private RecordMetadata produce(JobEvent event) throws Exception {
        return TestProducer.kafka().send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(event.jobId()), codec.encode(event)))
            .get();
    }

    private static LogEvent line(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, now(), Level.INFO, message, null, null, "on-demand-test");
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private SseClient open(UUID job, String query) {
        return SseClient.open(uri(job, query));
    }

    private URI uri(UUID job, String query) {
        return URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream" + query);
    }
}
