package io.quaero.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SASL/SCRAM-SHA-512 users of a secured Kafka cluster and their passwords, one file per user
 * ({@code <dir>/<user>.password}, mode 0600) so that nothing secret is in the repository or on a
 * command line. {@code ./quaero cluster} makes them once per run directory (random, 128 bits each);
 * the Kafka nodes read them to create the users when they format their storage, and every client
 * reads its own.
 *
 * <p>{@link #ADMIN} is the brokers' own principal (inter-broker and controller traffic) and the one
 * super user; everyone else is allowed only what the ACLs grant (deploy/kafka/acls.conf).
 */
public final class KafkaCredentials {

    /** The brokers' own principal and the cluster's only super user; ACLs are created with it. */
    public static final String ADMIN = "admin";

    /** The SASL mechanism every client uses. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    /**
     * The outside workers' user. It alone may also log in with SASL/PLAIN, for clients on
     * librdkafka older than 2.6.1 (Debian's kcat and python3-confluent-kafka among them): their
     * SCRAM sends a nonce that Kafka 4 refuses (librdkafka#4895), so they cannot use SCRAM here.
     */
    public static final String WORKER = "worker";

    /**
     * The security protocol of the clients' listener. Plaintext SASL: the cluster listens on
     * loopback only; a deployment across machines uses SASL_SSL (docs/SECURITY.md).
     */
    public static final String PROTOCOL = "SASL_PLAINTEXT";

    private static final int PASSWORD_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Map<String, String> passwords;

    private KafkaCredentials(Path dir, Map<String, String> passwords) {
        this.dir = dir;
        this.passwords = passwords;
    }

    /**
     * The users' passwords from {@code dir}; a user without a file gets a new random password,
     * written with permissions 0600 (the directory 0700).
     */
    public static KafkaCredentials ensure(Path dir, List<String> users) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        var passwords = new LinkedHashMap<String, String>();
        for (String user : users) {
            Path file = dir.resolve(user + ".password");
            if (!Files.exists(file)) {
                byte[] secret = new byte[PASSWORD_BYTES];
                RANDOM.nextBytes(secret);
                // Hex: no character that SCRAM's --add-scram syntax or a JAAS string would need to escape.
                writeSecret(file, HexFormat.of().formatHex(secret) + "\n");
            }
            passwords.put(user, Files.readString(file).strip());
        }
        return new KafkaCredentials(dir, Map.copyOf(passwords));
    }

    /** The users found in {@code dir} (every {@code *.password} file), as {@link #ensure} wrote them. */
    public static KafkaCredentials read(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            var users = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".password"))
                .map(n -> n.substring(0, n.length() - ".password".length())).sorted().toList();
            if (!users.contains(ADMIN)) {
                throw new IOException("no " + ADMIN + ".password in " + dir);
            }
            return ensure(dir, users);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Every user, {@link #ADMIN} included. */
    public List<String> users() {
        return passwords.keySet().stream().sorted().toList();
    }

    public String password(String user) {
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no Kafka user " + user + "; there are " + users());
        }
        return password;
    }

    /** The JAAS line of a SCRAM client logging in as {@code user}. */
    public String jaasConfig(String user) {
        return scramLogin(user, password(user));
    }

    /** The JAAS line of a SCRAM client with this user and password (a test's wrong one, say). */
    public static String scramLogin(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
            + "\" password=\"" + password + "\";";
    }

    /** What a Java client adds to its configuration to connect as {@code user}. */
    public Map<String, Object> clientProperties(String user) {
        return Map.of("security.protocol", PROTOCOL, "sasl.mechanism", MECHANISM, "sasl.jaas.config", jaasConfig(user));
    }

    /**
     * Writes {@code user}'s client settings beside its password (0600): {@code <user>.properties}
     * for Java clients and Kafka's own tools ({@code --command-config}), {@code <user>.librdkafka.conf}
     * for librdkafka ({@code kcat -F}, confluent-kafka-*). Returns the two files.
     */
    public List<Path> writeClientConfigs(String user) throws IOException {
        Path javaClient = dir.resolve(user + ".properties");
        Path librdkafka = dir.resolve(user + ".librdkafka.conf");
        writeSecret(javaClient, "security.protocol=" + PROTOCOL + "\nsasl.mechanism=" + MECHANISM + "\nsasl.jaas.config="
            + jaasConfig(user) + "\n");
        writeSecret(librdkafka, "# librdkafka older than 2.6.1 cannot use SCRAM with Kafka 4: give it -X sasl.mechanisms=PLAIN"
            + " (the worker user only; docs/SECURITY.md)\nsecurity.protocol=" + PROTOCOL.toLowerCase(Locale.ROOT)
            + "\nsasl.mechanisms=" + MECHANISM + "\nsasl.username=" + user + "\nsasl.password=" + password(user) + "\n");
        return List.of(javaClient, librdkafka);
    }

    private static void writeSecret(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
    }

    /** {@code kafka-storage format} arguments that create every user's SCRAM credential. */
    List<String> addScramArguments() {
        return users().stream()
            .flatMap(u -> List.of("--add-scram", MECHANISM + "=[name=" + u + ",password=" + password(u) + "]").stream())
            .toList();
    }
}
