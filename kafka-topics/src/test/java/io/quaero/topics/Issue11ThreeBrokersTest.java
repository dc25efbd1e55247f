package io.quaero.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quaero.contracts.Topics;
import io.quaero.infra.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Issue 11 on a real three-broker cluster (three KRaft nodes in this JVM): the replication a
 * production cluster uses, 3 replicas and min ISR 2, is what the topics get.
 */
class Issue11ThreeBrokersTest {

    private static final List<String> QUAERO_TOPICS = List.of(Topics.JOB_EVENTS, Topics.JOB_STATUS, Topics.SERVICE_LOGS, Topics.DEAD_LETTER,
        Topics.JOB_DISPATCH, Topics.AUDIT);

    private static EmbeddedKafka cluster;
    private static Admin admin;

    @BeforeAll
    static void startCluster(@TempDir Path dir) throws Exception {
        cluster = EmbeddedKafka.startCluster(dir, 3);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
    }

    @AfterAll
    static void stopCluster() {
        admin.close();
        cluster.close();
    }

    private ApplicationContextRunner service() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, TopicsAutoConfiguration.class))
            .withPropertyValues("spring.kafka.bootstrap-servers=" + cluster.bootstrapServers());
    }

    @Test
    void withReplicationFactorThreeEveryTopicHasThreeReplicasAndMinInsyncReplicasTwo() throws Exception {
        service().withPropertyValues("quaero.topics.replication-factor=3").run(context -> assertThat(context).hasNotFailed());

        var topics = admin.describeTopics(QUAERO_TOPICS).allTopicNames().get(30, TimeUnit.SECONDS);
        assertThat(topics).containsOnlyKeys(QUAERO_TOPICS);
        assertThat(topics.values()).allSatisfy(t ->
            assertThat(t.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3)));
        var resources = QUAERO_TOPICS.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        assertThat(admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS).values())
            .allSatisfy(config -> assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("2"));
    }

    @Test
    void aReplicationFactorOfFourOnThreeBrokersStopsStartupNamingTheSetting() {
        service().withPropertyValues("quaero.topics.replication-factor=4").run(context ->
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageStartingWith("quaero.topics.replication-factor is 4, but the Kafka cluster at " + cluster.bootstrapServers()
                    + " has 3 live broker(s) (ids [1, 2, 3])"));
    }
}
