package io.quaero.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real Apache Kafka broker in this JVM: KRaft, broker and controller combined, one node; or,
 * for tests of replication, a cluster of several ({@link #startCluster}).
 *
 * <p>Implementation notes: this is the same server {@code bin/kafka-server-start.sh} runs
 * ({@link KafkaRaftServer}), not a mock. The log directory is formatted once with the broker's own
 * {@link StorageTool}; an already formatted directory is reused, so the dev stack keeps its topics
 * and offsets across restarts (Postgres keeps rows that carry those offsets as cursors, so the two
 * must live and die together). The controller uses a static voter set on a second port, which,
 * unlike a dynamic quorum, does not record its address in the data and so survives a port change.
 * Topic auto-creation is off: every topic is declared by the services (module kafka-topics).
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Node 1 (controller and broker) first; stopped in reverse. */
    private final List<KafkaRaftServer> servers;
    private final String bootstrapServers;

    private EmbeddedKafka(List<KafkaRaftServer> servers, String bootstrapServers) {
        this.servers = servers;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats {@code dataDir} if needed and starts the broker.
     *
     * @param dataDir log directory; created if missing, reused if already formatted
     * @param port    client port on 127.0.0.1, or 0 for a free one
     */
    public static EmbeddedKafka start(Path dataDir, int port) throws IOException {
        return start(List.of(dataDir), port);
    }

    /**
     * Starts a cluster of {@code brokers} nodes on free ports, data in a fresh {@code dataDir}: node 1
     * is controller and broker, the others brokers only. For tests that give topics several replicas
     * for real (about 1 s more per broker); the dev stack and the other tests use one node.
     */
    public static EmbeddedKafka startCluster(Path dataDir, int brokers) throws IOException {
        return start(IntStream.rangeClosed(1, brokers).mapToObj(node -> dataDir.resolve("node-" + node)).toList(), 0);
    }

    private static EmbeddedKafka start(List<Path> dataDirs, int port) throws IOException {
        int controllerPort = FreePorts.pick();
        String clusterId = randomClusterId();
        var servers = new ArrayList<KafkaRaftServer>();
        var bootstrap = new ArrayList<String>();
        for (int node = 1; node <= dataDirs.size(); node++) {
            Path dataDir = dataDirs.get(node - 1);
            int clientPort = node == 1 && port != 0 ? port : FreePorts.pick();
            servers.add(startNode(dataDir, brokerProperties(node, dataDir, clientPort, controllerPort), clusterId));
            bootstrap.add("127.0.0.1:" + clientPort);
            log.info("Kafka broker {} up at 127.0.0.1:{} (data in {})", node, clientPort, dataDir);
        }
        return new EmbeddedKafka(List.copyOf(servers), String.join(",", bootstrap));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        for (KafkaRaftServer server : servers.reversed()) {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    private static Properties brokerProperties(int node, Path dataDir, int clientPort, int controllerPort) {
        // Node 1 is the one controller (static voter set); further nodes are brokers only.
        var p = nodeProperties(node, dataDir, clientPort, node == 1 ? controllerPort : 0, "1@127.0.0.1:" + controllerPort, 1);
        // No reason to wait for more group members on a single-node dev broker.
        p.put("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    /**
     * The settings of one node.
     *
     * @param controllerPort   this node's controller port, or 0 if it is a broker only
     * @param voters           the static quorum, {@code id@host:port,...}
     * @param internalReplicas replicas of the internal topics (offsets, transactions, share state);
     *                         with more than one, a write to them needs all but one in sync
     */
    static Properties nodeProperties(int node, Path dataDir, int clientPort, int controllerPort, String voters, int internalReplicas) {
        var p = new Properties();
        boolean controller = controllerPort != 0;
        p.put("process.roles", controller ? "broker,controller" : "broker");
        p.put("node.id", String.valueOf(node));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + (controller ? ",CONTROLLER://127.0.0.1:" + controllerPort : ""));
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.toAbsolutePath().toString());
        p.put("auto.create.topics.enable", "false");
        String replicas = String.valueOf(internalReplicas);
        String minIsr = String.valueOf(Math.max(1, internalReplicas - 1));
        p.put("offsets.topic.replication.factor", replicas);
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        return p;
    }

    /** Formats {@code dataDir} for {@code clusterId} unless it already is, then starts the node. */
    static KafkaRaftServer startNode(Path dataDir, Properties props, String clusterId) throws IOException {
        return startNode(dataDir, props, clusterId, List.of());
    }

    /**
     * As {@link #startNode(Path, Properties, String)}, giving {@code kafka-storage format} the
     * {@code formatArguments} too (SCRAM users to create, say) when it formats.
     */
    static KafkaRaftServer startNode(Path dataDir, Properties props, String clusterId, List<String> formatArguments)
        throws IOException {
        Files.createDirectories(dataDir);
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            format(dataDir, props, clusterId, formatArguments);
        }
        var server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        return server;
    }

    private static void format(Path dataDir, Properties props, String clusterId, List<String> formatArguments)
        throws IOException {
        Path config = dataDir.resolveSibling(dataDir.getFileName() + ".format.properties");
        // 0600: a secured node's settings hold the brokers' own password.
        Files.deleteIfExists(config);
        Files.createFile(config, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (var out = Files.newOutputStream(config)) {
            props.store(out, "written by EmbeddedKafka for kafka-storage format");
        }
        var output = new ByteArrayOutputStream();
        var arguments = new ArrayList<>(List.of("format", "-t", clusterId, "-c", config.toString()));
        arguments.addAll(formatArguments);
        int rc = StorageTool.execute(arguments.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
        Files.deleteIfExists(config);
        if (rc != 0) {
            throw new IOException("kafka-storage format of " + dataDir + " failed (exit " + rc + "): "
                + output.toString(StandardCharsets.UTF_8));
        }
    }

    /** A cluster id as {@code kafka-storage random-uuid} makes it: 16 random bytes, URL-safe base64. */
    static String randomClusterId() {
        return org.apache.kafka.common.Uuid.randomUuid().toString();
    }

}
