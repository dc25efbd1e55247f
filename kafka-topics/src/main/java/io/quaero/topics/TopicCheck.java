package io.quaero.topics;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.TopicBuilder;

/**
 * Checks the Quaero topics against the cluster and says which ones Spring's KafkaAdmin should ensure.
 *
 * <p>Implementation notes. KafkaAdmin creates the declared topics once every singleton exists; this
 * check runs earlier, while the bean that declares them is made, so a replication factor the
 * cluster cannot hold stops startup before anything is created. What KafkaAdmin (spring-kafka 4.0)
 * does with a topic that already exists, read from its source: it adds partitions when fewer exist
 * than declared; it never changes the replication factor; it changes topic configs such as
 * {@code min.insync.replicas} only with {@code spring.kafka.admin.modify-topic-configs=true}. So
 * replication and min ISR of an existing topic are reported here, and an existing topic is
 * declared with the partitions it has. Adding partitions keeps every job whole (a job's partition
 * is recorded when its first event lands, and ingest forwards what a running worker's partitioner
 * then sends elsewhere), but those forwarded jobs lose their send order across partitions and every
 * gateway takes up to 30 s to tail the new ones: an operator's deliberate step, not a side effect
 * of a restart with a changed setting.
 */
final class TopicCheck {

    private static final Logger log = LoggerFactory.getLogger(TopicCheck.class);

