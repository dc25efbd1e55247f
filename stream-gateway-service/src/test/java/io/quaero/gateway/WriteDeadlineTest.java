package io.quaero.gateway;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.gateway.hub.Hub;
import io.quaero.gateway.hub.JobEventTail;
import io.quaero.gateway.sse.StreamEnds;
import io.quaero.infra.RealInfrastructure;
import io.quaero.infra.TestInfrastructure;
import io.quaero.ingest.LogIngestApplication;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

/**
 * A client that stops reading is closed once a write has waited {@code write-deadline} for its
 * socket: its slot is free again at once (not after the container's default minute), the end is
 * counted as {@code write-timeout}, and the client — a browser that wakes up — has every line up
 * to its last complete event and resumes from that event's id with exactly the rest.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = {StreamGatewayApplication.class, LogIngestApplication.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "quaero.stream.write-deadline=1s")
@ContextConfiguration(initializers = RealInfrastructure.class)
class WriteDeadlineTest {

    /** Enough padded lines (~4 MB) to fill the kernel's buffers between the server and the stuck client. */
    private static final int LINES = 20_000;
    private static final String PADDING = "x".repeat(180);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobEventTail tail;

    @Autowired
    Hub hub;

    @Autowired
    StreamEnds ends;

    @Test
    void aClientThatStopsReadingIsClosedAtTheWriteDeadlineAndResumesExactly() throws Exception {
        await().atMost(WAIT).until(tail::isTailing);
        UUID job = UUID.randomUUID();
        jdbc.update("INSERT INTO jobs (id) VALUES (?) ON CONFLICT DO NOTHING", job);
        int before = hub.connectionCount();
        long timeoutsBefore = ends.count(StreamEnds.Stream.JOB, Disconnect.WRITE_TIMEOUT);
        var codec = new EventCodec();
        try (var stuck = StuckClient.connect(port, "/api/jobs/" + job + "/logs/stream");
             var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers",
                 TestInfrastructure.shared().endpoints().kafkaBootstrap(), "acks", "all", "linger.ms", "5"),
                 new StringSerializer(), new ByteArraySerializer())) {
            await().atMost(WAIT).until(() -> hub.connectionCount() == before + 1);
            for (int i = 1; i <= LINES; i++) {
                var log = new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO, message(i), null, null, "deadline-test");
                producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(job), codec.encode(log)));
            }
            producer.flush();

            // The server's write blocks once the kernel's buffers are full; a second later the
            // deadline fails it and the slot is given back, while the client still reads nothing.
            await().atMost(WAIT).until(() -> hub.connectionCount() == before);
            assertThat(ends.count(StreamEnds.Stream.JOB, Disconnect.WRITE_TIMEOUT)).isEqualTo(timeoutsBefore + 1);

            // The client wakes up: what reached it is whole events, lines 1..n, then the end of
            // the connection (no reset: nothing could be written to it any more).
            StuckClient.Response response = stuck.readToEnd(WAIT);
            List<LogEntry> got = new ArrayList<>();
            String lastId = null;
            for (SseFrame f : response.frames()) {
                if (f.event().equals(SseEvents.LOGS)) {
                    List<LogEntry> batch = f.data(LogsPayload.class).logs();
                    got.addAll(batch);
                    lastId = batch.isEmpty() ? lastId : f.id();
                }
                assertThat(f.event()).isNotEqualTo(SseEvents.RESET);
            }
            int had = got.size();
            System.out.printf("the stuck client had %d of %d lines when its write timed out%n", had, LINES);
            assertThat(had).isGreaterThan(0).isLessThan(LINES);
            assertThat(got).extracting(LogEntry::line).containsExactlyElementsOf(lines(1, had));

            // EventSource reconnects with the last id it saw: exactly the rest.
            try (var resumed = SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream"),
                Map.of("Last-Event-ID", lastId))) {
                List<LogEntry> rest = new ArrayList<>();
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (rest.size() < LINES - had && System.nanoTime() < deadline) {
                    SseFrame f = resumed.next(SseEvents.LOGS, WAIT);
                    if (f == null) {
                        break;
                    }
                    rest.addAll(f.data(LogsPayload.class).logs());
                }
                assertThat(rest).extracting(LogEntry::line).containsExactlyElementsOf(lines(had + 1, LINES));
            }
        }
    }

    private static String message(int i) {
        return "line %05d %s".formatted(i, PADDING);
    }

    private static List<Long> lines(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }
}
