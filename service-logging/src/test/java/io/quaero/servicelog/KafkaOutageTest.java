package io.quaero.servicelog;

import static io.quaero.servicelog.ServiceLogTopic.uniqueInstance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quaero.infra.EmbeddedKafka;
import io.quaero.servicelog.ServiceLogTopic.Received;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kafka away: the application keeps logging at full speed, lines are dropped and counted, and the gap is announced. */
class KafkaOutageTest {

    private static final Pattern NOTICE =
        Pattern.compile("service-logs: dropped (\\d+) lines \\(queue full or Kafka unavailable\\)");

    @Test
    void withKafkaDownTwentyThousandLogCallsAllReturnAndTheOverflowIsDroppedAndCountedNotQueued() throws Exception {
        String bootstrap = "127.0.0.1:" + closedPort();
        var settings = ServiceLogSettings.of(bootstrap, "outage-test").withInstance(uniqueInstance("down"));
        var appender = new KafkaServiceLogAppender(settings);
        String loggerName = "io.quaero.servicelog.test.Flood";
        int lines = 20_000;
        var maxQueued = new AtomicInteger();
        try (var attached = AttachedAppender.toOnly(loggerName, appender)) {
            Logger log = LoggerFactory.getLogger(loggerName);

            // On its own thread with a generous bound: a blocking appender would hang it, not fail it fast.
            CompletableFuture.runAsync(() -> {
                for (int i = 0; i < lines; i++) {
                    log.info("line {} while Kafka is down", i);
                    if (i % 100 == 0) {
                        maxQueued.accumulateAndGet(appender.queuedCount(), Math::max);
                    }
                }
            }).get(30, TimeUnit.SECONDS);

            assertThat(appender.droppedCount()).isPositive();
            assertThat(maxQueued.get()).isLessThanOrEqualTo(settings.queueCapacity());
            // Everything beyond the queue and the batch in the drain thread's hands was dropped at once.
            assertThat(appender.droppedCount())
                .isGreaterThanOrEqualTo(lines - settings.queueCapacity() - ServiceLogPublisher.MAX_BATCH);

            CompletableFuture.runAsync(attached::close).get(30, TimeUnit.SECONDS);
        }
        assertThat(appender.isStarted()).isFalse();
        // Every line is accounted for: nothing published, and what was still queued counts as dropped.
        assertThat(appender.publishedCount()).isZero();
        assertThat(appender.droppedCount()).isEqualTo(lines);
        assertThat(appender.queuedCount()).isZero();
    }

    @Test
    void stopReturnsPromptlyEvenWhileASendIsBlockedOnAnAbsentBroker() throws Exception {
        var settings = ServiceLogSettings.of("127.0.0.1:" + closedPort(), "outage-test")
            .withInstance(uniqueInstance("stop"))
            .withFlushTimeout(Duration.ofMillis(500));
        var appender = new KafkaServiceLogAppender(settings);
        String loggerName = "io.quaero.servicelog.test.StopWhileDown";
        var attached = AttachedAppender.toOnly(loggerName, appender);
        LoggerFactory.getLogger(loggerName).info("this line waits for a broker that is not there");
        await().atMost(Duration.ofSeconds(30)).until(() -> appender.queuedCount() == 0);

        long started = System.nanoTime();
        CompletableFuture.runAsync(attached::close).get(30, TimeUnit.SECONDS);

        // Bounded by flush timeout + one blocked send + slack; generous here so a slow machine does not fail it.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(appender.droppedCount()).isEqualTo(1);
    }

    @Test
    void afterKafkaComesBackTheNumberOfDroppedLinesIsAnnouncedOnTheTopic(@TempDir Path dataDir) throws Exception {
        int port = closedPort();
        String bootstrap = "127.0.0.1:" + port;
        String instance = uniqueInstance("recovery");
        var settings = ServiceLogSettings.of(bootstrap, "outage-test").withInstance(instance).withQueueCapacity(10);
        var appender = new KafkaServiceLogAppender(settings);
        String loggerName = "io.quaero.servicelog.test.Recovery";
        Logger log = LoggerFactory.getLogger(loggerName);
        try (var attached = AttachedAppender.toOnly(loggerName, appender)) {
            for (int i = 0; i < 100; i++) {
                log.info("line {} before the broker exists", i);
            }
            assertThat(appender.droppedCount()).isPositive();

            try (var broker = EmbeddedKafka.start(dataDir, port)) {
                var topic = ServiceLogTopic.on(broker.bootstrapServers());
                log.info("end-of-recovery: the broker is up");

                // Lines may still be dropped while the producer reconnects; wait until all are announced.
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    List<Received> lines = topic.readUntilMarker(instance, "end-of-recovery", Duration.ofSeconds(5));
                    assertThat(lines).anyMatch(l -> l.event().message().contains("end-of-recovery"));
                    long announced = lines.stream()
                        .map(l -> NOTICE.matcher(l.event().message()))
                        .filter(Matcher::matches)
                        .mapToLong(m -> Long.parseLong(m.group(1)))
                        .sum();
                    assertThat(announced).isPositive().isEqualTo(appender.droppedCount());
                });
                List<Received> lines = topic.readUntilMarker(instance, "end-of-recovery", Duration.ofSeconds(30));
                Received notice = lines.stream().filter(l -> NOTICE.matcher(l.event().message()).matches())
                    .findFirst().orElseThrow();
                assertThat(notice.event().level()).isEqualTo(io.quaero.contracts.Level.WARN);
                assertThat(notice.event().service()).isEqualTo("outage-test");
                assertThat(notice.event().logger()).isEqualTo(KafkaServiceLogAppender.class.getName());
                // Stopped while the broker is still up, so the test does not wait for a stop against a dead one.
                attached.close();
            }
        }
    }

    /** A loopback port nobody listens on (it was free a moment ago). */
    static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
