package io.quaero.topics;

import java.time.Duration;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Declares every Quaero topic, as {@code quaero.topics.*} describes it, for Spring Boot's
 * {@link KafkaAdmin} to create at startup. Every service that creates topics carries this jar and
 * declares all of them, so any one may start first. Off with {@code spring.kafka.admin.auto-create=false}
 * (topics made by other means), when KafkaAdmin would not create them anyway.
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class)
@ConditionalOnBean(KafkaAdmin.class)
@ConditionalOnBooleanProperty(name = "spring.kafka.admin.auto-create", matchIfMissing = true)
@EnableConfigurationProperties(TopicsProperties.class)
public class TopicsAutoConfiguration {

    /** Made after checking the cluster ({@link TopicCheck}), so a replication factor it cannot hold stops startup here. */
    @Bean
    KafkaAdmin.NewTopics quaeroTopics(TopicsProperties topics, KafkaAdmin admin, KafkaProperties kafka) {
        var declared = TopicCheck.toDeclare(admin.getConfigurationProperties(), Duration.ofSeconds(admin.getOperationTimeout()),
            kafka.getAdmin().isFailFast(), topics.newTopics());
        return new KafkaAdmin.NewTopics(declared.toArray(NewTopic[]::new));
    }
}
