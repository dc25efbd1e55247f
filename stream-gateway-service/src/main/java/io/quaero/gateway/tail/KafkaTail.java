package io.quaero.gateway.tail;

import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;

/**
 * A live tail of one topic on one named platform thread: every partition assigned (not a group
 * member — every gateway instance must see every record its clients want), starting at the end
 * (history comes from Postgres and the bridge), each record handed to {@link #dispatch}.
 *
 * <p>The handover to new subscribers is exact: before dispatching a record the tail publishes its
 * offset and fences; a subscriber registers, fences, then reads {@link #dispatchedUpTo}. Either the
 * dispatch saw the subscriber (the record comes live) or the subscriber sees the offset (it
 * bridges the record from Kafka); a record seen both ways is dropped by offset. Subclasses must
 * fence after registering (see {@link #fenceAfterSubscribing()}).
 */
public abstract class KafkaTail implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KafkaTail.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private final KafkaProperties kafka;
    private final String topic;
    private final String name;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile boolean tailing;
    private volatile AtomicLongArray dispatched = new AtomicLongArray(0);
    private Thread thread;

    protected KafkaTail(KafkaProperties kafka, String topic, String name) {
        this.kafka = kafka;
        this.topic = topic;
        this.name = name;
    }

    /** Hands one record to whoever watches it; runs on the tail thread, must never block. */
    protected abstract void dispatch(ConsumerRecord<String, byte[]> record);

    /** Ends every subscription for shutdown, before the tail stops. */
    protected abstract void endSubscriptions();

    protected static void fenceAfterSubscribing() {
        VarHandle.fullFence();
    }

    /**
     * The offset up to which this tail may already have passed a partition's records by: a
     * subscriber that registered before asking gets every later record live and must read those
     * up to here (and after what is stored) from Kafka. -1 when nothing was passed.
     */
    public long dispatchedUpTo(int partition) {
        var d = dispatched;
        return partition < d.length() ? d.get(partition) : -1;
    }

    /** The partitions of the topic, or 0 before the tail is positioned. */
    public int partitionCount() {
        return dispatched.length();
    }

    /** True once every partition is assigned and positioned: from then on no record is missed. */
    public boolean isTailing() {
        return tailing;
    }

    @Override
    public synchronized void start() {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, name.replace(' ', '-'));
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = Thread.ofPlatform().name(name).start(this::run);
    }

    @Override
    public void stop() {
        endSubscriptions();
        running = false;
        var c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            if (thread != null) {
                thread.join(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        try (var c = consumer) {
            assignAllPartitions(c);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : c.poll(POLL_TIMEOUT)) {
                    dispatched.set(record.partition(), record.offset());
                    VarHandle.fullFence();
                    dispatch(record);
                }
            }
        } catch (WakeupException e) {
            // stop() asked us to leave poll(): normal shutdown.
        } catch (RuntimeException e) {
            tailing = false;
            log.error("{} stopped: streams on this instance get no new records of {}", name, topic, e);
        }
    }

    /** Waits for the topic (ingest creates it) and takes all of its partitions from their end. */
    private void assignAllPartitions(KafkaConsumer<String, byte[]> c) {
        while (running) {
            var infos = c.partitionsFor(topic, Duration.ofSeconds(5));
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                c.assign(partitions);
                c.seekToEnd(partitions);
                // Resolve the end positions now, so records produced from here on are all seen;
                // everything before them is history (database, or the bridge from Kafka).
                var positions = new AtomicLongArray(partitions.size());
                partitions.forEach(tp -> positions.set(tp.partition(), c.position(tp) - 1));
                dispatched = positions;
                tailing = true;
                log.info("{}: tailing {} partitions of {}", name, partitions.size(), topic);
                return;
            }
            log.info("{}: waiting for topic {} to exist", name, topic);
        }
    }
}
