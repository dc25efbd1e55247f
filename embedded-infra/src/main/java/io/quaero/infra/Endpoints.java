package io.quaero.infra;

import java.util.Map;

/**
 * Where the stack finds its Kafka broker and its database.
 *
 * @param kafkaBootstrap Kafka bootstrap servers, {@code host:port[,host:port]}
 * @param jdbcUrl        PostgreSQL JDBC URL
 * @param dbUser         database user
 * @param dbPassword     database password (empty for the embedded server's trust auth)
 */
public record Endpoints(String kafkaBootstrap, String jdbcUrl, String dbUser, String dbPassword) {

    /** The Spring Boot properties that point an application at these endpoints. */
    public Map<String, Object> springProperties() {
        return Map.of(
            "spring.kafka.bootstrap-servers", kafkaBootstrap,
            "spring.datasource.url", jdbcUrl,
            "spring.datasource.username", dbUser,
            "spring.datasource.password", dbPassword);
    }
}
