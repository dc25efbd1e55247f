package io.quaero.ingest.config;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.quaero.contracts.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Kafka wiring of ingest: one batch listener factory (the topics are declared by module
 * kafka-topics). A record that can never be stored is dead-lettered by the listener itself
 * ({@code intake.BatchIntake} says why not by this error handler), so what reaches the error
 * handler is an outage: it retries the whole batch from memory with the consumer paused, backing
 * off from 500 ms to {@code retry-max-interval}, for as long as it takes. Nothing is skipped and
 * no offset moves until the batch is stored.
 */
@Configuration(proxyBeanMethods = false)
public class KafkaConfiguration {

    /** Name of the listener container factory ingest's listeners use. */
    public static final String BATCH_FACTORY = "ingestBatchListenerFactory";

    /**
     * Id of the job-events listener container, and its consumer group ({@code @KafkaListener} uses
     * the id as the group). Renaming it starts a new group, from the earliest offset.
     */
    public static final String JOB_EVENTS_LISTENER = "ingest-job-events";

    /** Id of the service-logs listener container, and its consumer group. */
    public static final String SERVICE_LOGS_LISTENER = "ingest-service-logs";

    /** Every ingest listener, by id, with the topic it consumes. */
    public static final Map<String, String> LISTENER_TOPICS = Map.of(
        JOB_EVENTS_LISTENER, Topics.JOB_EVENTS, SERVICE_LOGS_LISTENER, Topics.SERVICE_LOGS);

    private static final Logger log = LoggerFactory.getLogger(KafkaConfiguration.class);

    @Bean(BATCH_FACTORY)
    ConcurrentKafkaListenerContainerFactory<String, byte[]> ingestBatchListenerFactory(
        KafkaProperties kafka, IngestProperties props, DefaultErrorHandler ingestErrorHandler, MeterRegistry meters) {
        Map<String, Object> config = kafka.buildConsumerProperties();
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
        // Job events: a consumer per thread, each its partitions' transactions. Their jobs are
        // disjoint (a job's events are in one partition), and where two batches meet a job (an
        // event to forward) its row lock orders them, as between two instances. The service logs'
        // listener overrides this with one: a single partition.
        factory.setConcurrency(props.consumers());
        // Offsets are committed after the listener returns, i.e. after the Postgres commit.
        factory.getContainerProperties().setAckMode(AckMode.BATCH);
        factory.setCommonErrorHandler(ingestErrorHandler);
        return factory;
    }

    @Bean
    DefaultErrorHandler ingestErrorHandler(IngestProperties props) {
        var backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(props.retryMaxInterval().toMillis());
        // No recoverer: its back-off never ends, and the listeners dead-letter themselves.
        var handler = new DefaultErrorHandler(backOff);
        // Every exception is retried. By default a few types (ClassCastException among them) are
        // "not retryable", and this handler "recovers" a batch that failed with one by logging and
        // committing all of it: records never stored would be skipped.
        handler.setClassifications(Map.of(), true);
        // An outage is expected and handled (OutageLog says so); not an application error.
        handler.setLogLevel(KafkaException.Level.WARN);
        handler.setRetryListeners(new OutageLog());
        return handler;
    }

    /** Says clearly, without flooding, that a batch cannot be stored and consumption is paused. */
    private static final class OutageLog implements RetryListener {

        @Override
        public void failedDelivery(ConsumerRecords<?, ?> records, Exception ex, int attempt) {
            if (attempt == 1 || attempt % 10 == 0) {
                log.warn("could not store a batch of {} records (attempt {}): consumption paused, retrying with back-off; "
                    + "nothing is committed or skipped until it is stored: {}", records.count(), attempt, rootMessage(ex));
            }
        }

        @Override
        public void failedDelivery(org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> record, Exception ex, int attempt) {
            // Single-record retries do not happen here: the listeners are batch listeners.
        }

        private static String rootMessage(Throwable t) {
            while (t.getCause() != null && t.getCause() != t) {
                t = t.getCause();
            }
            return t.getClass().getSimpleName() + ": " + t.getMessage();
        }
    }
}
