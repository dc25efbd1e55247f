package io.quaero.gateway;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.contracts.sse.StatusPayload;
import io.quaero.gateway.config.StreamProperties;
import io.quaero.gateway.hub.JobEventTail;
import io.quaero.gateway.hub.Subscriber;
import io.quaero.gateway.hub.Hub;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 10: an idle stream costs nothing. A viewer of a finished job, or of a job that went quiet,
 * parks until its next ping; it does not spin. Measured with each connection's loop-pass counter
 * ({@link Subscriber#wakeUps()}), since virtual threads have no per-thread CPU figure.
 *
 * <p>The spin this guards against: a job's last events are lines followed by a status within one
 * batch interval; the status writes the waiting lines itself, which left the loop's flush deadline
 * in the past, so every later wait returned at once: a core per page left open on a finished job.
 */
@GatewayWithIngestTest
class IdleStreamTest {

    private static final int VIEWERS = 10;
    /** Two ping intervals at the default 5 s: a spinning loop makes millions of passes in that time. */
    private static final Duration IDLE = Duration.ofSeconds(10);
    /** Loop passes allowed beyond one per ping: the pass that ends the last batch, and one of rounding. */
    private static final int SLACK = 2;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobEventTail tail;

    @Autowired
    Hub hub;

    @Autowired
    StreamProperties props;

    @Test
    void viewersOfAFinishedJobAndOfAQuietJobSleepUntilTheirNextPingAndOtherRequestsAreServed() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(tail::isTailing);
        UUID finished = UUID.randomUUID();
        UUID quiet = UUID.randomUUID();
        registerJob(finished);
        registerJob(quiet);

        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < VIEWERS; i++) {
                clients.add(open(finished));
                clients.add(open(quiet));
            }
            await().atMost(WAIT).until(() -> hub.subscribers(finished).size() == VIEWERS
                && hub.subscribers(quiet).size() == VIEWERS);

            // Lines, then the end, arriving live within one batch: the status flushes the lines.
            for (int i = 1; i <= 50; i++) {
                produce(log(finished, "line " + i));
                produce(log(quiet, "line " + i));
            }
            produce(new StatusEvent(UUID.randomUUID(), finished, Instant.now(), new JobState(JobStatus.COMPLETED, 100), List.of()));
            produce(new StatusEvent(UUID.randomUUID(), quiet, Instant.now(), new JobState(JobStatus.RUNNING, 50), List.of()));
            for (SseClient client : clients) {
                awaitStatus(client);
            }

            long[] before = wakeUps(finished, quiet);
            long idleStart = System.nanoTime();
            // Other requests are answered meanwhile: the fetch API of the same instance.
            var fetch = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/jobs/" + finished + "/logs?limit=10")).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(fetch.statusCode()).isEqualTo(200);
            Thread.sleep(IDLE);
            long[] after = wakeUps(finished, quiet);
            double idleSeconds = (System.nanoTime() - idleStart) / 1e9;

            long allowed = (long) Math.ceil(idleSeconds / props.pingInterval().toSeconds()) + SLACK;
            for (int i = 0; i < before.length; i++) {
                assertThat(after[i] - before[i])
                    .as("loop passes of connection %d over %.1f s idle (ping every %s)", i, idleSeconds, props.pingInterval())
                    .isLessThanOrEqualTo(allowed);
            }
        } finally {
            clients.forEach(SseClient::close);
        }
    }

    /** Each connection's wake-up count, in a stable order (the same subscribers both times). */
    private long[] wakeUps(UUID... jobs) {
        List<Subscriber> all = new ArrayList<>();
        for (UUID job : jobs) {
            all.addAll(hub.subscribers(job));
        }
        all.sort((a, b) -> Integer.compare(System.identityHashCode(a), System.identityHashCode(b)));
        assertThat(all).hasSize(2 * VIEWERS);
        return all.stream().mapToLong(Subscriber::wakeUps).toArray();
    }

    private static void awaitStatus(SseClient client) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            SseFrame f = client.next(SseEvents.STATUS, WAIT);
            if (f != null) {
                String status = f.data(StatusPayload.class).job().status();
                if ("completed".equals(status) || "running".equals(status)) {
                    return;
                }
            }
        }
        throw new AssertionError("no final status within " + WAIT);
    }

    private SseClient open(UUID job) {
        SseClient client = SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream"));
        assertThat(client.status()).isEqualTo(200);
        return client;
    }

    private void registerJob(UUID job) {
        jdbc.update("INSERT INTO jobs (id) VALUES (?) ON CONFLICT DO NOTHING", job);
    }

    private void produce(JobEvent event) {
        TestProducer.kafka().send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(event.jobId()), codec.encode(event)));
    }

    private static LogEvent log(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO, message, null, null, "test");
    }
}
