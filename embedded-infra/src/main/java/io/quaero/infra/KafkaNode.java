package io.quaero.infra;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a Kafka cluster whose every node is its own process — what {@code ./quaero cluster}
 * runs three of, so that a drill can kill one broker with SIGKILL and the others carry on. Each
 * node is broker and controller; the controllers form a static quorum of all nodes, so the
 * cluster keeps a controller and every partition keeps a leader while a majority is up.
 *
 * <p>Replication is the production shape: new topics get 3 replicas (or as many as there are
 * nodes), a write acknowledged by {@code acks=all} is on at least 2, and a replica that fell
 * behind never becomes leader (unclean election off), so an acknowledged event survives the loss
 * of any one node.
 *
 * <p>Given a credentials directory ({@link KafkaCredentials}), the node is locked down (issue 14):
 * clients authenticate with SASL/SCRAM-SHA-512 and may do only what an ACL allows them
 * ({@code StandardAuthorizer}, the KRaft authorizer: ACLs live in the cluster's metadata, so one
 * created on any node holds on all). Every user's SCRAM credential is created when the storage is
 * formatted ({@code kafka-storage format --add-scram}), so the brokers' own user,
 * {@link KafkaCredentials#ADMIN} and the one super user, exists before any broker must log in
 * with it. The controller listener uses SASL/PLAIN with that same user given in the settings:
 * KRaft's controllers cannot use SCRAM themselves, as SCRAM credentials are metadata they serve.
 * Both listeners are on loopback, without TLS (docs/SECURITY.md).
 *
 * <pre>java … io.quaero.infra.KafkaNode NODE DATA_DIR CLIENT_PORTS CONTROLLER_PORTS CLUSTER_ID [CREDENTIALS_DIR]</pre>
 * where the port lists are comma-separated, one per node, node 1 first. The data directory is
 * formatted on first start and reused afterwards (with the users it was formatted with). SIGTERM
 * is a controlled shutdown.
 */
public final class KafkaNode {

    private static final Logger log = LoggerFactory.getLogger(KafkaNode.class);

    private KafkaNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5 && args.length != 6) {
            System.err.println("usage: KafkaNode NODE DATA_DIR CLIENT_PORTS CONTROLLER_PORTS CLUSTER_ID [CREDENTIALS_DIR]");
            System.exit(2);
        }
        int node = Integer.parseInt(args[0]);
        Path dataDir = Path.of(args[1]);
        List<Integer> clientPorts = ports(args[2]);
        List<Integer> controllerPorts = ports(args[3]);
        String clusterId = args[4];
        int nodes = controllerPorts.size();
        if (node < 1 || node > nodes || clientPorts.size() != nodes) {
            throw new IllegalArgumentException("node " + node + " of " + nodes + " nodes, " + clientPorts.size() + " client ports");
        }
        String voters = IntStream.rangeClosed(1, nodes)
            .mapToObj(n -> n + "@127.0.0.1:" + controllerPorts.get(n - 1)).collect(Collectors.joining(","));
        var props = EmbeddedKafka.nodeProperties(node, dataDir, clientPorts.get(node - 1), controllerPorts.get(node - 1),
            voters, Math.min(3, nodes));
        props.put("default.replication.factor", String.valueOf(Math.min(3, nodes)));
        props.put("min.insync.replicas", String.valueOf(Math.max(1, Math.min(3, nodes) - 1)));
        props.put("unclean.leader.election.enable", "false");
        List<String> formatArguments = List.of();
        if (args.length == 6) {
            var credentials = KafkaCredentials.read(Path.of(args[5]));
            secure(props, clientPorts.get(node - 1), controllerPorts.get(node - 1), credentials);
            formatArguments = credentials.addScramArguments();
        }
        var server = EmbeddedKafka.startNode(dataDir, props, clusterId, formatArguments);
        log.info("Kafka node {} of {} up at 127.0.0.1:{} (data in {})", node, nodes, clientPorts.get(node - 1), dataDir);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("kafka node shutdown").unstarted(() -> {
            server.shutdown();
            server.awaitShutdown();
        }));
        server.awaitShutdown();
    }

    /**
     * Replaces the plaintext listeners with SASL ones: {@code BROKER} (clients and the other
     * brokers, SCRAM-SHA-512; PLAIN too for {@link KafkaCredentials#WORKER} only) and
     * {@code CONTROLLER} (PLAIN, the brokers' own user only), and
     * turns on ACLs with {@link KafkaCredentials#ADMIN} as the one super user. Without an ACL
     * nothing is allowed ({@code allow.everyone.if.no.acl.found} stays false).
     */
    static void secure(Properties props, int clientPort, int controllerPort, KafkaCredentials credentials) {
        String admin = KafkaCredentials.ADMIN;
        String password = credentials.password(admin);
        props.put("listeners", "BROKER://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "BROKER://127.0.0.1:" + clientPort);
        props.put("inter.broker.listener.name", "BROKER");
        props.put("listener.security.protocol.map", "BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        props.put("sasl.mechanism.inter.broker.protocol", KafkaCredentials.MECHANISM);
        props.put("listener.name.broker.scram-sha-512.sasl.jaas.config", credentials.jaasConfig(admin));
        if (credentials.users().contains(KafkaCredentials.WORKER)) {
            // PLAIN for the worker user alone (the only user_ entry): old librdkafka cannot do SCRAM with Kafka 4.
            props.put("listener.name.broker.sasl.enabled.mechanisms", KafkaCredentials.MECHANISM + ",PLAIN");
            props.put("listener.name.broker.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " user_" + KafkaCredentials.WORKER + "=\"" + credentials.password(KafkaCredentials.WORKER) + "\";");
        } else {
            props.put("listener.name.broker.sasl.enabled.mechanisms", KafkaCredentials.MECHANISM);
        }
        props.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        props.put("listener.name.controller.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"" + admin + "\" password=\"" + password + "\" user_" + admin + "=\"" + password + "\";");
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:" + admin);
    }

    /** A new cluster id for {@link #main}'s last argument. */
    public static String newClusterId() {
        return EmbeddedKafka.randomClusterId();
    }

    private static List<Integer> ports(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::valueOf).toList();
    }
}
