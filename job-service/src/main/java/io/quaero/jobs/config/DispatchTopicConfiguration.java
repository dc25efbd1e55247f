package io.quaero.jobs.config;

import io.quaero.contracts.Topics;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/** The topic job-service writes commands to; key = job id, so a cancel reaches the job's worker. */
@Configuration(proxyBeanMethods = false)
class DispatchTopicConfiguration {

    /** Partitions of the dispatch topic: workers of one group scale up to this many. */
    private static final int DISPATCH_PARTITIONS = 6;

    @Bean
    KafkaAdmin.NewTopics jobDispatchTopic() {
        return new KafkaAdmin.NewTopics(
            TopicBuilder.name(Topics.JOB_DISPATCH).partitions(DISPATCH_PARTITIONS).replicas(1).build());
    }
}
