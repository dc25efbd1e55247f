package io.quaero.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.COLLECTION;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.quaero.contracts.Topics;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Issue 11, "replication is configuration, not code": a service context creates every Quaero topic
 * with the partitions, replication factor and min ISR of {@code quaero.topics.*}, read back from a
 * real broker (the one-broker embedded Kafka of this test JVM); a replication factor above the live
 * brokers stops startup before anything is created.
 *
 * <p>The refused start runs first, while this JVM's broker has no Quaero topic yet, so "nothing was
 * created" means something.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Issue11TopicSettingsTest {

    private static final List<String> QUAERO_TOPICS = List.of(Topics.JOB_EVENTS, Topics.JOB_STATUS, Topics.SERVICE_LOGS, Topics.DEAD_LETTER,
        Topics.JOB_DISPATCH, Topics.AUDIT);

    private static String bootstrap;
    private static Admin admin;

    private final ApplicationContextRunner service = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, TopicsAutoConfiguration.class))
        .withPropertyValues("spring.kafka.bootstrap-servers=" + bootstrap);

    private final ListAppender<ILoggingEvent> checkLog = new ListAppender<>();

    @BeforeAll
    static void connect() {
        bootstrap = TestInfrastructure.shared().endpoints().kafkaBootstrap();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterAll
    static void disconnect() {
        admin.close();
    }

    @BeforeEach
    void captureCheckLog() {
        checkLog.start();
        ((Logger) LoggerFactory.getLogger(TopicCheck.class)).addAppender(checkLog);
    }

    @AfterEach
    void releaseCheckLog() {
        ((Logger) LoggerFactory.getLogger(TopicCheck.class)).detachAppender(checkLog);
    }

    @Test
    @Order(1)
    void aReplicationFactorAboveTheLiveBrokersStopsStartupNamingTheSettingBeforeAnyTopicIsCreated() throws Exception {
        var before = quaeroTopics();

        service.withPropertyValues("quaero.topics.replication-factor=2").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("quaero.topics.replication-factor is 2, but the Kafka cluster at " + bootstrap
                    + " has 1 live broker(s)")
                .hasMessageContaining("no topic was created");
        });

        assertThat(quaeroTopics()).isEqualTo(before);
    }

    @Test
    @Order(2)
    void aMissingReplicationFactorStopsStartupNamingTheSetting() {
        service.run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageStartingWith("quaero.topics.replication-factor is not set");
        });
    }

    @Test
    @Order(3)
    void everyTopicIsCreatedWithThePartitionsReplicationFactorAndMinInsyncReplicasOfTheSettings() throws Exception {
        service.withPropertyValues(
                "quaero.topics.replication-factor=1",
                "quaero.topics.job-events-partitions=3",
                "quaero.topics.job-dispatch-partitions=2")
            .run(context -> assertThat(context).hasNotFailed());

        var topics = admin.describeTopics(QUAERO_TOPICS).allTopicNames().get(30, TimeUnit.SECONDS);
        assertThat(partitions(topics)).containsExactlyInAnyOrderEntriesOf(Map.of(
            Topics.JOB_EVENTS, 3, Topics.JOB_STATUS, 3, Topics.JOB_DISPATCH, 2, Topics.SERVICE_LOGS, 1, Topics.DEAD_LETTER, 1,
            Topics.AUDIT, 1));
        assertThat(topics.values()).allSatisfy(t ->
            assertThat(t.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(1)));
        assertThat(minInsyncReplicas(QUAERO_TOPICS)).containsOnlyKeys(QUAERO_TOPICS).containsValues("1");
    }

    @Test
    @Order(4)
    void anExistingTopicKeepsItsPartitionsAndWhatDiffersFromTheSettingsIsLogged() throws Exception {
        service.withPropertyValues(
                "quaero.topics.replication-factor=1",
                "quaero.topics.job-events-partitions=5",
                "quaero.topics.job-dispatch-partitions=2")
            .run(context -> assertThat(context).hasNotFailed());

        assertThat(partitions(admin.describeTopics(List.of(Topics.JOB_EVENTS)).allTopicNames().get(30, TimeUnit.SECONDS)))
            .containsEntry(Topics.JOB_EVENTS, 3);
        assertThat(warnings()).singleElement().asString()
            .startsWith("topic quaero.job-events has 3 partition(s), the settings (quaero.topics.*-partitions) ask for 5: left at 3.")
            .contains("kafka-topics.sh --alter --topic quaero.job-events --partitions 5");
    }

    @Test
    @Order(5)
    void anExistingTopicsDifferentMinInsyncReplicasIsLoggedNotChanged() throws Exception {
        setMinInsyncReplicas(Topics.JOB_DISPATCH, "2");
        try {
            service.withPropertyValues("quaero.topics.replication-factor=1", "quaero.topics.job-events-partitions=3",
                    "quaero.topics.job-dispatch-partitions=2")
                .run(context -> assertThat(context).hasNotFailed());

            assertThat(minInsyncReplicas(List.of(Topics.JOB_DISPATCH))).containsEntry(Topics.JOB_DISPATCH, "2");
            assertThat(warnings()).singleElement().asString()
                .startsWith("topic quaero.job-dispatch has min.insync.replicas=2, quaero.topics.min-insync-replicas is 1.");
        } finally {
            setMinInsyncReplicas(Topics.JOB_DISPATCH, "1");
        }
    }

    @Test
    void withKafkaUnreachableTheServiceStartsWithoutTopicsAndSaysSo() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, TopicsAutoConfiguration.class))
            .withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1", "spring.kafka.admin.operation-timeout=2s",
                "quaero.topics.replication-factor=3")
            .run(context -> {
                assertThat(context).hasNotFailed();
                // Nothing declared: KafkaAdmin does not wait a second time for a Kafka that did not answer.
                assertThat(context.getBean(KafkaAdmin.NewTopics.class)).extracting("newTopics").asInstanceOf(
                    COLLECTION).isEmpty();
            });

        assertThat(checkLog.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
            assertThat(e.getFormattedMessage()).startsWith("could not check the Quaero topics on Kafka at 127.0.0.1:1 within 2000 ms");
        });
    }

    @Test
    void withKafkaUnreachableAndAdminFailFastStartupFails() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, TopicsAutoConfiguration.class))
            .withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1", "spring.kafka.admin.operation-timeout=2s",
                "spring.kafka.admin.fail-fast=true", "quaero.topics.replication-factor=1")
            .run(context -> assertThat(context).hasFailed().getFailure()
                .hasStackTraceContaining("could not check the Quaero topics on Kafka at 127.0.0.1:1 within 2000 ms")
                .hasStackTraceContaining("spring.kafka.admin.fail-fast=true"));
    }

    @Test
    void topicsMadeByOtherMeansNeedNoSettings() {
        service.withPropertyValues("spring.kafka.admin.auto-create=false")
            .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(KafkaAdmin.NewTopics.class);
            });
    }

    private List<String> warnings() {
        return checkLog.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Each Quaero topic that exists, with its partition count. */
    private static Map<String, Integer> quaeroTopics() throws Exception {
        var names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        var existing = QUAERO_TOPICS.stream().filter(names::contains).toList();
        return partitions(admin.describeTopics(existing).allTopicNames().get(30, TimeUnit.SECONDS));
    }

    private static Map<String, Integer> partitions(Map<String, TopicDescription> topics) {
        var counts = new TreeMap<String, Integer>();
        topics.forEach((name, t) -> counts.put(name, t.partitions().size()));
        return counts;
    }

    private static void setMinInsyncReplicas(String topic, String value) throws Exception {
        var op = new AlterConfigOp(new ConfigEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, value), AlterConfigOp.OpType.SET);
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(op)))
            .all().get(30, TimeUnit.SECONDS);
        // The controller has committed the change; the broker that answers describeConfigs (and the
        // service under test) may see it a moment later.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
            .until(() -> value.equals(minInsyncReplicas(List.of(topic)).get(topic)));
    }

    private static Map<String, String> minInsyncReplicas(List<String> topics) throws Exception {
        var resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        var values = new TreeMap<String, String>();
        admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS)
            .forEach((r, c) -> values.put(r.name(), c.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()));
        return values;
    }
}
