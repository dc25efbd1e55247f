package io.quaero.gateway;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import com.sun.management.HotSpotDiagnosticMXBean;
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
import io.quaero.gateway.hub.Hub;
import io.quaero.infra.RealInfrastructure;
import io.quaero.infra.TestInfrastructure;
import io.quaero.ingest.LogIngestApplication;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

/**
 * Slow or stuck clients: each connection's queue is bounded; when it overflows, that client gets
 * an explicit {@code reset} (with the cursor to resume from) and is closed. It never blocks the
 * Kafka tail or other clients, and never loses entries silently: it resumes from its cursor.
 *
 * <p>The stuck client is a raw socket with a small receive buffer that sends its request and then
 * reads nothing, so TCP backpressure reaches the server once the kernel's buffers are full; then
 * its queue of {@value #BUFFER} events fills.
 *
 * <p>What this does not show: a client that never reads again. Its connection's thread stays
 * blocked in the socket write, so it notices the overflow only when the write returns. Measured:
 * with Tomcat's default write timeout (connection-timeout, 60 s) the write fails after about a
 * minute; the stream then ends as "client gone", without a {@code reset} and without the final
 * chunk; the client has the lines up to its last complete {@code logs} event and resumes from its
 * id. Until then the connection counts against max-connections and holds its full queue.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = {StreamGatewayApplication.class, LogIngestApplication.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    // The stuck client wakes up after the healthy one read every line: a write deadline shorter
    // than that would close it before its queue overflows (WriteDeadlineTest covers the deadline).
    properties = {"quaero.stream.buffer-size=" + SlowClientTest.BUFFER, "quaero.stream.write-deadline=5m"})
@ContextConfiguration(initializers = RealInfrastructure.class)
class SlowClientTest {

    /**
     * Small enough that a stuck client overflows within {@link #LINES} (the kernel takes about
     * 4 MB, some 7,000 lines, before the server's writes block), yet big enough for a client that
     * does read: the tail hands a connection up to 500 records (one Kafka poll) at once, and on a
     * busy 2-core machine a connection's thread may wait for a CPU for a few hundred milliseconds.
     * With 64, and once with 2,000, the healthy client below overflowed too.
     */
    static final int BUFFER = 5_000;
    private static final int LINES = 20_000;
    /** Pads every message to about 200 bytes, so the stuck socket's buffers fill quickly. */
    private static final String PADDING = "x".repeat(180);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static KafkaProducer<String, byte[]> producer;

    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobEventTail tail;

    @Autowired
    Hub hub;

    @BeforeAll
    static void producer() {
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", TestInfrastructure.shared().endpoints().kafkaBootstrap(),
            "acks", "all", "linger.ms", "5"), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    @Test
    void aStuckClientIsResetWithItsCursorWhileOthersGetEveryLineAndItsResumeMissesAndRepeatsNothing() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(tail::isTailing);
        UUID job = UUID.randomUUID();
        jdbc.update("INSERT INTO jobs (id) VALUES (?) ON CONFLICT DO NOTHING", job);
        int before = hub.connectionCount();

        try (var stuck = StuckClient.connect(port, "/api/jobs/" + job + "/logs/stream");
             var healthy = SseClient.open(uri(job))) {
            assertThat(healthy.status()).isEqualTo(200);
            // Both are subscribed before the first event, so both are owed every line.
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.connectionCount() == before + 2);

            long producing = System.nanoTime();
            for (int i = 1; i <= LINES; i++) {
                var log = new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO, message(i), null, null, "slow-client-test");
                producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(job), codec.encode(log)));
            }
            producer.flush();
            System.out.printf("produced %d lines in %d ms%n", LINES, (System.nanoTime() - producing) / 1_000_000);

            // The healthy client keeps up while the stuck one holds its connection: the tail was
            // never held back by it.
            List<LogEntry> healthyLines = readLines(healthy, LINES);
            System.out.printf("healthy client had all %d lines %d ms after the first was produced%n", LINES,
                (System.nanoTime() - producing) / 1_000_000);
            assertThat(healthyLines).extracting(LogEntry::line).containsExactlyElementsOf(lines(1, LINES));
            assertThat(healthyLines).extracting(LogEntry::message).containsExactlyElementsOf(
                LongStream.rangeClosed(1, LINES).mapToObj(i -> message((int) i)).toList());

            // The stuck connection is still open here: its thread is blocked writing to the full
            // socket and notices the overflow only once the write returns (the client reads, or
            // the container's write timeout fails it).
            System.out.printf("connections open before the stuck client reads: %d%n", hub.connectionCount() - before);
            printStuckConnectionThreads();

            // Now the stuck client reads what the server managed to write, as a browser that
            // wakes up would: some lines, then a reset naming the cursor of the last of them,
            // then the end of the response.
            StuckClient.Response response = stuck.readToEnd(WAIT);
            assertThat(response.status()).isEqualTo(200);
            List<SseFrame> frames = response.frames();
            assertThat(frames).isNotEmpty();
            SseFrame last = frames.getLast();
            assertThat(last.event()).as("the last event the stuck client gets").isEqualTo(SseEvents.RESET);
            ResetPayload reset = last.data(ResetPayload.class);
            assertThat(reset.reason()).isEqualTo("overflow");
            List<LogEntry> stuckLines = new ArrayList<>();
            String lastLogsId = null;
            for (SseFrame f : frames) {
                if (f.event().equals(SseEvents.LOGS)) {
                    List<LogEntry> batch = f.data(LogsPayload.class).logs();
                    stuckLines.addAll(batch);
                    if (!batch.isEmpty()) {
                        lastLogsId = f.id();
                    }
                }
            }
            int had = stuckLines.size();
            System.out.printf("stuck client got %d of %d lines, then reset %s%n", had, LINES, last.data());
            assertThat(had).as("the stuck client fell behind").isGreaterThan(0).isLessThan(LINES);
            assertThat(stuckLines).extracting(LogEntry::line).containsExactlyElementsOf(lines(1, had));
            assertThat(reset.cursor()).as("resume from the last entry the client got").isEqualTo(lastLogsId)
                .isEqualTo(stuckLines.getLast().cursor());
            assertThat(response.endedByServer()).as("the server closed the stuck client's response").isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.connectionCount() == before + 1);

            // The reconnect EventSource would make: exactly the lines after the cursor.
            try (var resumed = SseClient.open(uri(job), Map.of("Last-Event-ID", reset.cursor()))) {
                assertThat(resumed.status()).isEqualTo(200);
                List<LogEntry> rest = readLines(resumed, LINES - had);
                assertThat(rest).extracting(LogEntry::line).containsExactlyElementsOf(lines(had + 1, LINES));
                SseFrame more = resumed.next(SseEvents.LOGS, Duration.ofSeconds(1));
                assertThat(more == null ? List.of() : more.data(LogsPayload.class).logs()).as("nothing twice").isEmpty();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.connectionCount() == before);
    }

    /** The log lines of {@code logs} events until there are {@code count}, or as many as came within {@link #WAIT}. */
    private static List<LogEntry> readLines(SseClient sse, int count) throws InterruptedException {
        List<LogEntry> lines = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (lines.size() < count && System.nanoTime() < deadline) {
            SseFrame f = sse.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (f == null) {
                break;
            }
            assertThat(f.event()).as("an event after %d lines", lines.size()).isNotEqualTo(SseEvents.RESET);
            if (f.event().equals(SseEvents.LOGS)) {
                lines.addAll(f.data(LogsPayload.class).logs());
            }
        }
        return lines;
    }

    /**
     * For the record, not asserted: where the stuck connection's virtual thread waits while its
     * client reads nothing. Virtual threads appear only in this kind of dump, not in
     * {@link Thread#getAllStackTraces}.
     */
    private static void printStuckConnectionThreads() throws IOException {
        Path file = Files.createTempFile("slow-client-threads", ".txt");
        Files.delete(file);
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
            .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
        String dump = Files.readString(file);
        Files.delete(file);
        for (String thread : dump.split("\n\n")) {
            if (thread.contains("SocketWrapperBase.write") && thread.contains("LogSession")) {
                System.out.println("stream thread blocked in a write:\n" + thread.lines()
                    .takeWhile(l -> !l.contains("JobLogStreamController")).collect(Collectors.joining("\n")));
            }
        }
    }

    private static String message(int i) {
        return "line %05d %s".formatted(i, PADDING);
    }

    private static List<Long> lines(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private URI uri(UUID job) {
        return URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream");
    }
}
