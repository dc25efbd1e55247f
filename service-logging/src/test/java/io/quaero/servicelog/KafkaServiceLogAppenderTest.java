package io.quaero.servicelog;

import static io.quaero.servicelog.ServiceLogTopic.uniqueInstance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import ch.qos.logback.classic.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.servicelog.ServiceLogTopic.Received;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The appender against a real broker: what a logged line looks like on quaero.service-logs. */
class KafkaServiceLogAppenderTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static ServiceLogTopic topic;

    @BeforeAll
    static void createTopic() {
        topic = ServiceLogTopic.shared();
    }

    private static ServiceLogSettings settings(String instance) {
        return ServiceLogSettings.of(topic.bootstrap(), "test-service").withInstance(instance);
    }

    @Test
    void aLineLoggedThroughSlf4jArrivesWithServiceInstanceLevelLoggerMessageKeyAndTheJobIdFromTheMdc() {
        String instance = uniqueInstance("fields");
        UUID jobId = UUID.randomUUID();
        Logger log = LoggerFactory.getLogger("io.quaero.servicelog.test.Publishing");
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (var attached = AttachedAppender.toRoot(new KafkaServiceLogAppender(settings(instance)))) {
            MDC.put("job_id", jobId.toString());
            try {
                log.warn("disk {} is {}% full", "sda", 91);
            } finally {
                MDC.remove("job_id");
            }
            log.info("no job here, end-of-fields");

            List<Received> lines = topic.readUntilMarker(instance, "end-of-fields", WAIT);

            assertThat(lines).hasSize(2);
            Received warn = lines.getFirst();
            assertThat(warn.key()).isEqualTo(Topics.serviceKey("test-service", instance));
            ServiceLogEvent event = warn.event();
            assertThat(event.service()).isEqualTo("test-service");
            assertThat(event.instance()).isEqualTo(instance);
            assertThat(event.level()).isEqualTo(io.quaero.contracts.Level.WARN);
            assertThat(event.logger()).isEqualTo("io.quaero.servicelog.test.Publishing");
            assertThat(event.message()).isEqualTo("disk sda is 91% full");
            assertThat(event.jobId()).isEqualTo(jobId);
            assertThat(event.timestamp()).isBetween(before, Instant.now());
            Received info = lines.get(1);
            assertThat(info.event().level()).isEqualTo(io.quaero.contracts.Level.INFO);
            assertThat(info.event().jobId()).isNull();
            assertThat(info.event().eventId()).isNotEqualTo(event.eventId());
            await().atMost(WAIT).until(() -> attached.appender().publishedCount() >= 2);
            assertThat(attached.appender().droppedCount()).isZero();
        }
    }

    @Test
    void eachLoggerPrefixPublishesUnderItsServiceTheLongestPrefixWinningAndOthersUnderTheDefault() {
        String instance = uniqueInstance("mapping");
        var services = ServiceNames.of("quaero-dev", Map.of(
            "io.quaero", "platform",
            "io.quaero.jobs", "job-service",
            "io.quaero.jobs.worker", "job-worker"));
        try (var ignored = AttachedAppender.toRoot(new KafkaServiceLogAppender(settings(instance).withServices(services)))) {
            LoggerFactory.getLogger("io.quaero.jobs.Dispatcher").info("m-dispatcher");
            LoggerFactory.getLogger("io.quaero.jobs.worker.Runner").info("m-runner");
            LoggerFactory.getLogger("io.quaero.jobsearch.Index").info("m-jobsearch");
            LoggerFactory.getLogger("io.quaero.ingest.Consumer").info("m-ingest");
            LoggerFactory.getLogger("com.example.Library").info("m-library, end-of-mapping");

            List<Received> lines = topic.readUntilMarker(instance, "end-of-mapping", WAIT);

            assertThat(lines).extracting(l -> l.event().message(), l -> l.event().service(), Received::key)
                .containsExactly(
                    tuple("m-dispatcher", "job-service", Topics.serviceKey("job-service", instance)),
                    tuple("m-runner", "job-worker", Topics.serviceKey("job-worker", instance)),
                    // Prefixes match whole segments: io.quaero.jobs does not cover io.quaero.jobsearch.
                    tuple("m-jobsearch", "platform", Topics.serviceKey("platform", instance)),
                    tuple("m-ingest", "platform", Topics.serviceKey("platform", instance)),
                    tuple("m-library, end-of-mapping", "quaero-dev",
                        Topics.serviceKey("quaero-dev", instance)));
        }
    }

    @Test
    void linesBelowTheThresholdAreNotPublished() {
        String instance = uniqueInstance("threshold");
        Logger log = LoggerFactory.getLogger("io.quaero.servicelog.test.Threshold");
        try (var ignored = AttachedAppender.toRoot(
            new KafkaServiceLogAppender(settings(instance).withThreshold(Level.WARN)))) {
            log.info("below the threshold");
            log.warn("at the threshold");
            log.error("above the threshold, end-of-threshold");

            List<Received> lines = topic.readUntilMarker(instance, "end-of-threshold", WAIT);

            // One partition and one drain thread: had the INFO line been sent, it would come first.
            assertThat(lines).extracting(l -> l.event().message())
                .containsExactly("at the threshold", "above the threshold, end-of-threshold");
        }
    }

    @Test
    void traceAndDebugLinesArePublishedAsDebugWhenTheThresholdLetsThemThrough() {
        String instance = uniqueInstance("trace");
        var logbackLogger = AttachedAppender.logger("io.quaero.servicelog.test.Trace");
        logbackLogger.setLevel(Level.TRACE);
        Logger log = LoggerFactory.getLogger("io.quaero.servicelog.test.Trace");
        try (var ignored = AttachedAppender.toRoot(
            new KafkaServiceLogAppender(settings(instance).withThreshold(Level.TRACE)))) {
            log.trace("a trace line");
            log.debug("a debug line, end-of-trace");

            List<Received> lines = topic.readUntilMarker(instance, "end-of-trace", WAIT);

            assertThat(lines).extracting(l -> l.event().level())
                .containsExactly(io.quaero.contracts.Level.DEBUG, io.quaero.contracts.Level.DEBUG);
        } finally {
            logbackLogger.setLevel(null);
        }
    }

    @Test
    void linesOfTheKafkaClientAndBrokerLoggersAreNeverPublished() {
        String instance = uniqueInstance("recursion");
        try (var ignored = AttachedAppender.toRoot(new KafkaServiceLogAppender(settings(instance)))) {
            LoggerFactory.getLogger("org.apache.kafka.clients.producer.internals.Sender").error("client line");
            LoggerFactory.getLogger("kafka.server.KafkaApis").error("broker line");
            LoggerFactory.getLogger("state.change.logger").error("controller line");
            LoggerFactory.getLogger("io.quaero.servicelog.test.Recursion").info("end-of-recursion");

            List<Received> lines = topic.readUntilMarker(instance, "end-of-recursion", WAIT);

            assertThat(lines).extracting(l -> l.event().message()).containsExactly("end-of-recursion");
        }
    }

    @Test
    void aLoggedExceptionKeepsItsTypeMessageAndCausesButOnlyABoundedNumberOfFrames() {
        String instance = uniqueInstance("stack");
        Logger log = LoggerFactory.getLogger("io.quaero.servicelog.test.Stack");
        // Only on this logger: the console need not print the 200-frame trace.
        try (var ignored = AttachedAppender.toOnly("io.quaero.servicelog.test.Stack",
            new KafkaServiceLogAppender(settings(instance).withMaxStackFrames(5)))) {
            log.error("request failed, end-of-stack", deepException(200));

            List<Received> lines = topic.readUntilMarker(instance, "end-of-stack", WAIT);

            assertThat(lines).hasSize(1);
            String message = lines.getFirst().event().message();
            assertThat(message)
                .startsWith("request failed, end-of-stack\njava.lang.IllegalStateException: boom\n\tat ")
                .contains("\nCaused by: java.io.IOException: disk gone")
                .contains(" more");
            assertThat(message.split("\n\tat ", -1)).hasSize(1 + 5);
            assertThat(lines.getFirst().event().level()).isEqualTo(io.quaero.contracts.Level.ERROR);
        }
    }

    @Test
    void anOverlongMessageIsCutToTheConfiguredLengthAndMarkedAsCut() {
        String instance = uniqueInstance("long");
        Logger log = LoggerFactory.getLogger("io.quaero.servicelog.test.Long");
        try (var ignored = AttachedAppender.toOnly("io.quaero.servicelog.test.Long",
            new KafkaServiceLogAppender(settings(instance).withMaxMessageLength(1000)))) {
            log.info("end-of-long " + "x".repeat(100_000));

            List<Received> lines = topic.readUntilMarker(instance, "end-of-long", WAIT);

            assertThat(lines).hasSize(1);
            String message = lines.getFirst().event().message();
            assertThat(message).hasSize(1000).startsWith("end-of-long xxx").endsWith(MessageRenderer.TRUNCATED);
        }
    }

    /** An exception thrown {@code depth} calls deep, caused by another. */
    static Exception deepException(int depth) {
        try {
            recurse(depth);
            throw new AssertionError("unreachable");
        } catch (IllegalStateException e) {
            return e;
        }
    }

    private static void recurse(int depth) {
        if (depth == 0) {
            throw new IllegalStateException("boom", new java.io.IOException("disk gone"));
        }
        recurse(depth - 1);
    }
}
