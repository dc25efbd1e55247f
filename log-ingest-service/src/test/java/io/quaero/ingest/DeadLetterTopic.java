package io.quaero.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.quaero.contracts.DeadLetterHeaders;
import io.quaero.contracts.Topics;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads {@link Topics#DEAD_LETTER} in tests, by the original-position headers spring-kafka writes. */
public final class DeadLetterTopic {

    private DeadLetterTopic() {
    }

    /** Every dead letter of the record at this topic, partition and offset, as far as the topic holds now. */
    public static List<ConsumerRecord<String, byte[]>> of(String topic, int partition, long offset) {
        Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.shared().endpoints().kafkaBootstrap(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        var tp = new TopicPartition(Topics.DEAD_LETTER, 0);
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (new DeadLetterHeaders.Origin(topic, partition, offset).equals(DeadLetterHeaders.origin(r.headers()))) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }

    public static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
