package io.quaero.ingest.config;

import java.util.Map;

import io.quaero.contracts.Topics;
import io.quaero.contracts.event.InvalidEventException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
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
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

/**
 * Kafka wiring of ingest: the topics it owns, and one batch listener factory whose error handling
 * is the spring-kafka sample's: a poison record (named by index with
 * {@code BatchListenerFailedException}) goes straight to {@link Topics#DEAD_LETTER}; any other
 * failure (Postgres down) retries the whole batch from memory with the consumer paused.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaConfiguration {

    /** Name of the listener container factory ingest's listeners use. */
    public static final String BATCH_FACTORY = "ingestBatchListenerFactory";

    /** The consumer group of every ingest instance. */
    public static final String GROUP_ID = "quaero-log-ingest";

    @Bean
    KafkaAdmin.NewTopics ingestTopics(IngestProperties props) {
        int partitions = props.topicPartitions();
        return new KafkaAdmin.NewTopics(
            TopicBuilder.name(Topics.JOB_EVENTS).partitions(partitions).replicas(1).build(),
            TopicBuilder.name(Topics.SERVICE_LOGS).partitions(partitions).replicas(1).build(),
            TopicBuilder.name(Topics.DEAD_LETTER).partitions(1).replicas(1).build());
    }

    @Bean(BATCH_FACTORY)
    ConcurrentKafkaListenerContainerFactory<String, byte[]> ingestBatchListenerFactory(
        KafkaProperties kafka, DefaultErrorHandler ingestErrorHandler) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Values are decoded by our own codec, so a bad value is a named, typed error, not a
        // deserializer exception; keys are job ids or service instances as UTF-8 text.
        var consumerFactory = new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        var factory = new ConcurrentKafkaListenerContainerFactory<String, byte[]>();
        factory.setConsumerFactory(consumerFactory);
        factory.setBatchListener(true);
        // Offsets are committed after the listener returns, i.e. after the Postgres commit.
        factory.getContainerProperties().setAckMode(AckMode.BATCH);
        factory.setCommonErrorHandler(ingestErrorHandler);
        return factory;
    }

    @Bean
    DefaultErrorHandler ingestErrorHandler(KafkaProperties kafka) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        var template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new ByteArraySerializer()));
        // One dead-letter topic for every source: the original topic, partition and offset travel
        // in the kafka_dlt-original-* headers, the reason in kafka_dlt-exception-message.
        var recoverer = new DeadLetterPublishingRecoverer(template,
            (record, ex) -> new TopicPartition(Topics.DEAD_LETTER, -1));
        // Anything else (database down) retries every second, for ever: nothing is skipped.
        var handler = new DefaultErrorHandler(recoverer, new FixedBackOff(1_000L, FixedBackOff.UNLIMITED_ATTEMPTS));
        handler.addNotRetryableExceptions(InvalidEventException.class);
        // A poison record is expected input, handled and counted; it is not an application error.
        handler.setLogLevel(KafkaException.Level.WARN);
        return handler;
    }
}
