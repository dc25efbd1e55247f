package io.quaero.contracts.publish;

import io.quaero.contracts.Topics;
import io.quaero.contracts.event.DispatchCommand;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.JobEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * The one way Java code publishes job events and dispatch commands: the right topic, the job id as
 * key (so a job's events share a partition and stay in order) and the v1 JSON encoding.
 * Thread-safe; share one per process, as with the {@link KafkaProducer} it wraps.
 *
 * <p>The producer is idempotent with {@code acks=all}: a retry after a lost acknowledgement never
 * writes a record twice or out of order, and an acknowledged record is on every in-sync replica.
 * Ingest still de-duplicates by event id, for producers that restart and resend.
 */
public final class QuaeroProducer implements AutoCloseable {

    private final Producer<String, byte[]> producer;
    private final EventCodec codec = new EventCodec();

    /** Wraps a producer built with {@link #settings(String, Map)} (or equivalent ones). */
    public QuaeroProducer(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    /** A producer to {@code bootstrapServers} with the {@link #settings(String, Map) settings} below. */
    public static QuaeroProducer connect(String bootstrapServers, Map<String, Object> overrides) {
        return connect(settings(bootstrapServers, overrides));
    }

    /** A producer with these settings: {@link #settings(String, Map)} or {@link #settingsOver(Map)}. */
    public static QuaeroProducer connect(Map<String, Object> settings) {
        return new QuaeroProducer(new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer()));
    }

    /**
     * The settings every producer of Quaero events uses, then {@code overrides}. {@code
     * max.block.ms} is 10 s rather than Kafka's 60 s: a caller (a REST request, a worker step)
     * learns that the broker is unreachable while it can still answer sensibly.
     */
    public static Map<String, Object> settings(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> settings = settingsOver(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        settings.putAll(overrides);
        return settings;
    }

    /**
     * The settings every producer of Quaero events uses, over {@code clientProperties}: where the
     * cluster is and how to log in ({@code bootstrap.servers}, {@code security.protocol},
     * {@code sasl.*}, {@code ssl.*}, e.g. Spring Boot's {@code KafkaProperties.buildProducerProperties()}).
     * The delivery settings below always win, so no client setting can weaken them.
     */
    public static Map<String, Object> settingsOver(Map<String, Object> clientProperties) {
        Map<String, Object> settings = new HashMap<>(clientProperties);
        // Never in a transaction: a transactional id would make every send fail.
        settings.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A few ms of batching turns a chatty job's lines into few requests.
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Duration.ofSeconds(10).toMillis());
        // A record not acknowledged within 30 s fails (Kafka's default is 2 min); must cover
        // linger.ms + request.timeout.ms.
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(15).toMillis());
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(30).toMillis());
        return settings;
    }

    /**
     * Publishes a log line or status change to {@link Topics#JOB_EVENTS}, keyed by its job, to
     * the partition the producer's partitioner picks: right for a worker, whatever its client
     * (the job's partition is wherever its first event lands). The returned metadata says where.
     */
    public CompletableFuture<RecordMetadata> publish(JobEvent event) {
        return send(Topics.JOB_EVENTS, null, Topics.jobKey(event.jobId()), codec.encode(event));
    }

    /**
     * Publishes a job event to the job's recorded {@code partition} of {@link Topics#JOB_EVENTS}
     * (job-service does, for every event after a job's first), or like {@link #publish(JobEvent)}
     * when {@code partition} is null (none recorded yet).
     */
    public CompletableFuture<RecordMetadata> publish(JobEvent event, @Nullable Integer partition) {
        return send(Topics.JOB_EVENTS, partition, Topics.jobKey(event.jobId()), codec.encode(event));
    }

    /** Publishes a command to {@link Topics#JOB_DISPATCH}, keyed by its job. */
    public CompletableFuture<RecordMetadata> publish(DispatchCommand command) {
        return send(Topics.JOB_DISPATCH, null, Topics.jobKey(command.jobId()), codec.encode(command));
    }

    /** Sends everything buffered and waits for the acknowledgements. */
    public void flush() {
        producer.flush();
    }

    private CompletableFuture<RecordMetadata> send(String topic, @Nullable Integer partition, String key, byte[] value) {
        var result = new CompletableFuture<RecordMetadata>();
        try {
            producer.send(new ProducerRecord<>(topic, partition, key, value), (metadata, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            // send() itself throws when it cannot even buffer (no metadata within max.block.ms).
            result.completeExceptionally(e);
        }
        return result;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
