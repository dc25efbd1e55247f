package io.quaero.gateway;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
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
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

/**
 * No leak: a soak test opens and closes {@value #STREAMS} streams, and the instance returns to
 * its baseline of open connections, platform threads and heap.
 *
 * <p>A client that goes away is noticed on the server's next write, at the latest the next
 * {@code ping}; a short ping interval keeps that, and so the number of server-side connections
 * open at once, small. Connection threads are virtual and not counted by the thread MXBean, so
 * {@link Hub#connectionCount()} going back to 0 is the check that every connection's thread
 * ended and unsubscribed.
 *
 * <p>Why the warm-up holds {@value #PRIMED} streams open at once. Tomcat keeps the channels of
 * closed connections for reuse, up to max heap / 32 bytes of their 16 KB buffers (about 12,000
 * channels with a 6 GB heap), and a cached channel still references the request processor of its
 * last connection (about 100 KB with its buffers) whenever the 200-slot processor cache was full.
 * So the heap after GC grows with the most connections ever open at once, not with the number of
 * connections: measured without this step (and with 1 s pings, so up to 1,900 open at once),
 * +70 to +170 MB after 10,000 streams, and +173, +82, +23 MB over three consecutive rounds of
 * 10,000 as the peak stopped rising. Opening
 * more connections at once than the soak will puts that cache at its working size before the
 * baseline, so what the heap check sees is growth per stream, which is what a leak is.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = {StreamGatewayApplication.class, LogIngestApplication.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"quaero.stream.ping-interval=250ms", "quaero.stream.batch-interval=50ms",
        // One user from one address opens them all: counted, with the limits out of reach, so the
        // test also sees every slot leave the per-user and per-address counters.
        "quaero.stream.max-streams-per-user=100000", "quaero.stream.max-streams-per-address=100000"})
@ContextConfiguration(initializers = RealInfrastructure.class)
class ConnectionLeakTest {

    static final int STREAMS = 10_000;
    private static final int WARM_UP = 200;
    /** More than the soak ever has open at once (measured: at most about 1,000 with 250 ms pings). */
    private static final int PRIMED = 2_000;
    private static final int AT_ONCE = 50;
    private static final int STORED_LINES = 3;
    private static final int THREAD_SLACK = 5;
    private static final long HEAP_SLACK = 32L << 20;
    /** The JDK HttpClient's own worker pool in this JVM: the test's clients, not the instance. */
    private static final String CLIENT_THREADS = "HttpClient-";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final EventCodec codec = new EventCodec();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobEventTail tail;

    @Autowired
    Hub hub;

    /** How a soak client leaves. */
    enum Leaving {
        /** Reads the initial {@code status} and {@code logs}, then closes, as a tab that is closed. */
        AFTER_READING,
        /** Closes as soon as the response headers are in, before reading a byte of the body. */
        AT_ONCE,
        /** Sends the request and resets the TCP connection before any response. */
        BEFORE_THE_RESPONSE
    }

    @Test
    void openingAndClosingTenThousandStreamsLeavesNoConnectionThreadOrHeapBehind() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(tail::isTailing);
        UUID job = jobWithStoredLines();

        // Warm-up: connection pools, the HTTP client, JIT and class loading, and Tomcat's
        // channel cache (see the class comment) reach their working size here, so what stays
        // after the soak is growth, not first use.
        long warming = System.nanoTime();
        soak(job, WARM_UP);
        holdOpenAtOnce(job, PRIMED);
        awaitNoConnections();
        System.out.printf("warm-up: %d streams, then %d open at once, in %d ms%n", WARM_UP, PRIMED,
            (System.nanoTime() - warming) / 1_000_000);
        int baselineThreads = platformThreads();
        int baselineServerThreads = serverThreads();
        long baselineHeap = usedHeapAfterGc();
        Map<String, Integer> baselineByName = threadsByName();

        var peak = new AtomicInteger();
        var sampler = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(hub.connectionCount(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        long started = System.nanoTime();
        Map<Leaving, Integer> failures = soak(job, STREAMS);
        long soaked = System.nanoTime();
        awaitNoConnections();
        long drained = System.nanoTime();
        sampler.interrupt();

        int afterThreads = platformThreads();
        int afterServerThreads = serverThreads();
        long afterHeap = usedHeapAfterGc();
        System.out.printf("soak: %d streams, %d at a time, in %d ms; last connection closed %d ms later; "
                + "at most %d connections open at once%n", STREAMS, AT_ONCE, (soaked - started) / 1_000_000,
            (drained - soaked) / 1_000_000, peak.get());
        System.out.printf("platform threads: baseline %d, after %d; without the test's HTTP client pool: baseline %d, after %d%n",
            baselineThreads, afterThreads, baselineServerThreads, afterServerThreads);
        System.out.printf("heap used after GC: baseline %.1f MB, after %.1f MB (%+.1f MB)%n", mb(baselineHeap),
            mb(afterHeap), mb(afterHeap - baselineHeap));
        System.out.println("platform threads by name, change: " + grown(baselineByName, threadsByName()));

        assertThat(failures).as("streams that did not open as a client expects").isEmpty();
        assertThat(hub.connectionCount()).isZero();
        assertThat(hub.admission().usersCounted()).as("users left in the per-user counter").isZero();
        assertThat(hub.admission().addressesCounted()).as("addresses left in the per-address counter").isZero();
        // The test's own HttpClient grows a cached pool of platform workers (idle for 60 s before
        // they end) with the number of clients at once; they are not the instance's threads.
        assertThat(afterServerThreads).as("platform threads, without the test's HTTP client pool")
            .isLessThanOrEqualTo(baselineServerThreads + THREAD_SLACK);
        assertThat(peak.get()).as("connections open at once in the soak, below what the warm-up primed")
            .isLessThan(PRIMED);
        assertThat(afterHeap).as("heap used after GC").isLessThanOrEqualTo(baselineHeap + HEAP_SLACK);
    }

    /**
     * Opens {@code count} streams and keeps them all open until the server counts every one,
     * then closes them.
     */
    private void holdOpenAtOnce(UUID job, int count) throws InterruptedException {
        List<SseClient> open = new CopyOnWriteArrayList<>();
        var slots = new Semaphore(AT_ONCE);
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                slots.acquire();
                clients.submit(() -> {
                    try {
                        open.add(SseClient.open(uri(job)));
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> hub.connectionCount() == count);
        } finally {
            open.forEach(SseClient::close);
        }
    }

    /**
     * Opens and closes {@code count} streams, {@value #AT_ONCE} at a time; returns how many of
     * each kind did not behave as a client expects (by kind, absent when none).
     */
    private Map<Leaving, Integer> soak(UUID job, int count) throws InterruptedException {
        return Soak.run(count, AT_ONCE, i -> switch (i % 10) {
            case 0 -> Leaving.BEFORE_THE_RESPONSE;
            case 1 -> Leaving.AT_ONCE;
            default -> Leaving.AFTER_READING;
        }, leaving -> stream(job, leaving));
    }

    /** One client's visit; false when what it saw is not a working stream. */
    private boolean stream(UUID job, Leaving leaving) throws Exception {
        if (leaving == Leaving.BEFORE_THE_RESPONSE) {
            Soak.leaveBeforeTheResponse(port, "/api/jobs/" + job + "/logs/stream");
            return true;
        }
        try (var sse = SseClient.open(uri(job))) {
            if (sse.status() != 200) {
                return false;
            }
            if (leaving == Leaving.AT_ONCE) {
                return true;
            }
            SseFrame status = sse.next(WAIT);
            SseFrame logs = sse.next(WAIT);
            return status != null && status.event().equals(SseEvents.STATUS)
                && logs != null && logs.event().equals(SseEvents.LOGS)
                && logs.data(LogsPayload.class).logs().stream().map(LogEntry::line).toList().equals(List.of(1L, 2L, 3L));
        }
    }

    private UUID jobWithStoredLines() throws Exception {
        UUID job = UUID.randomUUID();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers",
            TestInfrastructure.shared().endpoints().kafkaBootstrap(), "acks", "all"), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 1; i <= STORED_LINES; i++) {
                var log = new LogEvent(UUID.randomUUID(), job, Instant.now().truncatedTo(ChronoUnit.MICROS), Level.INFO,
                    "stored " + i, null, null, "leak-test");
                producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(job), codec.encode(log))).get();
            }
        }
        await().atMost(WAIT).until(() ->
            jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job) == STORED_LINES);
        return job;
    }

    private URI uri(UUID job) {
        return URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream");
    }

    private void awaitNoConnections() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> hub.connectionCount() == 0);
    }

    private static int platformThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static int serverThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> !t.getName().startsWith(CLIENT_THREADS)).count();
    }

    /** Heap in use after full collections; the lowest of a few, as other threads allocate meanwhile. */
    private static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    /** Live platform threads by name with digits folded, for telling who grew. */
    private static Map<String, Integer> threadsByName() {
        return Thread.getAllStackTraces().keySet().stream()
            .collect(Collectors.toMap(t -> t.getName().replaceAll("\\d+", "#"), t -> 1, Integer::sum, TreeMap::new));
    }

    private static Map<String, Integer> grown(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> grown = new TreeMap<>();
        after.forEach((name, n) -> {
            int d = n - before.getOrDefault(name, 0);
            if (d != 0) {
                grown.put(name, d);
            }
        });
        before.forEach((name, n) -> grown.putIfAbsent(name, after.containsKey(name) ? 0 : -n));
        grown.values().removeIf(d -> d == 0);
        return grown;
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
