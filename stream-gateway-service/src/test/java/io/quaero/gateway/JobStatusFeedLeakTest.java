package io.quaero.gateway;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.JobStatusChange;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.gateway.hub.JobStatusTail;
import io.quaero.gateway.hub.Hub;
import io.quaero.infra.RealInfrastructure;
import io.quaero.ingest.LogIngestApplication;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * No leak from the jobs feed: {@value #FEEDS} feeds opened and left the ways a browser leaves
 * (see {@link ConnectionLeakTest}, whose context this shares: 250 ms pings, so a vanished client
 * is noticed quickly; one user from one address, counted with the per-user and per-address
 * limits out of reach), and the instance is back to no connection, no feed subscription, nobody in
 * the admission counters, its baseline of platform threads, and no decoding for the feed.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = {StreamGatewayApplication.class, LogIngestApplication.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"quaero.stream.ping-interval=250ms", "quaero.stream.batch-interval=50ms",
        "quaero.stream.max-streams-per-user=100000", "quaero.stream.max-streams-per-address=100000"})
@ContextConfiguration(initializers = RealInfrastructure.class)
class JobStatusFeedLeakTest {

    static final int FEEDS = 1_000;
    private static final int AT_ONCE = 50;
    private static final int THREAD_SLACK = 5;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofSeconds(30);
    /** The JDK HttpClient's own worker pool in this JVM: the test's clients, not the instance. */
    private static final String CLIENT_THREADS = "HttpClient-";

    @LocalServerPort
    int port;

    @Autowired
    JobStatusTail tail;

    @Autowired
    Hub hub;


    /** How a soak client leaves. */
    enum Leaving {
        /** Closes as soon as the response headers are in, as a page navigated away from. */
        AT_ONCE,
        /** Reads a first event (a ping: nothing changes meanwhile), then closes. */
        AFTER_A_PING,
        /** Sends the request and resets the TCP connection before any response. */
        BEFORE_THE_RESPONSE
    }

    @Test
    void openingAndLeavingAThousandFeedsLeavesNoSubscriptionThreadOrDecodingBehind() throws Exception {
        await().atMost(SETTLE).until(tail::isTailing);
        soak(AT_ONCE);
        awaitNoConnections();
        int baselineThreads = serverThreads();

        Map<Leaving, Integer> failures = soak(FEEDS);
        awaitNoConnections();

        assertThat(failures).as("feeds that did not open as a client expects").isEmpty();
        assertThat(hub.admission().usersCounted()).as("users left in the per-user counter").isZero();
        assertThat(hub.admission().addressesCounted()).as("addresses left in the per-address counter").isZero();
        assertThat(serverThreads()).as("platform threads, without the test's HTTP client pool")
            .isLessThanOrEqualTo(baselineThreads + THREAD_SLACK);
        long decoded = tail.decodedCount();
        UUID job = UUID.randomUUID();
        // Where ingest publishes a stored change, so the test knows when the tail passed it.
        var sent = TestProducer.kafka().send(new ProducerRecord<>(Topics.JOB_STATUS, Topics.jobKey(job),
            new JobStatusChange(new JobStatusChange.Job(job.toString(), "running", 1), null).toJson())).get();
        await().atMost(WAIT).until(() -> tail.dispatchedUpTo(sent.partition()) >= sent.offset());
        assertThat(tail.decodedCount()).as("records decoded once every feed left").isEqualTo(decoded);
    }

    /** Opens and leaves {@code count} feeds, {@value #AT_ONCE} at a time; failures by kind. */
    private Map<Leaving, Integer> soak(int count) throws InterruptedException {
        return Soak.run(count, AT_ONCE, i -> switch (i % 10) {
            case 0 -> Leaving.BEFORE_THE_RESPONSE;
            case 1 -> Leaving.AFTER_A_PING;
            default -> Leaving.AT_ONCE;
        }, this::visit);
    }

    private boolean visit(Leaving leaving) throws Exception {
        if (leaving == Leaving.BEFORE_THE_RESPONSE) {
            Soak.leaveBeforeTheResponse(port, "/api/job-status/stream");
            return true;
        }
        try (var feed = SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/job-status/stream"))) {
            if (feed.status() != 200) {
                return false;
            }
            return leaving == Leaving.AT_ONCE || feed.next(SseEvents.PING, WAIT) != null;
        }
    }

    private void awaitNoConnections() {
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(100))
            .until(() -> hub.connectionCount() == 0 && hub.feedCount() == 0);
    }

    private static int serverThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> !t.getName().startsWith(CLIENT_THREADS)).count();
    }
}
