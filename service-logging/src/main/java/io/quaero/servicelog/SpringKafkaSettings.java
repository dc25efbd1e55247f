package io.quaero.servicelog;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The {@code spring.kafka.*} settings this module shares with the rest of the service, read
 * the way Spring Boot's Kafka support binds them (lists comma-separated or indexed, placeholders
 * resolved). This module does not depend on spring-boot-kafka, so it cannot use its
 * {@code KafkaProperties}.
 */
final class SpringKafkaSettings {

    static final String BOOTSTRAP_SERVERS = "spring.kafka.bootstrap-servers";
    static final String CLIENT_PROPERTIES = "spring.kafka.properties";
    static final String SECURITY_PROTOCOL = "spring.kafka.security.protocol";

    private SpringKafkaSettings() {
    }

    /** {@code spring.kafka.bootstrap-servers}, or an empty list when it is not set (or blank). */
    static List<String> bootstrapServers(Environment environment) {
        return Binder.get(environment)
            .bind(BOOTSTRAP_SERVERS, Bindable.listOf(String.class))
            .orElse(List.of())
            .stream()
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();
    }

    /**
     * {@code spring.kafka.properties.*}, the client settings common to all of the service's Kafka
     * clients, and {@code spring.kafka.security.protocol} over them (as Spring Boot's own clients
     * take it): on a secured cluster that is where {@code security.protocol}, {@code sasl.*} and
     * {@code ssl.*} live, and without them this producer could not connect at all. Boot's typed
     * {@code spring.kafka.ssl.*} and {@code spring.kafka.jaas.*} are not read here: give a TLS
     * trust store as {@code spring.kafka.properties.ssl.truststore.*} (docs/SECURITY.md).
     */
    static Map<String, String> clientProperties(Environment environment) {
        Binder binder = Binder.get(environment);
        var properties = new HashMap<>(binder.bind(CLIENT_PROPERTIES, Bindable.mapOf(String.class, String.class)).orElse(Map.of()));
        binder.bind(SECURITY_PROTOCOL, String.class).ifBound(protocol -> properties.put("security.protocol", protocol));
        return Map.copyOf(properties);
    }
}
