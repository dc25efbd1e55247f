package io.quaero.jobs.config;

import java.util.Map;

import io.quaero.contracts.Topics;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.contracts.publish.QuaeroProducer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * job-service's Kafka: the one producer its API and workers publish through, and the workers'
 * consumer group. The dispatch topic is declared, with every other Quaero topic, by module
 * kafka-topics.
 */
@Configuration(proxyBeanMethods = false)
public class JobsKafkaConfiguration {

    /** Name of the listener container factory of the dispatch consumer. */
    public static final String DISPATCH_FACTORY = "dispatchListenerFactory";

    /** The consumer group of all built-in workers: each command is handled by one of them. */
    public static final String WORKER_GROUP = "quaero-workers";

    @Bean(destroyMethod = "close")
    QuaeroProducer quaeroProducer(KafkaProperties kafka) {
        return QuaeroProducer.connect(producerSettings(kafka));
    }

    /**
     * Quaero's delivery settings over Spring Boot's producer settings, so this producer and the
     * dead-letter one take every standard {@code spring.kafka.*} setting the others do: the
     * brokers, {@code spring.kafka.security.protocol}, {@code spring.kafka.ssl.*},
     * {@code spring.kafka.properties.sasl.*} (a secured cluster's login).
     */
    private static Map<String, Object> producerSettings(KafkaProperties kafka) {
        return QuaeroProducer.settingsOver(kafka.buildProducerProperties());
    }

    @Bean(DISPATCH_FACTORY)
    ConcurrentKafkaListenerContainerFactory<String, byte[]> dispatchListenerFactory(
        KafkaProperties kafka, JobsProperties props, DefaultErrorHandler dispatchErrorHandler) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, WORKER_GROUP);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // One command at a time: a command is committed once its job is claimed (or refused),
        // and waiting for a free slot must not hold a batch of other commands hostage.
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        var factory = new ConcurrentKafkaListenerContainerFactory<String, byte[]>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), new ByteArrayDeserializer()));
        factory.getContainerProperties().setAckMode(AckMode.RECORD);
        factory.setCommonErrorHandler(dispatchErrorHandler);
        factory.setAutoStartup(props.workersEnabled());
        return factory;
    }

    /**
     * A malformed command goes to {@code quaero.dead-letter} (reason in the headers); anything
     * else (database down, no free slot) is retried with back-off for as long as it takes, so a
     * command is never skipped.
     */
    @Bean
    DefaultErrorHandler dispatchErrorHandler(KafkaProperties kafka) {
        Map<String, Object> config = producerSettings(kafka);
        var template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new ByteArraySerializer()));
        var deadLetters = new DeadLetterPublishingRecoverer(template, (record, ex) -> new TopicPartition(Topics.DEAD_LETTER, -1));
        var backOff = new ExponentialBackOff(200, 2.0);
        backOff.setMaxInterval(10_000);
        var handler = new DefaultErrorHandler(deadLetters, backOff);
        handler.addNotRetryableExceptions(InvalidEventException.class);
        handler.setLogLevel(KafkaException.Level.WARN);
        return handler;
    }
}
