package io.quaero.contracts.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * A producer of Quaero events takes the client's login and addresses as given (issue 14: a
 * secured cluster's {@code security.protocol} and {@code sasl.*}), while its delivery settings
 * cannot be weakened by them.
 */
class QuaeroProducerSettingsTest {

    @Test
    void theClientsLoginIsKeptAndTheDeliverySettingsWin() {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"job-service\" password=\"x\";";
        Map<String, Object> settings = QuaeroProducer.settingsOver(Map.of(
            "bootstrap.servers", "kafka-1:9092,kafka-2:9092",
            "security.protocol", "SASL_PLAINTEXT",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", jaas,
            "acks", "1",
            "enable.idempotence", false,
            "transactional.id", "tx-1"));

        assertThat(settings)
            .containsEntry("bootstrap.servers", "kafka-1:9092,kafka-2:9092")
            .containsEntry("security.protocol", "SASL_PLAINTEXT")
            .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
            .containsEntry("sasl.jaas.config", jaas)
            .containsEntry("acks", "all")
            .containsEntry("enable.idempotence", true)
            .doesNotContainKey("transactional.id");
    }

    @Test
    void settingsForABootstrapListAreTheSameDeliverySettingsWithOverridesOnTop() {
        Map<String, Object> settings = QuaeroProducer.settings("localhost:9092", Map.of("linger.ms", 0));

        assertThat(settings).containsEntry("bootstrap.servers", "localhost:9092").containsEntry("acks", "all")
            .containsEntry("linger.ms", 0);
    }
}
