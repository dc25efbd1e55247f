package io.quaero.gateway.fetch;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.quaero.access.Actor;
import io.quaero.access.limits.Clients;
import io.quaero.contracts.Topics;
import io.quaero.contracts.audit.AuditAction;
import io.quaero.contracts.audit.AuditEntry;
import io.quaero.gateway.filter.LogFilter;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * Records each download in the audit log before a byte of it is sent. The gateway does not write
 * the database (its role reads only), so the entry goes to {@link Topics#AUDIT}, which job-service
 * stores; the download starts only once Kafka acknowledged it ({@code acks=all}). If Kafka does
 * not within {@link #ACK_TIMEOUT}, the download is refused (503): no download goes unrecorded.
 */
@Component
class DownloadAudit implements DisposableBean {

    static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);

    private final KafkaProducer<String, byte[]> producer;
    private final Clients clients;

    DownloadAudit(KafkaProperties kafka, Clients clients) {
        this.clients = clients;
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "gateway-audit");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) ACK_TIMEOUT.toMillis());
        // The wait below is what bounds a download's start; the producer gives up at the same time
        // (delivery.timeout.ms must cover request.timeout.ms and linger.ms).
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis());
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Records that the current caller downloads job {@code jobId}'s log with {@code filter}.
     *
     * @throws Unrecorded when Kafka did not take the entry in time
     */
    void downloading(UUID jobId, @Nullable String team, LogFilter filter) {
        Actor actor = Actor.current(clients);
        Map<String, Object> details = new LinkedHashMap<>();
        if (filter.stepId() != null) {
            details.put("step", filter.stepId());
        }
        if (filter.minLevel() != null) {
            details.put("level", filter.minLevel().wireName());
        }
        if (filter.query() != null) {
            details.put("q", filter.query());
        }
        AuditEntry entry = AuditEntry.of(AuditAction.LOGS_DOWNLOADED, actor.name(), actor.via(), jobId.toString(), jobId, team,
            actor.client(), details);
        try {
            producer.send(new ProducerRecord<>(Topics.AUDIT, entry.id().toString(), entry.toJson()))
                .get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new Unrecorded(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unrecorded(e);
        }
    }

    @Override
    public void destroy() {
        producer.close(Duration.ofSeconds(1));
    }

    /** The download could not be recorded, so it was not made. */
    static final class Unrecorded extends RuntimeException {

        Unrecorded(Throwable cause) {
            super("the download could not be recorded in the audit log (Kafka did not acknowledge: " + cause
                + "); nothing was sent, try again", cause);
        }
    }
}
