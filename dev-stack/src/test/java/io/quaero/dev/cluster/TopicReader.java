package io.quaero.dev.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.quaero.contracts.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of {@link Topics#JOB_EVENTS} from its end until stopped, as one gateway
 * that reads everything would: the bytes it fetched are one copy of what was produced meanwhile,
 * measured the way a gateway's tail measures its own (Kafka's {@code bytes-consumed-total}).
 */
final class TopicReader {

    private final Thread thread;
    private volatile boolean running = true;
    private volatile long bytes;

    /** @param client where the cluster is and how to log in: a user that may read the topic, as a gateway's */
    TopicReader(Map<String, Object> client) {
        Map<String, Object> config = new HashMap<>(client);
        config.putAll(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.CLIENT_ID_CONFIG, "drill-topic-reader"));
        var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        var partitions = consumer.partitionsFor(Topics.JOB_EVENTS).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = Thread.ofPlatform().name("drill topic reader").start(() -> {
            try (consumer) {
                while (running) {
                    consumer.poll(Duration.ofMillis(200));
                }
                bytes = consumer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("bytes-consumed-total") && !e.getKey().tags().containsKey("topic"))
                    .mapToLong(e -> (long) ((Number) e.getValue().metricValue()).doubleValue()).max().orElse(0);
            }
        });
    }

    /** Stops reading; the bytes fetched since the start. */
    long stop() throws InterruptedException {
        running = false;
        thread.join();
        return bytes;
    }
}
