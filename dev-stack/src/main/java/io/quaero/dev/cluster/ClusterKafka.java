package io.quaero.dev.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quaero.infra.DataDirs;
import io.quaero.infra.KafkaCredentials;
import io.quaero.infra.KafkaNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The cluster's Kafka: three {@link KafkaNode} processes, locked down (issue 14). Clients log in
 * with SASL/SCRAM-SHA-512, each service with a user of its own, outside workers with the one
 * {@code worker} user, and may do only what {@code deploy/kafka/acls.conf} allows
 * ({@link KafkaAcls}, created by the super user {@code admin} once the brokers are up).
 *
 * <p>The passwords are made once per run directory, at random, in {@code kafka-credentials/}
 * (0600 each; {@link KafkaCredentials}), and die with the data ({@code --fresh}): the nodes create
 * the users when they format their storage, so a kept broker log needs its kept passwords. The
 * services get theirs as the standard Spring Boot settings, in their environment
 * ({@code SPRING_KAFKA_SECURITY_PROTOCOL}, {@code SPRING_KAFKA_PROPERTIES_SASL_MECHANISM},
 * {@code SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG}), never on a command line.
 */
final class ClusterKafka {

    static final String WORKER = KafkaCredentials.WORKER;
    /** The user each service module logs in as. */
    private static final Map<String, String> USER_OF_MODULE = Map.of(
        "job-service", "job-service",
        "log-ingest-service", "log-ingest",
        "stream-gateway-service", "stream-gateway",
        "web-ui", "web-ui");
    static final List<String> USERS = List.of(KafkaCredentials.ADMIN, "job-service", "log-ingest", "stream-gateway", "web-ui", WORKER);

    private static final List<String> KAFKA_JVM = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
        "--sun-misc-unsafe-memory-access=allow");

    private final ClusterPorts ports;
    private final KafkaCredentials credentials;
    private final List<Node> nodes;

    private ClusterKafka(ClusterPorts ports, KafkaCredentials credentials, List<Node> nodes) {
        this.ports = ports;
        this.credentials = credentials;
        this.nodes = nodes;
    }

    /**
     * The nodes of the cluster in {@code runDir}, not started; their data in {@code data/kafka-N}.
     * {@code fresh} deletes the data, the cluster id and the passwords first.
     */
    static ClusterKafka prepare(Path runDir, ClusterPorts ports, boolean fresh) throws IOException {
        Path idFile = runDir.resolve("cluster-id");
        Path credentialsDir = runDir.resolve("kafka-credentials");
        if (fresh) {
            Files.deleteIfExists(idFile);
            DataDirs.deleteRecursively(credentialsDir);
            for (int n = 1; n <= ClusterPorts.KAFKA_NODES; n++) {
                DataDirs.deleteRecursively(dataDir(runDir, n));
            }
        }
        if (Files.exists(dataDir(runDir, 1).resolve("meta.properties"))
            && !Files.exists(credentialsDir.resolve(KafkaCredentials.ADMIN + ".password"))) {
            throw new IllegalStateException("the Kafka data in " + runDir.resolve("data") + " was formatted with users whose "
                + "passwords are gone from " + credentialsDir + ": start with --fresh");
        }
        var credentials = KafkaCredentials.ensure(credentialsDir, USERS);
        credentials.writeClientConfigs(WORKER);
        credentials.writeClientConfigs(KafkaCredentials.ADMIN);
        if (!Files.exists(idFile)) {
            Files.createDirectories(runDir);
            Files.writeString(idFile, KafkaNode.newClusterId());
        }
        String clusterId = Files.readString(idFile).trim();
        String clientPorts = String.join(",", ports.kafka().stream().map(String::valueOf).toList());
        String controllerPorts = String.join(",", ports.controllers().stream().map(String::valueOf).toList());
        var nodes = new ArrayList<Node>();
        for (int n = 1; n <= ClusterPorts.KAFKA_NODES; n++) {
            var command = new ArrayList<>(JavaCommand.ofThisClassPath(KAFKA_JVM, KafkaNode.class));
            command.addAll(List.of(String.valueOf(n), dataDir(runDir, n).toString(), clientPorts, controllerPorts, clusterId,
                credentials.dir().toString()));
            nodes.add(new Node("kafka-" + n, command, Map.of(), runDir));
        }
        return new ClusterKafka(ports, credentials, List.copyOf(nodes));
    }

    private static Path dataDir(Path runDir, int node) {
        return runDir.resolve("data/kafka-" + node);
    }

    List<Node> nodes() {
        return nodes;
    }

    String bootstrap() {
        return ports.kafkaBootstrap();
    }

    KafkaCredentials credentials() {
        return credentials;
    }

    /** A Java client's settings to reach the cluster as {@code user}: bootstrap servers and login. */
    Map<String, Object> clientProperties(String user) {
        var properties = new HashMap<String, Object>(credentials.clientProperties(user));
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        return properties;
    }

    /** An Admin client of the super user that gives up quickly (for start-up checks). */
    Admin admin() {
        Map<String, Object> props = clientProperties(KafkaCredentials.ADMIN);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        return Admin.create(props);
    }

    /** Whether all nodes are brokers of the cluster now. */
    boolean allBrokersUp(Admin admin) {
        try {
            return admin.describeCluster().nodes().get().size() == ClusterPorts.KAFKA_NODES;
        } catch (Exception e) {
            return false;
        }
    }

    /** Creates the ACLs of {@code deploy/kafka/acls.conf} under {@code repoRoot}. */
    void applyAcls(Admin admin, Path repoRoot) throws IOException, InterruptedException {
        KafkaAcls.apply(admin, repoRoot.resolve(KafkaAcls.FILE));
    }

    /**
     * The environment that makes a service of {@code module} log in as its own user: Spring Boot's
     * standard {@code spring.kafka.*} settings, which every Kafka client of the services takes.
     */
    Map<String, String> serviceEnvironment(String module) {
        String user = USER_OF_MODULE.get(module);
        if (user == null) {
            throw new IllegalArgumentException("no Kafka user for module " + module + "; there are " + USER_OF_MODULE.keySet());
        }
        return Map.of(
            "SPRING_KAFKA_SECURITY_PROTOCOL", KafkaCredentials.PROTOCOL,
            "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", KafkaCredentials.MECHANISM,
            "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", credentials.jaasConfig(user));
    }
}
