package io.quaero.gateway.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.ForwardedHeader;
import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.Disconnect;
import io.quaero.gateway.config.StreamProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * Reads events straight from a Kafka partition, for the window between what the database holds
 * and what a live tail hands over: after a restart of ingest, or whenever Postgres lags behind
 * Kafka. Exact resume must not depend on ingest having caught up.
 *
 * <p>Implementation notes. A bridge is a seek and a short scan of one partition, filtered by key
 * (the value of other jobs' records is never decoded). At most {@value #CONCURRENT_BRIDGES} run at
 * once on reusable consumers (not in a group); a connection that cannot get one within
 * {@value #PERMIT_WAIT_MS} ms is told to reset and retry rather than queue without bound. A window
 * longer than {@code max-bridge-scan} records, or one that starts before the partition's log
 * start (Kafka already deleted it), cannot be bridged exactly and says so.
 */
@Component
public class KafkaBridge implements DisposableBean {

    /** Bridges running at once; each holds one consumer and its fetch buffers (~1 MB). */
    static final int CONCURRENT_BRIDGES = 4;
    /** How long a connection waits for a free bridge. */
    static final long PERMIT_WAIT_MS = 5_000;
    /** How long one bridge may take to read its window. */
    static final Duration READ_DEADLINE = Duration.ofSeconds(15);

    /** What a bridge brought back: the events in order, or why the window cannot be bridged. */
    public record Result<T>(List<T> events, @Nullable Disconnect resetReason) {
        public static <T> Result<T> reset(Disconnect reason) {
            return new Result<>(List.of(), reason);
        }
    }

    private final KafkaProperties kafka;
    private final int maxScan;
    private final LiveRules rules;
    private final Semaphore permits = new Semaphore(CONCURRENT_BRIDGES);
    private final BlockingQueue<KafkaConsumer<String, byte[]>> idle = new ArrayBlockingQueue<>(CONCURRENT_BRIDGES);

    KafkaBridge(KafkaProperties kafka, StreamProperties props, LiveRules rules) {
        this.kafka = kafka;
        this.rules = rules;
        this.maxScan = props.maxBridgeScan();
    }

    /** The job's events at offsets {@code from..to} (inclusive) of {@code partition}, oldest first. */
    public Result<Delivery> read(String key, int partition, long from, long to) throws InterruptedException {
        return read(Topics.JOB_EVENTS, partition, key, from, to,
            r -> new Delivery(rules.jobEvent(r.key(), r.value()), new Cursor(partition, r.offset()), r.timestamp(),
                ForwardedHeader.from(r.headers()) != null));
    }

    /**
     * The records at offsets {@code from..to} (inclusive) of one partition, with the given key (or
     * any key when null), decoded by {@code decode}; records that do not decode are skipped, as
     * the live tails skip them (ingest dead-letters them).
     */
    public <T> Result<T> read(String topic, int partition, String key, long from, long to,
                              Function<ConsumerRecord<String, byte[]>, T> decode) throws InterruptedException {
        if (to == Channels.NOT_TAILED) {
            // "Up to where the tail was" in a partition it did not read: there is no such point,
            // and an empty window would silently skip what the client needs. Callers check first.
            return Result.reset(Disconnect.BUSY);
        }
        if (from > to) {
            return new Result<>(List.of(), null);
        }
        if (to - from + 1 > maxScan) {
            return Result.reset(Disconnect.TOO_FAR_BEHIND);
        }
        if (!permits.tryAcquire(PERMIT_WAIT_MS, TimeUnit.MILLISECONDS)) {
            return Result.reset(Disconnect.BUSY);
        }
        KafkaConsumer<String, byte[]> consumer = idle.poll();
        try {
            if (consumer == null) {
                consumer = newConsumer();
            }
            var tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            long logStart = consumer.beginningOffsets(List.of(tp)).get(tp);
            if (logStart > from) {
                return Result.reset(Disconnect.CURSOR_EXPIRED);
            }
            consumer.seek(tp, from);
            List<T> events = new ArrayList<>();
            long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
            while (consumer.position(tp) <= to) {
                if (System.nanoTime() > deadline) {
                    return Result.reset(Disconnect.BUSY);
                }
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() > to || (key != null && !key.equals(record.key())) || record.value() == null) {
                        continue;
                    }
                    try {
                        events.add(decode.apply(record));
                    } catch (RuntimeException poison) {
                        // Skipped here as in the live tails (any failure, not only the codec's
                        // typed one: one record must never fail a whole resume); ingest
                        // dead-letters it.
                    }
                }
            }
            return new Result<>(events, null);
        } finally {
            if (consumer != null) {
                consumer.unsubscribe();
                if (!idle.offer(consumer)) {
                    consumer.close(Duration.ofSeconds(1));
                }
            }
            permits.release();
        }
    }

    /** The partition's next offset: a cursor at or beyond it does not belong to this log. */
    public long endOffset(int partition) throws InterruptedException {
        if (!permits.tryAcquire(PERMIT_WAIT_MS, TimeUnit.MILLISECONDS)) {
            return Long.MAX_VALUE;
        }
        KafkaConsumer<String, byte[]> consumer = idle.poll();
        try {
            if (consumer == null) {
                consumer = newConsumer();
            }
            var tp = new TopicPartition(Topics.JOB_EVENTS, partition);
            return consumer.endOffsets(List.of(tp)).get(tp);
        } finally {
            if (consumer != null && !idle.offer(consumer)) {
                consumer.close(Duration.ofSeconds(1));
            }
            permits.release();
        }
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "gateway-bridge");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void destroy() {
        KafkaConsumer<String, byte[]> c;
        while ((c = idle.poll()) != null) {
            c.close(Duration.ofSeconds(1));
        }
    }
}
