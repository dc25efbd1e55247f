package io.quaero.servicelog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The appender's producer logs in as the service's other Kafka clients do (issue 14): from the
 * standard settings, given as environment variables the way {@code ./quaero cluster} and
 * docker-compose.yml give them.
 */
class SpringKafkaSettingsTest {

    @Test
    void theSecurityProtocolAndSaslSettingsFromTheEnvironmentReachTheProducer() {
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"web-ui\" password=\"s3cret\";";
        var environment = new StandardEnvironment();
        // In place of this process's own environment, under its name, as Spring Boot reads a real one.
        String name = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
        environment.getPropertySources().replace(name, new SystemEnvironmentPropertySource(name, Map.of(
            "SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
            "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512",
            "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", jaas)));

        assertThat(SpringKafkaSettings.clientProperties(environment)).isEqualTo(Map.of(
            "security.protocol", "SASL_PLAINTEXT",
            "sasl.mechanism", "SCRAM-SHA-512",
            "sasl.jaas.config", jaas));
    }

    @Test
    void withoutSecuritySettingsTheProducerGetsNone() {
        assertThat(SpringKafkaSettings.clientProperties(new StandardEnvironment())).isEmpty();
    }
}
