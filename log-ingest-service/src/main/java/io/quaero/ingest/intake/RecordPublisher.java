package io.quaero.ingest.intake;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * The one producer through which ingest republishes records it will not store where they are:
 * dead letters and forwarded copies. Idempotent with {@code acks=all}: a copy acknowledged is on
 * every in-sync replica before the source's offset is committed.
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

    @Override
    public void destroy() {
        producers.destroy();
    }
}
