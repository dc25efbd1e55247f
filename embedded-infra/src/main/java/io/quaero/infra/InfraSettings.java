package io.quaero.infra;

import java.nio.file.Path;
import java.util.Map;

/**
 * How to obtain Kafka and Postgres, read from the environment.
 *
 * <table>
 * <caption>Environment variables</caption>
 * <tr><th>variable</th><th>meaning</th><th>default</th></tr>
 * <tr><td>QUAERO_KAFKA_BOOTSTRAP</td><td>use this broker instead of starting one</td><td>unset: embedded</td></tr>
 * <tr><td>QUAERO_DB_URL, QUAERO_DB_USER, QUAERO_DB_PASSWORD</td><td>use this database instead of
 *     starting one</td><td>unset: embedded; user {@code postgres}, empty password</td></tr>
 * <tr><td>QUAERO_INFRA</td><td>{@code embedded} or {@code testcontainers} (needs a Docker engine)
 *     for whatever is not configured above</td><td>{@code embedded}</td></tr>
 * <tr><td>QUAERO_KAFKA_PORT, QUAERO_DB_PORT</td><td>ports of the embedded servers, 0 = any free</td>
 *     <td>caller's default</td></tr>
 * </table>
 */
public record InfraSettings(
    String kafkaBootstrap,
    String dbUrl,
    String dbUser,
    String dbPassword,
    Mode mode,
    Path dataDir,
    int kafkaPort,
    int dbPort) {

    /** Where unconfigured infrastructure comes from. */
    public enum Mode { EMBEDDED, TESTCONTAINERS }

    public InfraSettings {
        if (kafkaPort < 0 || kafkaPort > 65535) {
            throw new IllegalArgumentException("QUAERO_KAFKA_PORT must be 0..65535, was " + kafkaPort);
        }
        if (dbPort < 0 || dbPort > 65535) {
            throw new IllegalArgumentException("QUAERO_DB_PORT must be 0..65535, was " + dbPort);
        }
    }

    public static InfraSettings fromEnvironment(Path dataDir, int defaultKafkaPort, int defaultDbPort) {
        return from(System.getenv(), dataDir, defaultKafkaPort, defaultDbPort);
    }

    static InfraSettings from(Map<String, String> env, Path dataDir, int defaultKafkaPort, int defaultDbPort) {
        String mode = env.getOrDefault("QUAERO_INFRA", "embedded").trim();
        Mode parsed = switch (mode) {
            case "embedded", "" -> Mode.EMBEDDED;
            case "testcontainers" -> Mode.TESTCONTAINERS;
            default -> throw new IllegalArgumentException(
                "QUAERO_INFRA must be 'embedded' or 'testcontainers', was '" + mode + "'");
        };
        return new InfraSettings(
            blankToNull(env.get("QUAERO_KAFKA_BOOTSTRAP")),
            blankToNull(env.get("QUAERO_DB_URL")),
            env.getOrDefault("QUAERO_DB_USER", LocalPostgres.USER),
            env.getOrDefault("QUAERO_DB_PASSWORD", ""),
            parsed,
            dataDir,
            port(env, "QUAERO_KAFKA_PORT", defaultKafkaPort),
            port(env, "QUAERO_DB_PORT", defaultDbPort));
    }

    private static int port(Map<String, String> env, String name, int dflt) {
        String v = blankToNull(env.get(name));
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number, was '" + v + "'");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
