package io.quaero.ingest.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of log-ingest-service, validated once at startup.
 *
 * @param maxMessageBytes largest log message accepted, in UTF-8 bytes; a larger one goes to the
 *                        dead-letter topic. Default 65536 (64 KiB).
 * @param topicPartitions partitions of the job-events and service-logs topics when this service
 *                        creates them; ingest instances scale up to this number. Default 6.
 */
@ConfigurationProperties("quaero.ingest")
public record IngestProperties(
    @DefaultValue("65536") int maxMessageBytes,
    @DefaultValue("6") int topicPartitions) {

    public IngestProperties {
        if (maxMessageBytes < 1 || maxMessageBytes > 1 << 20) {
            throw new IllegalArgumentException(
                "quaero.ingest.max-message-bytes must be 1..1048576, was " + maxMessageBytes);
        }
        if (topicPartitions < 1 || topicPartitions > 1000) {
            throw new IllegalArgumentException(
                "quaero.ingest.topic-partitions must be 1..1000, was " + topicPartitions);
        }
    }
}
