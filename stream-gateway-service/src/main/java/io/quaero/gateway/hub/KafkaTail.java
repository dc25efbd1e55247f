package io.quaero.gateway.hub;

import io.quaero.contracts.sse.Disconnect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;

/**
 * A live tail of one topic on one named platform thread: partitions assigned, not a group member
 * (every gateway instance must see every record its clients want), each taken at its end (history
 * comes from Postgres and the bridge), each record handed to {@link #dispatch}.
 *
 * <p>Which partitions. At (re)start, every one. Then, when its {@link Channels} are on demand
 * (the job events), only those a registration needs: a registration that needs one the tail does
 * not read wakes it ({@link KafkaConsumer#wakeup}: here "take what is needed", not "stop", which
 * {@code running} tells apart), and the loop takes it at its end and publishes that position
 * before its next poll; a partition nobody has needed for the release delay is let go (looked for
 * at most once a second, from the poll loop: no timer of its own). Without demand
 * (the job status, the service logs, the dead letters: small topics) every partition stays read.
 *
 * <p>The hand-over to new subscribers is exact: the tail moves its position and dispatches each
 * record under its {@link Channels}' lock, under which a subscriber also registers and reads the
 * position. Either the dispatch saw the subscriber (the record comes live) or the subscriber saw
 * the position (it bridges the record from Kafka); a record seen both ways is dropped by offset.
 *
 * <p>The tail never dies on data and never stays dead. A record whose dispatch throws an exception
 * is skipped and counted ({@link #skippedCount()}); ingest dead-letters what cannot be decoded. If
 * the consumer itself fails (an unexpected client error), or anything else escapes (an error in a
 * dispatch), the tail reports not tailing (health DOWN), waits with growing back-off, and starts
 * again from the end of every partition. Records passed by in between are not lost to anyone:
 * as the new positions are published, every subscription made before is ended with
 * {@link Disconnect#TAIL_RESTARTED}, so its client resumes from its cursor through history and
 * the bridge; a subscription made after reads the new positions.
 */
