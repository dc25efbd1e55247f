package io.quaero.gateway.tail;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLongArray;
import java.lang.invoke.VarHandle;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.InvalidEventException;
import io.quaero.contracts.event.JobEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The live tail of {@link Topics#JOB_EVENTS} for this gateway instance.
 *
 * <p>Implementation notes. Every instance must see every event of the jobs its clients watch, and
 * a browser may land on any instance, so the tail is not a consumer-group member: it assigns
 * itself all partitions and starts at their end (history comes from Postgres). For each record it
 * looks the key up in {@link Viewers} first and skips the value of jobs nobody here watches, so
 * the cost of an unwatched job is a map lookup, not a JSON decode. A decoded event is offered to
 * each watching connection's bounded queue; the tail never waits for a connection. A value that
 * does not decode is skipped here (ingest sends it to the dead-letter topic).
 */
@Component
public class JobEventTail implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobEventTail.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private final KafkaProperties kafka;
    private final Viewers viewers;
    private final EventCodec codec = new EventCodec();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile boolean tailing;
    private Thread thread;
    /**
     * Per partition, the offset of the record being dispatched (or last dispatched). Written
     * before the viewers are looked up, read by a connection after it subscribed: see
     * {@link #dispatchedUpTo}.
     */
    private volatile AtomicLongArray dispatched = new AtomicLongArray(0);

    JobEventTail(KafkaProperties kafka, Viewers viewers) {
        this.kafka = kafka;
        this.viewers = viewers;
    }

    @Override
    public synchronized void start() {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "gateway-tail");
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = Thread.ofPlatform().name("gateway job-events tail").start(this::run);
    }

    @Override
    public void stop() {
        viewers.closeAll();
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

    /**
     * The offset up to which this tail may already have passed a partition's records by, so a
     * connection that subscribed before calling this gets every later record live and must read
     * the records up to here (and after what is stored) from Kafka itself.
     *
     * <p>Why it is exact: the tail writes the offset, fences, then looks up the viewers; the
     * connection registers, fences, then reads the offset. Either the tail saw the registration
     * (the record comes live) or the connection sees the record's offset here (it is bridged);
     * a record seen both ways is dropped by cursor.
     */
    public long dispatchedUpTo(int partition) {
        var d = dispatched;
        return partition < d.length() ? d.get(partition) : -1;
    }

    /**
     * The partition Kafka's default partitioner (murmur2 of the key, as every Java producer uses)
     * puts a job in: the best guess for a job none of whose events is stored yet. Producers with
     * another partitioner still keep a job's order; only this guess would be wrong.
     */
    public int partitionFor(String key) {
        int n = partitionCount();
        return n == 0 ? 0 : Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % n;
    }

    /** The partitions of the topic, or 0 before the tail is positioned. */
    public int partitionCount() {
        return dispatched.length();
    }

    /** True once every partition is assigned and positioned: from then on no event is missed. */
    public boolean isTailing() {
        return tailing;
    }

    private void run() {
        try (var c = consumer) {
            assignAllPartitions(c);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : c.poll(POLL_TIMEOUT)) {
                    dispatch(record);
                }
            }
        } catch (WakeupException e) {
            // stop() asked us to leave poll(): normal shutdown.
        } catch (RuntimeException e) {
            tailing = false;
            log.error("job-events tail stopped: live streams on this instance get no new events", e);
        }
    }

    private void dispatch(ConsumerRecord<String, byte[]> record) {
        dispatched.set(record.partition(), record.offset());
        VarHandle.fullFence();
        Set<Subscriber<Delivery>> watching = viewers.watching(record.key());
        if (watching == null || watching.isEmpty() || record.value() == null) {
            return;
        }
        JobEvent event;
        try {
            event = codec.decodeJobEvent(record.value());
        } catch (InvalidEventException e) {
            log.debug("skipping undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        var delivery = new Delivery(event, new Cursor(record.partition(), record.offset()));
        for (Subscriber<Delivery> s : watching) {
            s.offer(delivery);
        }
    }

    /** Waits for the topic (ingest creates it) and takes all of its partitions from their end. */
    private void assignAllPartitions(KafkaConsumer<String, byte[]> c) {
        while (running) {
            var infos = c.partitionsFor(Topics.JOB_EVENTS, Duration.ofSeconds(5));
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                c.assign(partitions);
                c.seekToEnd(partitions);
                // Resolve the end positions now, so events produced from here on are all seen;
                // everything before them is history (database, or the bridge from Kafka).
                var positions = new AtomicLongArray(partitions.size());
                partitions.forEach(tp -> positions.set(tp.partition(), c.position(tp) - 1));
                dispatched = positions;
                tailing = true;
                log.info("tailing {} partitions of {}", partitions.size(), Topics.JOB_EVENTS);
                return;
            }
            log.info("waiting for topic {} to exist", Topics.JOB_EVENTS);
        }
    }
}
