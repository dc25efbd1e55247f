package io.quaero.servicelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class ProducerConfigTest {

    @Test
    void sharedClientPropertiesReachTheProducerButCannotWeakenItsDeliverySettings() {
        var settings = ServiceLogSettings.of("k1:9092,k2:9092", "svc").withKafkaProperties(Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512",
            "acks", "0",
            "max.block.ms", "60000",
            "bootstrap.servers", "elsewhere:9092",
            "transactional.id", "tx",
            "value.serializer", "org.apache.kafka.common.serialization.StringSerializer"));

        Map<String, Object> config = ServiceLogPublisher.producerConfig(settings, "client-1");

        assertThat(config).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(config)
            .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "k1:9092,k2:9092")
            .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "client-1")
            .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
            .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
            .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000)
            .containsEntry(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * 1024 * 1024)
            .doesNotContainKeys(ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
    }
}