public abstract class KafkaTail implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KafkaTail.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** First and longest pause before the tail starts again after a failure. */
    private static final Duration FIRST_RESTART_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(30);
    /** Pause between two looks for a topic that does not exist yet. */
    private static final Duration TOPIC_WAIT = Duration.ofMillis(500);
    /** How long closing the consumer may wait for the broker. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);
    /**
     * How often the tail looks for partitions added to its topic (the consumer's metadata is
     * refreshed as often): a job whose first event lands in a new partition is seen live after at
     * most this long; a viewer who connected before is reset and reconnects.
     */
    static final Duration PARTITION_CHECK = Duration.ofSeconds(30);
    /** How often, at most, the loop looks for partitions nobody needs any more. */
    private static final long IDLE_CHECK_NANOS = Duration.ofSeconds(1).toNanos();
    /** The consumer's total of record bytes fetched (Kafka's fetch-manager metric). */
    private static final String BYTES_CONSUMED = "bytes-consumed-total";
    /** Skipped records logged at WARN at most once per this interval, so bad input cannot flood the log. */
    private static final long SKIP_LOG_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

    private final KafkaProperties kafka;
    private final String topic;
    private final String name;
    private final LongAdder skipped = new LongAdder();
    private final LongAdder restarts = new LongAdder();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile boolean tailing;
    /** True while the loop polls: only then may a registration wake the consumer. */
    private volatile boolean following;
    /** Bytes fetched by consumers closed before, and the current consumer's counter (one reference: read at once). */
    private volatile BytesRead bytesRead = new BytesRead(0, null);
    private final Channels channels;
    private long lastSkipLogNanos = System.nanoTime() - SKIP_LOG_INTERVAL_NANOS;
    private Thread thread;

    private final Duration partitionCheck;

    protected KafkaTail(KafkaProperties kafka, String topic, String name, Channels channels) {
        this(kafka, topic, name, channels, PARTITION_CHECK);
    }

    /**
     * @param channels       what the tail feeds, and the lock it dispatches under
     * @param partitionCheck how often to look for partitions added to the topic
     */
    protected KafkaTail(KafkaProperties kafka, String topic, String name, Channels channels, Duration partitionCheck) {
        this.kafka = kafka;
        this.channels = channels;
        this.topic = topic;
        this.name = name;
        this.partitionCheck = partitionCheck;
    }

    /**
     * Hands one record to whoever watches it; runs on the tail thread, must never block. May
     * throw: the record is then skipped and counted.
     */
    protected abstract void dispatch(ConsumerRecord<String, byte[]> record);

    /** The topic this tail reads. */
    public String topic() {
        return topic;
    }

    /**
     * The offset up to which this tail may already have passed a partition's records by: a
     * subscriber that registered before asking gets every later record live and must read those
     * up to here (and after what is stored) from Kafka. -1 when nothing was passed;
     * {@link Channels#NOT_TAILED} when this tail does not read the partition.
     */
    public long dispatchedUpTo(int partition) {
        return channels.dispatchedUpTo(partition);
    }

    /** The partitions of the topic, or 0 before the tail is positioned. */
    public int partitionCount() {
        return channels.partitionCount();
    }

    /**
     * True once positioned, until a failure: meanwhile no record of a partition it reads is missed
     * (on demand, see {@link #assignOverdue} for partitions needed but not read yet).
     */
    public boolean isTailing() {
        return tailing;
    }

    /** The partitions this tail reads now. */
    public List<Integer> tailedPartitions() {
        return channels.tailedPartitions();
    }

    /** True when a stream has waited longer than the assign timeout for a partition this tail still does not read. */
    public boolean assignOverdue() {
        return channels.assignOverdue();
    }

    /** Record bytes this tail fetched from the brokers since it started (Kafka's {@value #BYTES_CONSUMED}). */
    public double bytesRead() {
        return bytesRead.total();
    }

    /** Bytes of closed consumers plus the current consumer's own counter (read on any thread: a metric is). */
    private record BytesRead(double ofClosed, @Nullable Metric current) {
        double total() {
            return ofClosed + (current == null ? 0 : ((Number) current.metricValue()).doubleValue());
        }
    }

    /** Records skipped because their dispatch failed (undecodable or against the rules) since start. */
    public long skippedCount() {
        return skipped.sum();
    }

    /** Times the consumer failed and the tail started again. */
    public long restartCount() {
        return restarts.sum();
    }

    /** Counts a record passed over on purpose (e.g. one the rules reject), logging it without flooding. */
    protected void skip(ConsumerRecord<String, byte[]> record, String reason) {
        skipped.increment();
        long now = System.nanoTime();
        if (now - lastSkipLogNanos >= SKIP_LOG_INTERVAL_NANOS) {
            lastSkipLogNanos = now;
            log.warn("{}: skipped record {}-{}@{} ({} skipped so far; ingest dead-letters such records): {}",
                name, record.topic(), record.partition(), record.offset(), skipped.sum(), reason);
        }
    }

    @Override
    public synchronized void start() {
        // A stopped context can be started again (Spring pauses cached test contexts).
        channels.open();
        running = true;
        thread = Thread.ofPlatform().name(name).start(this::run);
        channels.onNeed(this::wake);
    }

    /** A registration needs a partition not read yet: leave poll (or the idle wait) and take it. */
    private void wake() {
        var c = consumer;
        if (following && c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void stop() {
        channels.endAll(Disconnect.SHUTDOWN);
        running = false;
        var c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            // Wakes a restart back-off too (not an interrupt: that would fail the consumer's close).
            LockSupport.unpark(t);
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        Duration delay = FIRST_RESTART_DELAY;
        boolean afterFailure = false;
        while (running) {
            KafkaConsumer<String, byte[]> c = null;
            try {
                c = newConsumer();
                consumer = c;
                bytesRead = new BytesRead(bytesRead.ofClosed(), bytesMetric(c));
                if (!running) {
                    return;
                }
                assignAllPartitions(c, afterFailure);
                delay = FIRST_RESTART_DELAY;
                follow(c);
            } catch (WakeupException e) {
                // stop() asked us to leave poll(): normal shutdown. (While running, only a
                // registration's wake-up that met the positioning above: start that again.)
                tailing = false;
            } catch (RuntimeException | Error e) {
                tailing = false;
                if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                    // Out of memory or a broken JVM: nothing to restart into. Health says DOWN.
                    log.error("{} stopped: streams on this instance get no new records of {}", name, topic, e);
                    throw e;
                }
                afterFailure = true;
                restarts.increment();
                log.error("{} failed; starting again in {} (streams on this instance get no new records of {} "
                    + "until then, and resume exactly after)", name, delay, topic, e);
                pause(delay);
                delay = delay.multipliedBy(2).compareTo(MAX_RESTART_DELAY) > 0 ? MAX_RESTART_DELAY : delay.multipliedBy(2);
            } finally {
                following = false;
                if (c != null) {
                    // Counted before closing: the bytes total must never go down.
                    bytesRead = new BytesRead(bytesRead.total(), null);
                    // A tail commits nothing and is in no group: nothing is lost by not waiting
                    // long (the default waits up to 30 s for a broker that may be gone).
                    try {
                        c.close(CloseOptions.timeout(CLOSE_TIMEOUT));
                    } catch (RuntimeException e) {
                        log.debug("{}: closing its consumer failed: {}", name, e.toString());
                    }
                }
            }
        }
    }

    /**
     * The poll loop: new partitions of the topic, partitions let go of and taken as needed, then
     * one poll and its dispatch. Every step that changes what is read runs before the poll, so no
     * record of a partition is handed out before its position is published.
     */
    private void follow(KafkaConsumer<String, byte[]> c) {
        long nextPartitionCheck = System.nanoTime() + partitionCheck.toNanos();
        long nextIdleCheck = System.nanoTime() + IDLE_CHECK_NANOS;
        following = true;
        while (running) {
            try {
                if (System.nanoTime() > nextPartitionCheck) {
                    takeNewPartitions(c);
                    nextPartitionCheck = System.nanoTime() + partitionCheck.toNanos();
                }
                if (System.nanoTime() > nextIdleCheck) {
                    releaseIdle(c);
                    nextIdleCheck = System.nanoTime() + IDLE_CHECK_NANOS;
                }
                takeNeeded(c);
                if (c.assignment().isEmpty()) {
                    // Nothing to read (and poll() refuses an empty assignment): wait as long as a
                    // poll would, or until a registration needs a partition.
                    LockSupport.parkNanos(this, POLL_TIMEOUT.toNanos());
                    continue;
                }
                var records = c.poll(POLL_TIMEOUT);
                if (!records.isEmpty()) {
                    channels.dispatch(records, this::dispatchOrSkip);
                }
            } catch (WakeupException e) {
                if (!running) {
                    throw e;
                }
                // A registration needs a partition: taken at the top of the loop. One cut short
                // while being positioned is not read meanwhile (its position is not published).
                c.assign(topicPartitions(channels.tailedPartitions()));
            }
        }
    }

    /** Takes the partitions registrations need and this tail does not read, at their end. */
    private void takeNeeded(KafkaConsumer<String, byte[]> c) {
        List<Integer> needed = channels.untailedNeeds();
        if (needed.isEmpty()) {
            return;
        }
        List<TopicPartition> added = topicPartitions(needed);
        var all = new ArrayList<>(topicPartitions(channels.tailedPartitions()));
        all.addAll(added);
        c.assign(all);
        c.seekToEnd(added);
        // Resolved now, so every record produced from here on is read: what came before is history.
        Map<Integer, Long> positions = new HashMap<>();
        for (TopicPartition tp : added) {
            positions.put(tp.partition(), c.position(tp) - 1);
        }
        channels.taken(positions);
        log.debug("{}: now reading partitions {} of {} for the streams that need them", name, needed, topic);
    }

    /** Lets go of the partitions nobody has needed for the release delay. */
    private void releaseIdle(KafkaConsumer<String, byte[]> c) {
        List<Integer> released = channels.release(System.nanoTime());
        if (!released.isEmpty()) {
            c.assign(topicPartitions(channels.tailedPartitions()));
            log.debug("{}: no longer reading partitions {} of {}: nobody here needs them", name, released, topic);
        }
    }

    private List<TopicPartition> topicPartitions(List<Integer> partitions) {
        return partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
    }

    /** The consumer's bytes-fetched counter (the client-wide one, not a per-topic one), if it has one. */
    private static @Nullable Metric bytesMetric(KafkaConsumer<String, byte[]> c) {
        return c.metrics().entrySet().stream()
            .filter(e -> e.getKey().name().equals(BYTES_CONSUMED) && !e.getKey().tags().containsKey("topic"))
            .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private void dispatchOrSkip(ConsumerRecord<String, byte[]> record) {
        try {
            dispatch(record);
        } catch (RuntimeException e) {
            skip(record, e.toString());
        }
    }

    /** Waits before a restart; stop() cuts it short (the loop then ends, since running is false). */
    private void pause(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        for (long left = delay.toNanos(); running && left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(this, left);
        }
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Every position is set on purpose (seekToEnd, seekToBeginning). A position the broker no
        // longer has (log truncated after an unclean failover, segments deleted) must fail the
        // consumer, so the tail restarts and its streams resume exactly, instead of jumping to
        // the end in silence ("latest", the default) and leaving a hole in every live stream.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, name.replace(' ', '-'));
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) partitionCheck.toMillis());
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Partitions added to the topic since it was assigned are taken from their beginning: all they
     * hold is newer than the tail's start (and than every registration made before). On demand,
     * only those needed now; the others when a registration needs them, from their end, as any.
     * Positions are published before the first record of a new partition is dispatched, as for
     * the others.
     */
    private void takeNewPartitions(KafkaConsumer<String, byte[]> c) {
        // The consumer refreshes its cached metadata only while it polls: with nothing assigned
        // (on demand, nobody watching) it would never see the topic grow, so ask the broker.
        var infos = c.assignment().isEmpty() ? c.listTopics(Duration.ofSeconds(5)).get(topic)
            : c.partitionsFor(topic, Duration.ofSeconds(5));
        int known = channels.partitionCount();
        if (infos == null || infos.size() <= known) {
            return;
        }
        List<TopicPartition> added = topicPartitions(channels.grow(infos.size()));
        c.assign(topicPartitions(channels.tailedPartitions()));
        c.seekToBeginning(added);
        log.info("{}: {} now has {} partitions; tailing {} new ones from their beginning", name, topic, infos.size(),
            added.size());
    }

    /** Waits for the topic (ingest creates it) and takes all of its partitions from their end. */
    private void assignAllPartitions(KafkaConsumer<String, byte[]> c, boolean afterRestart) {
        int waited = 0;
        while (running) {
            var infos = c.partitionsFor(topic, Duration.ofSeconds(5));
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                c.assign(partitions);
                c.seekToEnd(partitions);
                // Resolve the end positions now, so records produced from here on are all seen;
                // everything before them is history (database, or the bridge from Kafka).
                var positions = new long[partitions.size()];
                partitions.forEach(tp -> positions[tp.partition()] = c.position(tp) - 1);
                channels.positioned(positions, afterRestart);
                tailing = true;
                log.info("{}: tailing {} partitions of {}", name, partitions.size(), topic);
                return;
            }
            // partitionsFor answers at once for a topic that does not exist: wait before asking again.
            if (waited++ == 0) {
                log.info("{}: waiting for topic {} to exist", name, topic);
            }
            pause(TOPIC_WAIT);
        }
    }
}
