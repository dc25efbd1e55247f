package io.quaero.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The reference ceiling: how fast one plain consumer on this machine reads the run's events back
 * from {@code quaero.job-events} — the most the gateway's tail could ever be fed — once as bytes
 * and once decoding each record as the tail does. The gateway decodes each event once, whatever
 * the number of clients; everything past that is fan-out.
 */
final class GatewayConsumeCeiling {

    /** Events per second read, and read and decoded. */
    record Rates(long events, double rawEventsPerSecond, double decodedEventsPerSecond) {
    }

    /** Where decoded results go, so the JIT cannot drop the decoding as unused. */
    private static volatile int sink;

    private GatewayConsumeCeiling() {
    }

    static Rates measure(String bootstrap) {
        read(bootstrap, true); // warm-up: page cache, and the JIT for both passes
        long[] raw = read(bootstrap, false);
        long[] decoded = read(bootstrap, true);
        return new Rates(raw[0], raw[0] / (raw[1] / 1e9), decoded[0] / (decoded[1] / 1e9));
    }

    /** Reads the whole topic once: {@code [events, nanos]}. */
    private static long[] read(String bootstrap, boolean decode) {
        var codec = new EventCodec();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
            "enable.auto.commit", "false", "max.poll.records", "5000"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.JOB_EVENTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long start = System.nanoTime();
            long events = 0;
            int checksum = 0;
            while (!atEnd(consumer, end)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    events++;
                    if (decode) {
                        checksum += codec.decodeJobEvent(record.value()).jobId().hashCode();
                    }
                }
            }
            long nanos = System.nanoTime() - start;
            sink = checksum;
            return new long[] {events, nanos};
        }
    }

    private static boolean atEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
