package io.quaero.gateway.hub;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.quaero.contracts.sse.Disconnect;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * The channels fed by one tailed topic, where its tail is, and the one lock that orders both —
 * the history-to-live hand-over as Mercure's {@code localsubscriber.go} does it. The tail moves its
 * position and hands a record to the channels under the lock; a connection registers and reads
 * the position under the same lock. So every record after the position it read reaches it live,
 * and every record up to it is history (the database, or the bridge from Kafka); a record that
 * comes both ways is dropped by offset.
 *
 * <p>The lock is held for one poll's dispatch (offers to bounded queues, which never wait) or one
 * registration: neither side waits long for the other.
 */
public final class Channels {

    /** Channels by Kafka record key (a job's), made on first subscription, gone with the last. */
    private final Map<String, Channel> byKey = new HashMap<>();
    /** The channel of connections that want every record (the jobs feed, the service logs). */
    private final Channel all;
    private final Channel.Limits limits;
    /** Per partition, the offset up to which records were handed out (-1: none). */
    private long[] dispatched = new long[0];
    /** After a shutdown every new subscription is ended at once, until the tail starts again. */
    private boolean closed;

    Channels(Channel.Limits limits) {
        this.limits = limits;
        this.all = new Channel(null, limits);
    }

    /** For a tail whose records feed no channel (nobody subscribes to it): only its position is kept. */
    static Channels none() {
        return new Channels(new Channel.Limits(1, 1, () -> { }));
    }

    /**
     * Registers {@code subscriber} on the channel of {@code key} (made with a ring from
     * {@code newRing} if nobody watches it yet), or on the all-records channel when {@code key} is null.
     *
     * @return the channel, and the tail's position per partition at that instant (empty before it
     *         was first positioned; while it is down after a failure, the subscription is ended when
     *         it is back)
     */
    synchronized Registration register(@Nullable String key, Subscriber subscriber, Supplier<Ring> newRing) {
        Channel channel = key == null ? all : byKey.computeIfAbsent(key, k -> new Channel(newRing.get(), limits));
        channel.add(subscriber);
        if (closed) {
            subscriber.end(Disconnect.SHUTDOWN);
        }
        return new Registration(channel, dispatched.clone());
    }

    /** A subscriber's place: its channel, and where the tail was when it registered. */
    record Registration(Channel channel, long[] liveFrom) {
    }

    synchronized void unregister(@Nullable String key, Subscriber subscriber) {
        if (key == null) {
            all.remove(subscriber);
        } else {
            Channel c = byKey.get(key);
            if (c != null && c.remove(subscriber)) {
                byKey.remove(key);
            }
        }
    }

    /** The channel of {@code key}, or null when nobody here watches it. */
    synchronized @Nullable Channel channel(@Nullable String key) {
        return key == null ? null : byKey.get(key);
    }

    /** True while someone watches the all-records channel (asked under the lock, by the tail's dispatch). */
    boolean anyWatchingAll() {
        return !all.isEmpty();
    }

    Channel all() {
        return all;
    }

    /** The batch tick: every channel hands out what it gathered since the last one. */
    synchronized void tick() {
        all.seal();
        byKey.values().forEach(Channel::seal);
    }

    /** Called by the tail: moves its position to each record and hands it out, under the lock. */
    synchronized void dispatch(Iterable<ConsumerRecord<String, byte[]>> records, Consumer<ConsumerRecord<String, byte[]>> handOut) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.partition() < dispatched.length) {
                dispatched[record.partition()] = record.offset();
            }
            handOut.accept(record);
        }
    }

    /**
     * The tail is (again) positioned: {@code positions} per partition. After a restart every
     * subscription made before may have missed records while the tail was down; it is ended with
     * {@link Disconnect#TAIL_RESTARTED} (its client resumes exactly) in the same step, so one made
     * after reads the new positions.
     */
    synchronized void positioned(long[] positions, boolean afterRestart) {
        dispatched = positions.clone();
        if (afterRestart) {
            endAll(Disconnect.TAIL_RESTARTED);
        }
    }

    /** Partitions were added to the topic: the new ones start from their beginning (-1). */
    synchronized void grow(int partitions) {
        int known = dispatched.length;
        if (partitions > known) {
            dispatched = Arrays.copyOf(dispatched, partitions);
            Arrays.fill(dispatched, known, partitions, -1);
        }
    }

    /** Up to which offset of {@code partition} the tail handed records out (-1: none, or unknown partition). */
    public synchronized long dispatchedUpTo(int partition) {
        return partition < dispatched.length ? dispatched[partition] : -1;
    }

    public synchronized int partitionCount() {
        return dispatched.length;
    }

    /** Accepts subscriptions (again, after a shutdown that was followed by a start). */
    synchronized void open() {
        closed = false;
    }

    /** Ends every subscription with {@code reason}; after {@link Disconnect#SHUTDOWN}, every later one too (until {@link #open}). */
    synchronized void endAll(Disconnect reason) {
        if (reason == Disconnect.SHUTDOWN) {
            closed = true;
        }
        all.endAll(reason);
        byKey.values().forEach(c -> c.endAll(reason));
    }
}
