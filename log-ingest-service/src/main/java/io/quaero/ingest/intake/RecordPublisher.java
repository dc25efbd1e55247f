package io.quaero.ingest.intake;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The one producer through which ingest publishes what a poll leaves to publish before its offsets
 * are committed: dead letters, forwarded copies and stored status changes. Idempotent with
 * {@code acks=all}: a record acknowledged is on every in-sync replica before the source's offset is
 * committed, and a retried send does not reorder a partition.
 */
@Component
class RecordPublisher implements DisposableBean {

    private final DefaultKafkaProducerFactory<String, byte[]> producers;
    private final KafkaTemplate<String, byte[]> template;

    RecordPublisher(KafkaProperties kafka) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producers = new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new ByteArraySerializer());
        this.template = new KafkaTemplate<>(producers);
    }

    KafkaTemplate<String, byte[]> template() {
        return template;
    }

    /** Sends the records in the order given and waits for every acknowledgement; throws the first failure. */
    void sendAll(List<ProducerRecord<String, byte[]>> records) {
        if (records.isEmpty()) {
            return;
        }
        CompletableFuture.allOf(records.stream().map(template::send).toArray(CompletableFuture[]::new)).join();
    }

    @Override
    public void destroy() {
        producers.destroy();
    }
}
