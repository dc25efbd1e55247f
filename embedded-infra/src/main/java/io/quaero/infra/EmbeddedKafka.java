package io.quaero.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real Apache Kafka broker in this JVM: KRaft, broker and controller combined, one node.
 *
 * <p>Implementation notes: this is the same server {@code bin/kafka-server-start.sh} runs
 * ({@link KafkaRaftServer}), not a mock. The log directory is formatted once with the broker's own
 * {@link StorageTool}; an already formatted directory is reused, so the dev stack keeps its topics
 * and offsets across restarts (Postgres keeps rows that carry those offsets as cursors, so the two
 * must live and die together). The controller uses a static voter set on a second port, which,
 * unlike a dynamic quorum, does not record its address in the data and so survives a port change.
 * Topic auto-creation is off: every topic is declared by the service that owns it.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats {@code dataDir} if needed and starts the broker.
     *
     * @param dataDir log directory; created if missing, reused if already formatted
     * @param port    client port on 127.0.0.1, or 0 for a free one
     */
    public static EmbeddedKafka start(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir);
        int clientPort = port == 0 ? FreePorts.pick() : port;
        int controllerPort = FreePorts.pick();
        Properties props = brokerProperties(dataDir, clientPort, controllerPort);
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            format(dataDir, props);
        }
        var server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + clientPort;
        log.info("Kafka broker up at {} (data in {})", bootstrap, dataDir);
        return new EmbeddedKafka(server, bootstrap);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private static Properties brokerProperties(Path dataDir, int clientPort, int controllerPort) {
        var p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.toAbsolutePath().toString());
        p.put("auto.create.topics.enable", "false");
        // One node: every internal topic has a single replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // No reason to wait for more group members on a single-node dev broker.
        p.put("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    private static void format(Path dataDir, Properties props) throws IOException {
        Path config = dataDir.resolveSibling(dataDir.getFileName() + ".format.properties");
        try (var out = Files.newOutputStream(config)) {
            props.store(out, "written by EmbeddedKafka for kafka-storage format");
        }
        var output = new ByteArrayOutputStream();
        int rc = StorageTool.execute(new String[] {
                "format", "-t", randomClusterId(), "-c", config.toString()},
            new PrintStream(output, true, StandardCharsets.UTF_8));
        Files.deleteIfExists(config);
        if (rc != 0) {
            throw new IOException("kafka-storage format of " + dataDir + " failed (exit " + rc + "): "
                + output.toString(StandardCharsets.UTF_8));
        }
    }

    /** A cluster id as {@code kafka-storage random-uuid} makes it: 16 random bytes, URL-safe base64. */
    private static String randomClusterId() {
        return org.apache.kafka.common.Uuid.randomUuid().toString();
    }

}
