package io.quaero.topics;

import java.util.List;
import java.util.Map;

import io.quaero.contracts.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.kafka.config.TopicBuilder;

/**
 * Settings of the Quaero topics ({@code quaero.topics.*}), validated once at startup. Every service
 * that creates topics reads these same settings, so whichever starts first creates them alike.
 *
 * @param replicationFactor     replicas of every partition of every Quaero topic. <b>No default</b>:
 *                              1 on a single broker (dev stack, tests, the compose file), 3 on a
 *                              cluster. Unset, startup fails: falling back to 1 would lose records
 *                              with the first broker lost. At most the live brokers (checked when
 *                              the service starts).
 * @param minInsyncReplicas     the topics' {@code min.insync.replicas}: replicas that must hold a
 *                              record before an {@code acks=all} send succeeds. Default
 *                              min(replication-factor, 2), so with 3 replicas writes go on while one
 *                              broker is down. 1..replication-factor.
 * @param jobEventsPartitions   partitions of {@code quaero.job-events} when it is created; ingest
 *                              instances scale up to this number. Default 6, 1..1000.
 * @param jobDispatchPartitions partitions of {@code quaero.job-dispatch} when it is created; built-in
 *                              workers of one group scale up to this number. Default 6, 1..1000.
 * @param jobStatusPartitions   partitions of {@code quaero.job-status} when it is created. Every
 *                              gateway reads all of them and it holds only status changes, so few
 *                              are enough; more spread its load over more brokers. Default 3, 1..1000.
 */
@ConfigurationProperties("quaero.topics")
public record TopicsProperties(int replicationFactor, int minInsyncReplicas, int jobEventsPartitions, int jobDispatchPartitions,
                               int jobStatusPartitions) {

    /** Most partitions a topic may be given here; far above what Quaero's consumers scale to. */
    static final int MAX_PARTITIONS = 1000;

    /**
     * The default {@code min.insync.replicas} is the replication factor, capped at this: with 3
     * replicas, 2 must have a record, so one broker may be down without stopping writes.
     */
    static final int DEFAULT_MIN_INSYNC_REPLICAS_CAP = 2;

    public TopicsProperties {
        require(replicationFactor >= 1 && replicationFactor <= Short.MAX_VALUE,
            "quaero.topics.replication-factor must be 1.." + Short.MAX_VALUE + ", was " + replicationFactor);
        require(minInsyncReplicas >= 1 && minInsyncReplicas <= replicationFactor,
            "quaero.topics.min-insync-replicas must be 1..quaero.topics.replication-factor (" + replicationFactor
                + "), was " + minInsyncReplicas);
        require(jobEventsPartitions >= 1 && jobEventsPartitions <= MAX_PARTITIONS,
            "quaero.topics.job-events-partitions must be 1.." + MAX_PARTITIONS + ", was " + jobEventsPartitions);
        require(jobDispatchPartitions >= 1 && jobDispatchPartitions <= MAX_PARTITIONS,
            "quaero.topics.job-dispatch-partitions must be 1.." + MAX_PARTITIONS + ", was " + jobDispatchPartitions);
        require(jobStatusPartitions >= 1 && jobStatusPartitions <= MAX_PARTITIONS,
            "quaero.topics.job-status-partitions must be 1.." + MAX_PARTITIONS + ", was " + jobStatusPartitions);
    }

    /**
     * What Spring binds: the two replica settings may be missing here, so that a missing
     * replication factor is reported as missing, and a missing min ISR gets its default.
     */
    @ConstructorBinding
    public TopicsProperties(@Nullable Integer replicationFactor, @Nullable Integer minInsyncReplicas,
        @DefaultValue("6") int jobEventsPartitions, @DefaultValue("6") int jobDispatchPartitions,
        @DefaultValue("3") int jobStatusPartitions) {
        this(required(replicationFactor),
            minInsyncReplicas != null ? minInsyncReplicas : Math.min(required(replicationFactor), DEFAULT_MIN_INSYNC_REPLICAS_CAP),
            jobEventsPartitions, jobDispatchPartitions, jobStatusPartitions);
    }

    /** Every Quaero topic as these settings describe it. */
    public List<NewTopic> newTopics() {
        return List.of(
            logTopic(Topics.JOB_EVENTS, jobEventsPartitions),
            topic(Topics.JOB_STATUS, jobStatusPartitions),
            // One partition, and not a setting: the platform's own logs are few, and the
            // service-logs stream's cursor is a bare offset, exact only in a total order.
            logTopic(Topics.SERVICE_LOGS, 1),
            // Dead letters are rare: one partition is enough.
            topic(Topics.DEAD_LETTER, 1),
            topic(Topics.JOB_DISPATCH, jobDispatchPartitions),
            // Audit entries of the gateway (downloads): few, in no order that matters.
            topic(Topics.AUDIT, 1));
    }

    private NewTopic topic(String name, int partitions) {
        return topic(name, partitions, Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInsyncReplicas)));
    }

    /**
     * A topic of log lines: its records carry the broker's append time, not the producer's. The
     * admins' mask patterns are in force by that time (module masking, PatternHistory): one value
     * that ingest and every gateway read alike, which no worker's clock can move.
     */
    private NewTopic logTopic(String name, int partitions) {
        return topic(name, partitions, Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInsyncReplicas),
            TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"));
    }

    private NewTopic topic(String name, int partitions, Map<String, String> configs) {
        return TopicBuilder.name(name)
            .partitions(partitions)
            .replicas(replicationFactor)
            .configs(configs)
            .build();
    }

    private static int required(@Nullable Integer replicationFactor) {
        if (replicationFactor == null) {
            throw new IllegalArgumentException("quaero.topics.replication-factor is not set: give the replicas of every "
                + "Quaero topic (1 on a single broker, 3 on a cluster). It has no default, so that no topic gets a "
                + "single replica by accident (env: QUAERO_TOPICS_REPLICATION_FACTOR)");
        }
        return replicationFactor;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
