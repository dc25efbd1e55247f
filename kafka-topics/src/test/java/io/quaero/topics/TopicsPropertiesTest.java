package io.quaero.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Map;

import io.quaero.contracts.Topics;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The settings, bound the way Spring Boot binds them at startup. */
class TopicsPropertiesTest {

    private static TopicsProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("quaero.topics", TopicsProperties.class);
    }

    @Test
    void theReplicationFactorHasNoDefaultAndItsAbsenceNamesTheSetting() {
        assertThatThrownBy(() -> bind(Map.of()))
            .rootCause()
            .hasMessageStartingWith("quaero.topics.replication-factor is not set")
            .hasMessageContaining("QUAERO_TOPICS_REPLICATION_FACTOR");
    }

    @Test
    void minInsyncReplicasDefaultsToTheReplicationFactorCappedAtTwo() {
        assertThat(bind(Map.of("quaero.topics.replication-factor", "1")).minInsyncReplicas()).isEqualTo(1);
        assertThat(bind(Map.of("quaero.topics.replication-factor", "2")).minInsyncReplicas()).isEqualTo(2);
        assertThat(bind(Map.of("quaero.topics.replication-factor", "3")).minInsyncReplicas()).isEqualTo(2);
        assertThat(bind(Map.of("quaero.topics.replication-factor", "5")).minInsyncReplicas()).isEqualTo(2);
    }

    @Test
    void minInsyncReplicasAboveTheReplicationFactorIsRefusedNamingBothSettings() {
        assertThatThrownBy(() -> bind(Map.of("quaero.topics.replication-factor", "3", "quaero.topics.min-insync-replicas", "4")))
            .rootCause()
            .hasMessage("quaero.topics.min-insync-replicas must be 1..quaero.topics.replication-factor (3), was 4");
        assertThatThrownBy(() -> bind(Map.of("quaero.topics.replication-factor", "3", "quaero.topics.min-insync-replicas", "0")))
            .rootCause()
            .hasMessageStartingWith("quaero.topics.min-insync-replicas must be 1..");
    }

    @Test
    void aReplicationFactorOfZeroIsRefused() {
        assertThatThrownBy(() -> bind(Map.of("quaero.topics.replication-factor", "0")))
            .rootCause()
            .hasMessage("quaero.topics.replication-factor must be 1..32767, was 0");
    }

    @Test
    void partitionCountsAreBoundedAndNameTheirSetting() {
        assertThatThrownBy(() -> bind(Map.of("quaero.topics.replication-factor", "1", "quaero.topics.job-events-partitions", "0")))
            .rootCause()
            .hasMessage("quaero.topics.job-events-partitions must be 1..1000, was 0");
        assertThatThrownBy(() -> bind(Map.of("quaero.topics.replication-factor", "1", "quaero.topics.job-dispatch-partitions", "1001")))
            .rootCause()
            .hasMessage("quaero.topics.job-dispatch-partitions must be 1..1000, was 1001");
        assertThatThrownBy(() -> bind(Map.of("quaero.topics.replication-factor", "1", "quaero.topics.job-status-partitions", "0")))
            .rootCause()
            .hasMessage("quaero.topics.job-status-partitions must be 1..1000, was 0");
    }

    @Test
    void everyTopicGetsTheReplicationAndMinInsyncReplicasAndOnlyJobTopicsTakeTheirPartitionsFromSettings() {
        var settings = bind(Map.of(
            "quaero.topics.replication-factor", "3",
            "quaero.topics.job-events-partitions", "12",
            "quaero.topics.job-dispatch-partitions", "4",
            "quaero.topics.job-status-partitions", "5"));

        assertThat(settings.newTopics())
            .extracting(NewTopic::name, NewTopic::numPartitions, NewTopic::replicationFactor, t -> t.configs().get("min.insync.replicas"))
            .containsExactlyInAnyOrder(
                tuple(Topics.JOB_EVENTS, 12, (short) 3, "2"),
                tuple(Topics.JOB_DISPATCH, 4, (short) 3, "2"),
                tuple(Topics.JOB_STATUS, 5, (short) 3, "2"),
                tuple(Topics.SERVICE_LOGS, 1, (short) 3, "2"),
                tuple(Topics.DEAD_LETTER, 1, (short) 3, "2"),
                tuple(Topics.AUDIT, 1, (short) 3, "2"));
    }

    @Test
    void theLogTopicsCarryTheBrokersAppendTimeWhichTheMaskPatternsGoBy() {
        var settings = bind(Map.of("quaero.topics.replication-factor", "1"));

        assertThat(settings.newTopics())
            .filteredOn(t -> "LogAppendTime".equals(t.configs().get("message.timestamp.type")))
            .extracting(NewTopic::name)
            .containsExactlyInAnyOrder(Topics.JOB_EVENTS, Topics.SERVICE_LOGS);
    }

    @Test
    void jobTopicsDefaultToSixPartitionsAndTheStatusTopicToThree() {
        var settings = bind(Map.of("quaero.topics.replication-factor", "1"));

        assertThat(settings.jobEventsPartitions()).isEqualTo(6);
        assertThat(settings.jobDispatchPartitions()).isEqualTo(6);
        assertThat(settings.jobStatusPartitions()).isEqualTo(3);
    }
}