    /** Nothing is pending when the check's client closes; this only bounds a broker lost meanwhile. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

    private final Admin admin;
    private final String bootstrap;
    private final long timeoutMs;

    private TopicCheck(Admin admin, String bootstrap, Duration timeout) {
        this.admin = admin;
        this.bootstrap = bootstrap;
        this.timeoutMs = timeout.toMillis();
    }

    /**
     * The topics KafkaAdmin should ensure: {@code wanted}, where an existing topic keeps its
     * partition count if it has fewer. Nothing when Kafka cannot be asked and {@code failFast} is
     * false: the service then starts without its topics, as it always has with Kafka down.
     *
     * @param adminConfig KafkaAdmin's client configuration (bootstrap servers, security)
     * @param timeout     longest wait for each answer: KafkaAdmin's operation timeout
     * @param failFast    {@code spring.kafka.admin.fail-fast}: Kafka not answering stops startup
     * @throws IllegalStateException when the topics want more replicas than there are live brokers
     */
    static List<NewTopic> toDeclare(Map<String, Object> adminConfig, Duration timeout, boolean failFast, List<NewTopic> wanted) {
        String bootstrap = bootstrap(adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        Admin admin = Admin.create(adminConfig);
        try {
            return new TopicCheck(admin, bootstrap, timeout).reconcile(wanted);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the Quaero topics on Kafka at " + bootstrap, e);
        } catch (ExecutionException | TimeoutException e) {
            if (failFast) {
                throw new IllegalStateException("could not check the Quaero topics on Kafka at " + bootstrap + " within "
                    + timeout.toMillis() + " ms (spring.kafka.admin.operation-timeout); spring.kafka.admin.fail-fast=true", e);
            }
            log.error("could not check the Quaero topics on Kafka at {} within {} ms (spring.kafka.admin.operation-timeout): {}. "
                + "They are neither checked nor created now; this service starts anyway (as it always has with Kafka down) "
                + "and its consumers wait for them. They are created when a Quaero service starts with Kafka up: restart "
                + "this one, or start another.", bootstrap, timeout.toMillis(), rootMessage(e));
            return List.of();
        } finally {
            admin.close(CLOSE_TIMEOUT);
        }
    }

    private List<NewTopic> reconcile(List<NewTopic> wanted) throws InterruptedException, ExecutionException, TimeoutException {
        requireBrokersFor(wanted);
        Map<String, TopicDescription> existing = describeExisting(wanted);
        Map<String, String> minInsync = minInsyncReplicas(existing.keySet());
        return wanted.stream()
            .map(topic -> existing.containsKey(topic.name())
                ? compare(topic, existing.get(topic.name()), minInsync.get(topic.name()))
                : topic)
            .toList();
    }

    /** Fails, naming the setting, when a topic wants more replicas than there are live brokers. */
    private void requireBrokersFor(List<NewTopic> wanted) throws InterruptedException, ExecutionException, TimeoutException {
        Collection<Node> brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs))
            .nodes().get(timeoutMs, TimeUnit.MILLISECONDS);
        int replicas = wanted.stream().mapToInt(NewTopic::replicationFactor).max().orElse(0);
        if (replicas > brokers.size()) {
            throw new IllegalStateException("quaero.topics.replication-factor is " + replicas + ", but the Kafka cluster at "
                + bootstrap + " has " + brokers.size() + " live broker(s) (ids " + brokers.stream().map(Node::idString).toList()
                + "): no topic was created. Start more brokers or lower quaero.topics.replication-factor (1 on a single "
                + "broker); Quaero never falls back to fewer replicas.");
        }
    }

    private Map<String, TopicDescription> describeExisting(List<NewTopic> wanted)
        throws InterruptedException, ExecutionException, TimeoutException {
        var names = wanted.stream().map(NewTopic::name).toList();
        var found = new HashMap<String, TopicDescription>();
        var described = admin.describeTopics(names, new DescribeTopicsOptions().timeoutMs((int) timeoutMs)).topicNameValues();
        for (var entry : described.entrySet()) {
            try {
                found.put(entry.getKey(), entry.getValue().get(timeoutMs, TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return found;
    }

    /** The effective {@code min.insync.replicas} of each topic: its own, else the broker's default. */
    private Map<String, String> minInsyncReplicas(Collection<String> topics)
        throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return Map.of();
        }
        var resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        var configs = admin.describeConfigs(resources, new DescribeConfigsOptions().timeoutMs((int) timeoutMs))
            .all().get(timeoutMs, TimeUnit.MILLISECONDS);
        var values = new HashMap<String, String>();
        configs.forEach((resource, config) -> {
            var entry = config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            if (entry != null) {
                values.put(resource.name(), entry.value());
            }
        });
        return values;
    }

    /** Warns about what differs from the settings; returns what KafkaAdmin should ensure for this topic. */
    private NewTopic compare(NewTopic wanted, TopicDescription actual, @Nullable String actualMinInsync) {
        String name = wanted.name();
        int replicas = actual.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
        if (replicas < wanted.replicationFactor()) {
            log.warn("topic {} has {} replica(s) per partition, quaero.topics.replication-factor is {}: losing a broker can "
                + "lose its records. Neither Kafka nor Spring's KafkaAdmin changes an existing topic's replication; "
                + "add replicas with kafka-reassign-partitions.sh.", name, replicas, wanted.replicationFactor());
        }
        String wantedMinInsync = wanted.configs().get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
        if (!Objects.equals(wantedMinInsync, actualMinInsync)) {
            log.warn("topic {} has min.insync.replicas={}, quaero.topics.min-insync-replicas is {}. Spring's KafkaAdmin "
                + "changes it only with spring.kafka.admin.modify-topic-configs=true; otherwise (after adding replicas if "
                + "it needs them): kafka-configs.sh --alter --entity-type topics --entity-name {} --add-config min.insync.replicas={}",
                name, actualMinInsync, wantedMinInsync, name, wantedMinInsync);
        }
        int partitions = actual.partitions().size();
        if (partitions >= wanted.numPartitions()) {
            return wanted;
        }
        log.warn("topic {} has {} partition(s), the settings (quaero.topics.*-partitions) ask for {}: left at {}. Adding "
            + "partitions moves keys: a running external job's later events would land elsewhere and be forwarded by "
            + "ingest, out of send order; Quaero never does it on its own. To add them, best with no external job "
            + "running: kafka-topics.sh --alter --topic {} --partitions {}", name, partitions, wanted.numPartitions(),
            partitions, name, wanted.numPartitions());
        return TopicBuilder.name(name)
            .partitions(partitions)
            .replicas(wanted.replicationFactor())
            .configs(wanted.configs())
            .build();
    }

    /** Boot gives the bootstrap servers as a list, a client configuration may give a string. */
    private static String bootstrap(@Nullable Object servers) {
        return servers instanceof Collection<?> list
            ? String.join(",", list.stream().map(String::valueOf).toList())
            : String.valueOf(servers);
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        // A future's own timeout carries no message.
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
