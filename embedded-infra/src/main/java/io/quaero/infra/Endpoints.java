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

    /**
     * Replicas of each Quaero topic on this Kafka. The services have no default for it, so it is
     * said here: the embedded broker and the test container are one node each, and a Kafka given by
     * {@code QUAERO_KAFKA_BOOTSTRAP} holds one replica too. (A cluster's services set 3.)
     */
    public static final int TOPIC_REPLICATION_FACTOR = 1;

    /**
     * The Spring Boot properties that point an application at these endpoints, with the replication
     * factor its topics get here.
     */
    public Map<String, Object> springProperties() {
        return Map.of(
            "spring.kafka.bootstrap-servers", kafkaBootstrap,
            "spring.datasource.url", jdbcUrl,
            "spring.datasource.username", dbUser,
            "spring.datasource.password", dbPassword,
            "quaero.topics.replication-factor", TOPIC_REPLICATION_FACTOR);
    }
}
