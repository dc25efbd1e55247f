package io.quaero.infra;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
 * <pre>java … io.quaero.infra.KafkaNode NODE DATA_DIR CLIENT_PORTS CONTROLLER_PORTS CLUSTER_ID</pre>
 * where the port lists are comma-separated, one per node, node 1 first. The data directory is
 * formatted on first start and reused afterwards. SIGTERM is a controlled shutdown.
 */
public final class KafkaNode {

    private static final Logger log = LoggerFactory.getLogger(KafkaNode.class);

    private KafkaNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: KafkaNode NODE DATA_DIR CLIENT_PORTS CONTROLLER_PORTS CLUSTER_ID");
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
        var server = EmbeddedKafka.startNode(dataDir, props, clusterId);
        log.info("Kafka node {} of {} up at 127.0.0.1:{} (data in {})", node, nodes, clientPorts.get(node - 1), dataDir);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("kafka node shutdown").unstarted(() -> {
            server.shutdown();
            server.awaitShutdown();
        }));
        server.awaitShutdown();
    }

    /** A new cluster id for {@link #main}'s last argument. */
    public static String newClusterId() {
        return EmbeddedKafka.randomClusterId();
    }

    private static List<Integer> ports(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::valueOf).toList();
    }
}
