package io.quaero.servicelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Binding {@code quaero.service-logs.*} the way Spring Boot does. */
class ServiceLogPropertiesTest {

    private static ServiceLogProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
            .bindOrCreate("quaero.service-logs", ServiceLogProperties.class);
    }

    @Test
    void withNothingSetTheDefaultsApply() {
        ServiceLogProperties p = bind(Map.of());

        assertThat(p.enabled()).isTrue();
        assertThat(p.level()).isEqualTo("INFO");
        assertThat(p.queueSize()).isEqualTo(10_000);
        assertThat(p.maxMessageLength()).isEqualTo(8192);
        assertThat(p.flushTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.packageServices()).isEmpty();
        ServiceLogSettings s = p.toSettings("k:9092", "my-app");
        assertThat(s.services().defaultService()).isEqualTo("my-app");
        assertThat(s.instance()).endsWith("-" + ProcessHandle.current().pid());
        assertThat(s.threshold()).isEqualTo(Level.INFO);
        assertThat(p.toSettings("k:9092", null).services().defaultService())
            .isEqualTo(ServiceLogProperties.FALLBACK_SERVICE);
    }

    @Test
    void packageServicesAreBoundWithBracketKeysThatKeepTheirDots() {
        ServiceLogProperties p = bind(Map.of(
            "quaero.service-logs.package-services[io.quaero.jobs]", "job-service",
            "quaero.service-logs.package-services[io.quaero.ingest]", "log-ingest",
            "quaero.service-logs.service", "quaero-dev",
            "quaero.service-logs.instance", "box-1",
            "quaero.service-logs.level", "warn"));

        ServiceLogSettings s = p.toSettings("k:9092", "ignored-when-service-is-set");

        assertThat(s.services().byLoggerPrefix())
            .containsExactlyInAnyOrderEntriesOf(Map.of("io.quaero.jobs", "job-service", "io.quaero.ingest", "log-ingest"));
        assertThat(s.services().serviceFor("io.quaero.jobs.X")).isEqualTo("job-service");
        assertThat(s.services().defaultService()).isEqualTo("quaero-dev");
        assertThat(s.instance()).isEqualTo("box-1");
        assertThat(s.threshold()).isEqualTo(Level.WARN);
    }

    @Test
    void outOfRangeValuesAreRejectedNamingTheProperty() {
        assertThatThrownBy(() -> bind(Map.of("quaero.service-logs.queue-size", "0")))
            .hasStackTraceContaining("quaero.service-logs.queue-size must be 1..1000000");
        assertThatThrownBy(() -> bind(Map.of("quaero.service-logs.max-message-length", "100000")))
            .hasStackTraceContaining("quaero.service-logs.max-message-length must be");
        assertThatThrownBy(() -> bind(Map.of("quaero.service-logs.instance", "i".repeat(201))))
            .hasStackTraceContaining("quaero.service-logs.instance must be at most 200");
    }
}
