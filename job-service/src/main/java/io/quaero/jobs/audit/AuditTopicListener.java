package io.quaero.jobs.audit;

import java.util.Map;

import io.quaero.contracts.Topics;
import io.quaero.contracts.audit.AuditEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Stores the audit entries other services publish on {@link Topics#AUDIT} (the gateway's
 * downloads: the gateway does not write the database). Committed after the row: a crash in
 * between stores the entry again, which its id makes a no-op. A record that is not an entry is
 * logged and skipped (only the gateway may write the topic); a database outage is retried with
 * back-off, for as long as it lasts, so no entry is skipped.
 */
@Configuration(proxyBeanMethods = false)
public class AuditTopicListener {

    /** The consumer group that stores audit entries (one instance stores each). */
    public static final String GROUP = "job-service-audit";
    static final String FACTORY = "auditListenerFactory";

    private static final Logger log = LoggerFactory.getLogger(AuditTopicListener.class);

    private final AuditLog auditLog;

    AuditTopicListener(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    @KafkaListener(id = GROUP, topics = Topics.AUDIT, containerFactory = FACTORY)
    void onEntry(ConsumerRecord<String, byte[]> record) {
        AuditEntry entry;
        try {
            entry = AuditEntry.fromJson(record.value());
        } catch (IllegalArgumentException e) {
            log.warn("skipped {}-{}@{}: not an audit entry: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        auditLog.write(entry);
    }

    /** Static: the listener above needs it while this configuration is being made. */
    @Bean(FACTORY)
    static ConcurrentKafkaListenerContainerFactory<String, byte[]> auditListenerFactory(KafkaProperties kafka) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var factory = new ConcurrentKafkaListenerContainerFactory<String, byte[]>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(config, new StringDeserializer(), new ByteArrayDeserializer()));
        factory.getContainerProperties().setAckMode(AckMode.RECORD);
        var backOff = new ExponentialBackOff(500, 2.0);
        backOff.setMaxInterval(30_000);
        var errors = new DefaultErrorHandler(backOff);
        // Every failure here is the database's: retried, never skipped (spring-kafka's default
        // list of "not retryable" exceptions would commit such a record unstored).
        errors.setClassifications(Map.of(), true);
        errors.setLogLevel(KafkaException.Level.WARN);
        factory.setCommonErrorHandler(errors);
        return factory;
    }
}
