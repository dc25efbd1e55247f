package io.quaero.gateway.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import io.quaero.contracts.sse.Disconnect;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>On demand ({@link #onDemand}: the job events). The tail reads only the partitions this
 * instance's registrations need ({@link PartitionDemand}); a partition it does not read has the
 * position {@link #NOT_TAILED}, never -1 (which says "read, nothing handed out yet"). A
 * registration that needs such a partition counts its need, wakes the tail and waits on this lock
 * (bounded by the assign timeout; past it the subscriber is ended {@link Disconnect#BUSY} and its
 * client retries) until the tail has taken the partition, sought to its end and published that
 * position here; then it reads the positions as any registration does. The subscriber is in its
 * channel all along, so a record handed out while it waits reaches it live and, being at or below
 * the position it then reads, is also history: dropped by offset, as above. Keep that order (add
 * the subscriber, then wait, then read) if this changes. A partition nobody has needed for the
 * release delay is marked {@link #NOT_TAILED} here first, then the tail lets go of it; the rings
 * stop vouching for it, since they would miss what passes meanwhile.
 */
public final class Channels {

    private static final Logger log = LoggerFactory.getLogger(Channels.class);

    /**
     * The position of a partition the tail does not read: nothing of it was handed out and nothing
     * will be. Distinct from -1 (read, nothing handed out yet): a bridge to it would be empty, not
     * exact, so every reader of a position checks for it.
     */
    public static final long NOT_TAILED = Long.MIN_VALUE;

    /** Channels by Kafka record key (a job's), made on first subscription, gone with the last. */
    private final Map<String, Channel> byKey = new HashMap<>();
    /** The channel of connections that want every record (the jobs feed, the service logs). */
    private final Channel all;
    private final Channel.Limits limits;
    /** Per partition, the offset up to which records were handed out (-1: none; {@link #NOT_TAILED}: not read). */
    private long[] dispatched = new long[0];
    /** After a shutdown every new subscription is ended at once, until the tail starts again. */
    private boolean closed;
    /** What the registrations need, or null when the tail reads every partition, always. */
    private final @Nullable PartitionDemand demand;
    /** Longest a registration waits for the tail to take a partition. */
    private final long assignTimeoutNanos;
    /** How long a partition nobody needs is still read. */
    private final long releaseAfterNanos;
    /** Asks the tail to take the partitions needed now (set by the tail when it starts). */
    private Runnable wakeTail = () -> { };
    /** {@link System#nanoTime} since which some needed partition waits to be taken; 0 while none does. */
    private long unmetSinceNanos;
    /** True once a registration gave up on the current wait (logged once per wait, not per client). */
    private boolean unmetReported;

    Channels(Channel.Limits limits) {
        this(limits, null, Duration.ZERO, Duration.ZERO);
    }

    private Channels(Channel.Limits limits, @Nullable PartitionDemand demand, Duration assignTimeout, Duration releaseAfter) {
        this.limits = limits;
        this.all = new Channel(null, limits);
        this.demand = demand;
        this.assignTimeoutNanos = assignTimeout.toNanos();
        this.releaseAfterNanos = releaseAfter.toNanos();
    }

    /**
     * Channels whose tail reads a partition only while a registration needs it, and for
     * {@code releaseAfter} after the last one left.
     *
     * @param assignTimeout longest a registration waits for its partition to be taken
     */
    static Channels onDemand(Channel.Limits limits, Duration assignTimeout, Duration releaseAfter) {
        return new Channels(limits, new PartitionDemand(), assignTimeout, releaseAfter);
    }

    /** For a tail whose records feed no channel (nobody subscribes to it): only its position is kept. */
    static Channels none() {
        return new Channels(new Channel.Limits(1, 1, () -> { }));
    }

    /** Registers {@code subscriber} needing every partition (see {@link #register(String, Subscriber, Supplier, int)}). */
    Registration register(@Nullable String key, Subscriber subscriber, Supplier<Ring> newRing) throws InterruptedException {
        return register(key, subscriber, newRing, PartitionDemand.EVERY_PARTITION);
    }

    /**
     * Registers {@code subscriber} on the channel of {@code key} (made with a ring from
     * {@code newRing} if nobody watches it yet), or on the all-records channel when {@code key} is
     * null. On demand, first waits until the tail reads {@code partition} (or every partition).
     *
     * @param partition the partition whose records the subscriber needs, or
     *                  {@link PartitionDemand#EVERY_PARTITION}; unregister with the same
     * @return the channel, and the tail's position per partition at that instant (empty before it
     *         was first positioned; while it is down after a failure, the subscription is ended when
     *         it is back; {@link #NOT_TAILED} where it does not read, and where the wait timed out the
     *         subscriber is ended {@link Disconnect#BUSY})
     */
    synchronized Registration register(@Nullable String key, Subscriber subscriber, Supplier<Ring> newRing, int partition)
        throws InterruptedException {
        Channel channel = key == null ? all : byKey.computeIfAbsent(key, k -> new Channel(newRing.get(), limits));
        channel.add(subscriber);
        if (demand != null) {
            demand.add(partition);
        }
        if (closed) {
            subscriber.end(Disconnect.SHUTDOWN);
        } else if (demand != null && !tailed(partition)) {
            try {
                awaitTailed(partition, subscriber);
            } catch (InterruptedException e) {
                unregister(key, subscriber, partition);
                throw e;
            }
        }
        return new Registration(channel, dispatched.clone());
    }

    /** Wakes the tail and waits (releasing the lock) until it reads {@code partition}, or gives up. */
    private void awaitTailed(int partition, Subscriber subscriber) throws InterruptedException {
        long start = System.nanoTime();
        if (unmetSinceNanos == 0) {
            unmetSinceNanos = start;
        }
        wakeTail.run();
        for (long left = assignTimeoutNanos; !tailed(partition); left = start + assignTimeoutNanos - System.nanoTime()) {
            if (subscriber.ending() != null) {
                return;
            }
            if (left <= 0) {
                if (!unmetReported) {
                    unmetReported = true;
                    log.warn("the tail did not take partition {} within {} ms (positions {}); its streams are told busy "
                        + "and retry", partition == PartitionDemand.EVERY_PARTITION ? "(every)" : partition,
                        TimeUnit.NANOSECONDS.toMillis(assignTimeoutNanos), Arrays.toString(dispatched));
                }
                subscriber.end(Disconnect.BUSY);
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** True when the tail reads {@code partition} (each, for every partition). */
    private boolean tailed(int partition) {
        if (dispatched.length == 0) {
            return false;
        }
        if (partition == PartitionDemand.EVERY_PARTITION) {
            return Arrays.stream(dispatched).noneMatch(d -> d == NOT_TAILED);
        }
        // A partition the topic does not have (a made-up cursor): nothing to wait for; its
        // stream's bridge answers unknown-cursor.
        return partition >= dispatched.length || dispatched[partition] != NOT_TAILED;
    }

    /** A subscriber's place: its channel, and where the tail was when it registered. */
    record Registration(Channel channel, long[] liveFrom) {
    }

    /** Takes {@code subscriber} out; {@code partition} is what it registered with. */
    synchronized void unregister(@Nullable String key, Subscriber subscriber, int partition) {
        if (demand != null) {
            demand.remove(partition, System.nanoTime());
        }
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
            int p = record.partition();
            if (p < dispatched.length) {
                if (dispatched[p] == NOT_TAILED) {
                    // Not published as read: no registration counts on it (the tail never polls
                    // such a partition; this keeps the positions true if it ever did).
                    continue;
                }
                dispatched[p] = record.offset();
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
        long now = System.nanoTime();
        if (demand != null) {
            // The tail takes every partition when it (re)starts, to learn where each ends; those no
            // stream needs count as idle for the whole delay already, so the first idle check
            // (within a second) lets them go: on demand from the start, not after a minute.
            for (int p = 0; p < dispatched.length; p++) {
                demand.taken(p, demand.needed(p) ? now : now - releaseAfterNanos);
            }
        }
        notifyAll();
        if (afterRestart) {
            // The tail started again from each partition's end: what passed by meanwhile is in
            // no ring, so no ring vouches for anything before the new positions.
            releaseRings(IntStream.range(0, dispatched.length).boxed().toList());
            endAll(Disconnect.TAIL_RESTARTED);
        }
    }

    /**
     * Partitions were added to the topic. Those needed now (on demand: by a registration for every
     * partition, made before they existed) start from their beginning (-1): all they hold is newer
     * than that registration; the others are {@link #NOT_TAILED} until needed, then taken from their end.
     *
     * @return the new partitions to read from their beginning
     */
    synchronized List<Integer> grow(int partitions) {
        int known = dispatched.length;
        List<Integer> taken = new ArrayList<>();
        if (partitions > known) {
            long now = System.nanoTime();
            dispatched = Arrays.copyOf(dispatched, partitions);
            for (int p = known; p < partitions; p++) {
                boolean needed = demand == null || demand.needed(p);
                dispatched[p] = needed ? -1 : NOT_TAILED;
                if (needed) {
                    taken.add(p);
                }
                if (demand != null) {
                    demand.taken(p, now);
                }
            }
            notifyAll();
        }
        return taken;
    }

    /**
     * Called by the tail: the partitions needed but not read. Empty when none (then no
     * registration waits: the health mark is cleared, as the tail has looked).
     */
    synchronized List<Integer> untailedNeeds() {
        List<Integer> out = new ArrayList<>();
        if (demand != null) {
            for (int p = 0; p < dispatched.length; p++) {
                if (dispatched[p] == NOT_TAILED && demand.needed(p)) {
                    out.add(p);
                }
            }
        }
        if (out.isEmpty()) {
            unmetSinceNanos = 0;
            unmetReported = false;
        }
        return out;
    }

    /** Called by the tail: it reads these partitions from {@code positions} on; waiting registrations go on. */
    synchronized void taken(Map<Integer, Long> positions) {
        long now = System.nanoTime();
        positions.forEach((p, position) -> {
            dispatched[p] = position;
            if (demand != null) {
                demand.taken(p, now);
            }
        });
        notifyAll();
    }

    /**
     * Called by the tail: the partitions nobody has needed for the release delay, marked
     * {@link #NOT_TAILED} from now on (the tail then lets go of them). Each job's ring stops
     * vouching for them: it would miss what passes while they are not read.
     */
    synchronized List<Integer> release(long nowNanos) {
        List<Integer> out = new ArrayList<>();
        if (demand != null) {
            for (int p = 0; p < dispatched.length; p++) {
                if (dispatched[p] != NOT_TAILED && demand.idle(p, nowNanos, releaseAfterNanos)) {
                    dispatched[p] = NOT_TAILED;
                    out.add(p);
                }
            }
        }
        releaseRings(out);
        return out;
    }

    /** Every job's ring drops what it holds of {@code partitions} and vouches for nothing there until covered again. */
    private void releaseRings(List<Integer> partitions) {
        for (Channel c : byKey.values()) {
            if (c.ring() != null) {
                partitions.forEach(c.ring()::release);
            }
        }
    }

    /** The partitions the tail reads now, ascending. */
    public synchronized List<Integer> tailedPartitions() {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < dispatched.length; p++) {
            if (dispatched[p] != NOT_TAILED) {
                out.add(p);
            }
        }
        return out;
    }

    /** True when a registration has waited longer than the assign timeout for a partition the tail still does not read. */
    synchronized boolean assignOverdue() {
        return unmetSinceNanos != 0 && System.nanoTime() - unmetSinceNanos > assignTimeoutNanos;
    }

    /** Set by the tail when it starts: how a registration asks it to take what is needed now. */
    synchronized void onNeed(Runnable wake) {
        this.wakeTail = wake;
    }

    /**
     * Up to which offset of {@code partition} the tail handed records out (-1: none, or unknown
     * partition; {@link #NOT_TAILED}: the tail does not read it).
     */
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
        // Registrations waiting for a partition see their ending.
        notifyAll();
    }
}
