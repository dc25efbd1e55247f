package io.quaero.ingest.config;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.ingest.intake.StorageIsolation;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Kafka wiring of ingest: the topics it owns, the dead-letter publisher, and one batch listener
 * factory. Records the rules refuse are dead-lettered by the listeners themselves
 * ({@code intake.DeadLetters}). A record the database refuses (named by index with
 * {@code BatchListenerFailedException}, see {@code intake.StorageIsolation}) goes straight to
 * {@link Topics#DEAD_LETTER} through the error handler; any other failure — the database is down —
 * retries the whole batch from memory with the consumer paused, backing off from 500 ms to
 * {@code retry-max-interval}, for as long as it takes. Nothing is skipped and no offset moves until
 * the batch is stored.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaConfiguration {

    /** Name of the listener container factory ingest's listeners use. */
    public static final String BATCH_FACTORY = "ingestBatchListenerFactory";

    /** The consumer group of every ingest instance. */
    public static final String GROUP_ID = "quaero-log-ingest";

    private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

    @Bean
    KafkaAdmin.NewTopics ingestTopics(IngestProperties props) {
        int partitions = props.topicPartitions();
        return new KafkaAdmin.NewTopics(
            TopicBuilder.name(Topics.JOB_EVENTS).partitions(partitions).replicas(1).build(),
            // One partition: the platform's own logs are few, and a total order gives the
            // service-logs stream an exact cursor (the offset), like a job's stream.
            TopicBuilder.name(Topics.SERVICE_LOGS).partitions(1).replicas(1).build(),
            TopicBuilder.name(Topics.DEAD_LETTER).partitions(1).replicas(1).build());
    }

    @Bean(BATCH_FACTORY)
    ConcurrentKafkaListenerContainerFactory<String, byte[]> ingestBatchListenerFactory(
        KafkaProperties kafka, IngestProperties props, DefaultErrorHandler ingestErrorHandler, MeterRegistry meters) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, props.maxPollRecords());
        // Values are decoded by our own codec, so a bad value is a named, typed error, not a
        // deserializer exception; keys are job ids or service instances as UTF-8 text.
        var consumerFactory = new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        // Kafka's own client metrics, consumer lag (records-lag-max) among them.
        consumerFactory.addListener(new MicrometerConsumerListener<>(meters));
        var factory = new ConcurrentKafkaListenerContainerFactory<String, byte[]>();
        factory.setConsumerFactory(consumerFactory);
        factory.setBatchListener(true);
        // Offsets are committed after the listener returns, i.e. after the Postgres commit.
        factory.getContainerProperties().setAckMode(AckMode.BATCH);
        factory.setCommonErrorHandler(ingestErrorHandler);
        return factory;
    }

    /**
     * One dead-letter topic for every source: the original topic, partition and offset travel in
     * the kafka_dlt-original-* headers, the reason in kafka_dlt-exception-message. Used by the
     * listeners for records the rules refuse ({@code DeadLetters}) and by the error handler for a
     * record the database refuses.
     */
    @Bean
    DeadLetterPublishingRecoverer ingestDeadLetterRecoverer(KafkaProperties kafka) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        var template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(config, new StringSerializer(), new ByteArraySerializer()));
        return new DeadLetterPublishingRecoverer(template, (record, ex) -> new TopicPartition(Topics.DEAD_LETTER, -1));
    }

    @Bean
    DefaultErrorHandler ingestErrorHandler(DeadLetterPublishingRecoverer ingestDeadLetterRecoverer, IngestProperties props,
                                           MeterRegistry meters) {
        var deadLetters = ingestDeadLetterRecoverer;
        var backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(props.retryMaxInterval().toMillis());
        var handler = new DefaultErrorHandler((record, ex) -> {
            deadLetters.accept(record, ex);
            meters.counter("quaero.ingest.dead.letters", "topic", record.topic()).increment();
        }, backOff);
        handler.addNotRetryableExceptions(InvalidEventException.class, StorageIsolation.RefusedByStorage.class);
        // A poison record is expected input, handled and counted; it is not an application error.
        handler.setLogLevel(KafkaException.Level.WARN);
        handler.setRetryListeners(new OutageLog());
        return handler;
    }

    /** Says clearly, without flooding, that a batch cannot be stored and consumption is paused. */
    private static final class OutageLog implements RetryListener {

        @Override
        public void failedDelivery(ConsumerRecords<?, ?> records, Exception ex, int attempt) {
            if (isPoison(ex)) {
                return;
            }
            if (attempt == 1 || attempt % 10 == 0) {
                log.warn("could not store a batch of {} records (attempt {}): consumption paused, retrying with back-off; "
                    + "nothing is committed or skipped until it is stored: {}", records.count(), attempt, rootMessage(ex));
            }
        }

        @Override
        public void recovered(ConsumerRecords<?, ?> records, Exception ex) {
            if (isPoison(ex)) {
                return;
            }
            log.info("stored the batch of {} records after retrying; consumption resumed", records.count());
        }

        @Override
        public void failedDelivery(org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> record, Exception ex, int attempt) {
            // Single-record retries do not happen here: poison records are not retried.
        }

        /** A poison record is handled (dead-lettered), not an outage. */
        private static boolean isPoison(Throwable t) {
            for (; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof BatchListenerFailedException || t instanceof InvalidEventException
                    || t instanceof StorageIsolation.RefusedByStorage) {
                    return true;
                }
            }
            return false;
        }

        private static String rootMessage(Throwable t) {
            while (t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            return t.getClass().getSimpleName() + ": " + t.getMessage();
        }
    }
}
