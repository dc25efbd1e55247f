package io.quaero.servicelog;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import ch.qos.logback.classic.Level;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of service log publishing ({@code quaero.service-logs.*}), validated once at startup.
 * The broker is {@code spring.kafka.bootstrap-servers}, shared with the rest of the service.
 *
 * @param enabled          publish this service's log lines to Kafka. Default true.
 * @param level            lowest Logback level published: TRACE, DEBUG, INFO, WARN or ERROR. Lines
 *                         must also pass the logger's own level. Default INFO.
 * @param queueSize        lines waiting to be sent; beyond it lines are dropped and counted, so
 *                         logging never blocks. Default 10000.
 * @param maxMessageLength longest message in characters, stack trace included; longer ones are
 *                         cut and marked. 256..16384, default 8192.
 * @param maxStackFrames   stack frames kept per logged exception, over its cause chain. Default 20.
 * @param flushTimeout     how long shutdown keeps sending queued lines. Default 2s.
 * @param service          the service name on each line. Default: {@code spring.application.name}.
 * @param instance         which running copy. Default: {@code host-pid}.
 * @param packageServices  logger-name prefix to service name, for a JVM that hosts several
 *                         services (the dev stack); the longest matching prefix wins. Keys hold
 *                         dots, so use brackets:
 *                         {@code quaero.service-logs.package-services[io.quaero.jobs]=job-service}.
 */
@ConfigurationProperties("quaero.service-logs")
public record ServiceLogProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("INFO") String level,
    @DefaultValue("10000") int queueSize,
    @DefaultValue("8192") int maxMessageLength,
    @DefaultValue("20") int maxStackFrames,
    @DefaultValue("2s") Duration flushTimeout,
    @Nullable String service,
    @Nullable String instance,
    @DefaultValue Map<String, String> packageServices) {

    /** The fallback service name when neither {@code service} nor {@code spring.application.name} is set. */
    public static final String FALLBACK_SERVICE = "application";

    public ServiceLogProperties {
        packageServices = packageServices == null ? Map.of() : new LinkedHashMap<>(packageServices);
        threshold(level);
        require(queueSize >= 1 && queueSize <= 1_000_000,
            "quaero.service-logs.queue-size must be 1..1000000, was " + queueSize);
        require(maxMessageLength >= ServiceLogSettings.MIN_MESSAGE_LENGTH
                && maxMessageLength <= ServiceLogSettings.MAX_MESSAGE_LENGTH_LIMIT,
            "quaero.service-logs.max-message-length must be " + ServiceLogSettings.MIN_MESSAGE_LENGTH + ".."
                + ServiceLogSettings.MAX_MESSAGE_LENGTH_LIMIT + ", was " + maxMessageLength);
        require(maxStackFrames >= 0 && maxStackFrames <= 1000,
            "quaero.service-logs.max-stack-frames must be 0..1000, was " + maxStackFrames);
        require(flushTimeout != null && !flushTimeout.isNegative() && flushTimeout.compareTo(Duration.ofMinutes(1)) <= 0,
            "quaero.service-logs.flush-timeout must be 0..1m, was " + flushTimeout);
        if (service != null) {
            service = service.strip();
            Text.requireName("quaero.service-logs.service", service);
        }
        if (instance != null) {
            instance = instance.strip();
            Text.requireName("quaero.service-logs.instance", instance);
        }
        // Checked here so that a bad entry names its property at startup.
        ServiceNames.of(FALLBACK_SERVICE, packageServices);
    }

    /**
     * The appender settings these properties describe.
     *
     * @param bootstrapServers  the Kafka bootstrap servers
     * @param applicationName   {@code spring.application.name}, the default service name, if set
     */
    public ServiceLogSettings toSettings(String bootstrapServers, @Nullable String applicationName) {
        String defaultService = service != null ? service
            : applicationName != null && !applicationName.isBlank() ? applicationName.strip() : FALLBACK_SERVICE;
        return new ServiceLogSettings(
            bootstrapServers,
            ServiceNames.of(defaultService, packageServices),
            instance != null ? instance : InstanceName.local(),
            threshold(level),
            queueSize,
            maxMessageLength,
            maxStackFrames,
            flushTimeout,
            Map.of());
    }

    private static Level threshold(String level) {
        String name = level == null ? "" : level.strip().toUpperCase(Locale.ROOT);
        return switch (name) {
            case "TRACE" -> Level.TRACE;
            case "DEBUG" -> Level.DEBUG;
            case "INFO" -> Level.INFO;
            case "WARN" -> Level.WARN;
            case "ERROR" -> Level.ERROR;
            // Logback's own parser would turn a typo into DEBUG; a typo here should stop startup.
            default -> throw new IllegalArgumentException(
                "quaero.service-logs.level must be one of TRACE, DEBUG, INFO, WARN, ERROR, was '" + level + "'");
        };
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
