package io.quaero.servicelog;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import ch.qos.logback.classic.Level;

/**
 * Everything a {@link KafkaServiceLogAppender} needs, checked once on construction.
 *
 * @param bootstrapServers Kafka bootstrap servers, {@code host:port[,host:port]}
 * @param services         which service each line belongs to, by logger name
 * @param instance         which running copy of the service (non-blank, at most 200 characters)
 * @param threshold        lines below this Logback level are not published
 * @param queueCapacity    lines waiting to be sent; when full, new lines are dropped (and counted)
 *                         rather than blocking the application. Worst-case memory is about
 *                         {@code queueCapacity × maxMessageLength} characters.
 * @param maxMessageLength longest message in characters, stack trace included; longer ones are cut
 *                         and marked
 * @param maxStackFrames   stack frames kept per logged exception, over its whole cause chain
 * @param flushTimeout     how long {@code stop()} keeps sending what is queued before it drops the
 *                         rest and closes the producer
 * @param kafkaProperties  further Kafka client settings, e.g. {@code security.protocol} and
 *                         {@code sasl.*} for a secured cluster. The delivery settings this
 *                         appender depends on (acks, idempotence, timeouts, buffer) always win.
 */
public record ServiceLogSettings(
    String bootstrapServers,
    ServiceNames services,
    String instance,
    Level threshold,
    int queueCapacity,
    int maxMessageLength,
    int maxStackFrames,
    Duration flushTimeout,
    Map<String, String> kafkaProperties) {

    public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
    public static final int DEFAULT_MAX_MESSAGE_LENGTH = 8192;
    /**
     * Upper bound of {@link #maxMessageLength}: 16384 characters are at most 48 KiB of UTF-8, below
     * the 64 KiB log-ingest accepts by default, so a line is never dead-lettered for its size.
     */
    public static final int MAX_MESSAGE_LENGTH_LIMIT = 16_384;
    /** Lower bound of {@link #maxMessageLength}: room for a useful message and the truncation mark. */
    public static final int MIN_MESSAGE_LENGTH = 256;
    public static final int DEFAULT_MAX_STACK_FRAMES = 20;
    public static final Duration DEFAULT_FLUSH_TIMEOUT = Duration.ofSeconds(2);

    public ServiceLogSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(services, "services");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(flushTimeout, "flushTimeout");
        kafkaProperties = Map.copyOf(Objects.requireNonNull(kafkaProperties, "kafkaProperties"));
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be blank");
        }
        Text.requireName("instance", instance);
        if (queueCapacity < 1 || queueCapacity > 1_000_000) {
            throw new IllegalArgumentException("queueCapacity must be 1..1000000, was " + queueCapacity);
        }
        if (maxMessageLength < MIN_MESSAGE_LENGTH || maxMessageLength > MAX_MESSAGE_LENGTH_LIMIT) {
            throw new IllegalArgumentException("maxMessageLength must be " + MIN_MESSAGE_LENGTH + ".."
                + MAX_MESSAGE_LENGTH_LIMIT + ", was " + maxMessageLength);
        }
        if (maxStackFrames < 0 || maxStackFrames > 1000) {
            throw new IllegalArgumentException("maxStackFrames must be 0..1000, was " + maxStackFrames);
        }
        if (flushTimeout.isNegative() || flushTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("flushTimeout must be 0..1m, was " + flushTimeout);
        }
    }

    /**
     * Defaults for everything but the broker and the service: instance {@code host-pid},
     * threshold INFO, 10,000 queued lines, 8 KiB messages, 20 stack frames, 2 s flush on stop.
     */
    public static ServiceLogSettings of(String bootstrapServers, String service) {
        return new ServiceLogSettings(bootstrapServers, ServiceNames.of(service), InstanceName.local(), Level.INFO,
            DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_MAX_STACK_FRAMES, DEFAULT_FLUSH_TIMEOUT, Map.of());
    }

    public ServiceLogSettings withServices(ServiceNames newServices) {
        return new ServiceLogSettings(bootstrapServers, newServices, instance, threshold, queueCapacity,
            maxMessageLength, maxStackFrames, flushTimeout, kafkaProperties);
    }

    public ServiceLogSettings withInstance(String newInstance) {
        return new ServiceLogSettings(bootstrapServers, services, newInstance, threshold, queueCapacity,
            maxMessageLength, maxStackFrames, flushTimeout, kafkaProperties);
    }

    public ServiceLogSettings withThreshold(Level newThreshold) {
        return new ServiceLogSettings(bootstrapServers, services, instance, newThreshold, queueCapacity,
            maxMessageLength, maxStackFrames, flushTimeout, kafkaProperties);
    }

    public ServiceLogSettings withQueueCapacity(int newQueueCapacity) {
        return new ServiceLogSettings(bootstrapServers, services, instance, threshold, newQueueCapacity,
            maxMessageLength, maxStackFrames, flushTimeout, kafkaProperties);
    }

    public ServiceLogSettings withMaxMessageLength(int newMaxMessageLength) {
        return new ServiceLogSettings(bootstrapServers, services, instance, threshold, queueCapacity,
            newMaxMessageLength, maxStackFrames, flushTimeout, kafkaProperties);
    }

    public ServiceLogSettings withMaxStackFrames(int newMaxStackFrames) {
        return new ServiceLogSettings(bootstrapServers, services, instance, threshold, queueCapacity,
            maxMessageLength, newMaxStackFrames, flushTimeout, kafkaProperties);
    }

    public ServiceLogSettings withKafkaProperties(Map<String, String> newKafkaProperties) {
        return new ServiceLogSettings(bootstrapServers, services, instance, threshold, queueCapacity,
            maxMessageLength, maxStackFrames, flushTimeout, newKafkaProperties);
    }

    public ServiceLogSettings withFlushTimeout(Duration newFlushTimeout) {
        return new ServiceLogSettings(bootstrapServers, services, instance, threshold, queueCapacity,
            maxMessageLength, maxStackFrames, newFlushTimeout, kafkaProperties);
    }
}
