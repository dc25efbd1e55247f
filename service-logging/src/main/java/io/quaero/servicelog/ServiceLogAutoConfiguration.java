package io.quaero.servicelog;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * Publishes the application's log lines to {@code quaero.service-logs} when this jar is on the
 * classpath, {@code spring.kafka.bootstrap-servers} is set and {@code quaero.service-logs.enabled}
 * is not false. Class names in {@code ConditionalOnClass} are strings so that an application
 * without Logback (say, on Log4j 2) skips this quietly instead of failing to load it.
 */
@AutoConfiguration
@ConditionalOnClass(name = {
    "ch.qos.logback.classic.LoggerContext", "org.apache.kafka.clients.producer.KafkaProducer"})
@ConditionalOnProperty(prefix = "quaero.service-logs", name = "enabled", havingValue = "true", matchIfMissing = true)
@Conditional(OnKafkaBootstrapServersCondition.class)
@EnableConfigurationProperties(ServiceLogProperties.class)
public class ServiceLogAutoConfiguration {

    /** Not started here: {@link ServiceLogAttachment} starts and attaches it once the context runs. */
    @Bean
    @ConditionalOnMissingBean
    KafkaServiceLogAppender kafkaServiceLogAppender(ServiceLogProperties properties, Environment environment) {
        String bootstrapServers = String.join(",", SpringKafkaSettings.bootstrapServers(environment));
        return new KafkaServiceLogAppender(
            properties.toSettings(bootstrapServers, environment.getProperty("spring.application.name"))
                .withKafkaProperties(SpringKafkaSettings.clientProperties(environment)));
    }

    @Bean
    @ConditionalOnMissingBean
    ServiceLogAttachment serviceLogAttachment(KafkaServiceLogAppender appender) {
        return new ServiceLogAttachment(appender);
    }
}
