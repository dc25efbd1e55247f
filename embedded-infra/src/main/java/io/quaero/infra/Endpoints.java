package io.quaero.infra;

/**
 * Where the stack finds its Kafka broker and its database.
 *
 * @param kafkaBootstrap Kafka bootstrap servers, {@code host:port[,host:port]}
 * @param jdbcUrl        PostgreSQL JDBC URL
 * @param dbUser         database user
 * @param dbPassword     database password (empty for the embedded server's trust auth)
 */
public record Endpoints(String kafkaBootstrap, String jdbcUrl, String dbUser, String dbPassword) {
}
