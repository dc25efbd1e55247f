package io.quaero.servicelog;

import static io.quaero.servicelog.ServiceLogTopic.uniqueInstance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.quaero.contracts.Topics;
import io.quaero.servicelog.ServiceLogTopic.Received;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The jar on a Spring Boot application's classpath is all it takes; and it can be turned off. */
class ServiceLogAutoConfigurationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static ServiceLogTopic topic;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class SomeService {
    }

    @BeforeAll
    static void createTopic() {
        topic = ServiceLogTopic.shared();
    }

    private static ConfigurableApplicationContext run(String... args) {
        return new SpringApplicationBuilder(SomeService.class)
            .web(WebApplicationType.NONE)
            .run(args);
    }

    @Test
    void aSpringBootApplicationPublishesItsLinesWhileRunningAndDetachesTheAppenderOnClose() {
        String instance = uniqueInstance("spring");
        UUID jobId = UUID.randomUUID();
        KafkaServiceLogAppender appender;
        try (var context = run(
            "--spring.kafka.bootstrap-servers=" + topic.bootstrap(),
            "--spring.application.name=some-service",
            "--quaero.service-logs.instance=" + instance,
            "--quaero.service-logs.package-services[io.quaero.jobs]=job-service",
            "--spring.kafka.properties.security.protocol=PLAINTEXT")) {
            appender = context.getBean(KafkaServiceLogAppender.class);
            assertThat(appender.settings().kafkaProperties()).containsEntry("security.protocol", "PLAINTEXT");
            assertThat(appender.isStarted()).isTrue();
            assertThat(rootAppenders()).contains(appender);

            LoggerFactory.getLogger("io.quaero.servicelog.test.SomeService").info("m-own");
            MDC.put("job_id", jobId.toString());
            try {
                LoggerFactory.getLogger("io.quaero.jobs.Dispatcher").info("m-job, end-of-spring");
            } finally {
                MDC.remove("job_id");
            }

            List<Received> lines = topic.readUntilMarker(instance, "end-of-spring", WAIT);

            Received own = lines.stream().filter(l -> l.event().message().equals("m-own")).findFirst().orElseThrow();
            assertThat(own.event().service()).isEqualTo("some-service");
            assertThat(own.key()).isEqualTo(Topics.serviceKey("some-service", instance));
            Received job = lines.getLast();
            assertThat(job.event().message()).isEqualTo("m-job, end-of-spring");
            assertThat(job.event().service()).isEqualTo("job-service");
            assertThat(job.event().jobId()).isEqualTo(jobId);
            // The attachment announces itself, and that line is published too.
            assertThat(lines).anyMatch(l -> l.event().message().startsWith("service-logs: publishing log lines"));
        }
        assertThat(rootAppenders()).doesNotContain(appender);
        assertThat(appender.isStarted()).isFalse();
    }

    @Test
    void twoApplicationsInOneJvmEachAttachTheirOwnAppenderAndClosingOneLeavesTheOtherPublishing() {
        String firstInstance = uniqueInstance("first");
        String secondInstance = uniqueInstance("second");
        try (var second = run(
            "--spring.kafka.bootstrap-servers=" + topic.bootstrap(), "--spring.application.name=second",
            "--quaero.service-logs.instance=" + secondInstance)) {
            KafkaServiceLogAppender first;
            try (var firstContext = run(
                "--spring.kafka.bootstrap-servers=" + topic.bootstrap(), "--spring.application.name=first",
                "--quaero.service-logs.instance=" + firstInstance)) {
                first = firstContext.getBean(KafkaServiceLogAppender.class);
                assertThat(rootAppenders()).contains(first, second.getBean(KafkaServiceLogAppender.class));
            }
            KafkaServiceLogAppender remaining = second.getBean(KafkaServiceLogAppender.class);
            assertThat(rootAppenders()).doesNotContain(first).contains(remaining);
            assertThat(remaining.isStarted()).isTrue();

            LoggerFactory.getLogger("io.quaero.servicelog.test.Second").info("end-of-two");

            assertThat(topic.readUntilMarker(secondInstance, "end-of-two", WAIT))
                .anyMatch(l -> l.event().message().equals("end-of-two") && l.event().service().equals("second"));
        }
    }

    @Test
    void settingEnabledToFalseTurnsPublishingOff() {
        try (var context = run(
            "--spring.kafka.bootstrap-servers=" + topic.bootstrap(), "--quaero.service-logs.enabled=false")) {
            assertThat(context.getBeansOfType(KafkaServiceLogAppender.class)).isEmpty();
            assertThat(context.getBeansOfType(ServiceLogAttachment.class)).isEmpty();
            assertThat(rootAppenders()).noneMatch(KafkaServiceLogAppender.class::isInstance);
        }
    }

    @Test
    void anApplicationThatDoesNotSayWhereKafkaIsPublishesNothing() {
        try (var context = run("--spring.application.name=no-kafka")) {
            assertThat(context.getBeansOfType(KafkaServiceLogAppender.class)).isEmpty();
            assertThat(rootAppenders()).noneMatch(KafkaServiceLogAppender.class::isInstance);
        }
    }

    @Test
    void bootstrapServersGivenAsAnIndexedListAreUnderstood() {
        try (var context = run(
            "--spring.kafka.bootstrap-servers[0]=" + topic.bootstrap(),
            "--spring.kafka.bootstrap-servers[1]=127.0.0.1:1",
            "--quaero.service-logs.instance=" + uniqueInstance("indexed"))) {
            assertThat(context.getBean(KafkaServiceLogAppender.class).settings().bootstrapServers())
                .isEqualTo(topic.bootstrap() + ",127.0.0.1:1");
        }
    }

    @Test
    void aMistypedLevelStopsTheApplicationFromStartingWithTheNameOfTheProperty() {
        assertThatThrownBy(() -> run(
            "--spring.kafka.bootstrap-servers=" + topic.bootstrap(), "--quaero.service-logs.level=LOUD").close())
            .hasStackTraceContaining("quaero.service-logs.level must be one of TRACE, DEBUG, INFO, WARN, ERROR");
    }

    private static List<Appender<ILoggingEvent>> rootAppenders() {
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        Iterator<Appender<ILoggingEvent>> it =
            AttachedAppender.logger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
        it.forEachRemaining(appenders::add);
        return appenders;
    }
}
