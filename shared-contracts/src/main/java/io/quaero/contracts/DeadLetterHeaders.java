package io.quaero.contracts;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The headers of a record on {@link Topics#DEAD_LETTER}: where it came from and why it could not
 * be stored. The names and encodings are spring-kafka's {@code DeadLetterPublishingRecoverer}'s
 * ({@code KafkaHeaders.DLT_*}), which every Quaero consumer uses to dead-letter; the key and value
 * are the original record's.
 */
public final class DeadLetterHeaders {

    /** The original topic, UTF-8. */
    public static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";
    /** The original partition, a 4-byte big-endian int. */
    public static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";
    /** The original offset, an 8-byte big-endian long. */
    public static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";
    /** Why the record was dead-lettered (names the field or the storage failure), UTF-8. */
    public static final String REASON = "kafka_dlt-exception-message";

    private DeadLetterHeaders() {}

    /** Where a dead letter was originally, or null when its headers do not say. */
    public static @Nullable Origin origin(Headers headers) {
        Header topic = headers.lastHeader(ORIGINAL_TOPIC);
        Header partition = headers.lastHeader(ORIGINAL_PARTITION);
        Header offset = headers.lastHeader(ORIGINAL_OFFSET);
        if (topic == null || partition == null || offset == null
            || partition.value() == null || partition.value().length != Integer.BYTES
            || offset.value() == null || offset.value().length != Long.BYTES || topic.value() == null) {
            return null;
        }
        return new Origin(new String(topic.value(), StandardCharsets.UTF_8),
            ByteBuffer.wrap(partition.value()).getInt(), ByteBuffer.wrap(offset.value()).getLong());
    }

    /** The topic, partition and offset a dead letter was read from. */
    public record Origin(String topic, int partition, long offset) {
    }
}
