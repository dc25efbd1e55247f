package io.quaero.gateway.hub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.quaero.contracts.Cursor;

/**
 * A bounded ring of one watched job's recent events. It serves the database-lag window to the
 * second and later viewers of a job from memory, so a crowd arriving at a busy job costs one
 * Kafka read, not one per browser.
 *
 * <p>The ring holds every event of the job's partition dispatched after its channel existed;
 * {@code coversFrom} is the lowest offset from which that is known to be true (the smallest tail
 * position any subscriber read after registering), and {@code evictedUpTo} the highest offset
 * pushed out. The partition is fixed when the channel is made, by its first registration (the
 * job's, from its cursor or its row), so that the ring holds the job's events from that instant:
 * a ring that learnt its partition later, from the first subscriber's {@link #coverFrom}, would
 * have dropped the events dispatched in between and still vouched for them (a later viewer's
 * bridge then skipped them, and numbered every line after too low). A ring made for a job with no
 * partition yet vouches for nothing: its viewers bridge from Kafka. An event of the job in another
 * partition is not the job's yet (ingest forwards it) and stays out.
 * Memory: bounded in events and in bytes ({@link Delivery#weightBytes}), whichever is reached
 * first; the oldest events leave first. At ~0.5 KB an event, the default 256 events cost ~128 KB
 * per watched job; with 64 KiB lines the byte bound (1 MB by default) keeps ~16.
 */
final class Ring {

    /** The partition of a ring made for a job with no partition yet. */
    static final int NO_PARTITION = -1;

    private final Delivery[] ring;
    private final long capacityBytes;
    private int next;
    private int size;
    private long bytes;
    /** The job's partition, or {@link #NO_PARTITION} when it had none when the ring was made (then it holds and vouches for nothing). */
    private final int partition;
    private long coversFrom = Long.MAX_VALUE;
    private long evictedUpTo = -1;

    /**
     * @param partition the job's partition, or {@link #NO_PARTITION} when it has none yet
     * @param capacity  events held at most
     */
    Ring(int partition, int capacity, long capacityBytes) {
        this.partition = partition;
        this.ring = new Delivery[capacityBytes == 0 ? 0 : capacity];
        this.capacityBytes = capacityBytes;
    }

    /** Called by the tail thread for each event of the job. */
    synchronized void append(Delivery d) {
        if (ring.length == 0 || d.cursor().partition() != partition) {
            return;
        }
        while (size > 0 && (size == ring.length || bytes + d.weightBytes() > capacityBytes)) {
            evictOldest();
        }
        ring[next] = d;
        next = (next + 1) % ring.length;
        size++;
        bytes += d.weightBytes();
    }

    private void evictOldest() {
        int oldest = (next - size + ring.length) % ring.length;
        evictedUpTo = ring[oldest].cursor().offset();
        bytes -= ring[oldest].weightBytes();
        ring[oldest] = null;
        size--;
    }

    /**
     * Takes the event at {@code offset} out of the ring (storage refused it): the ring then no
     * longer vouches for a window that includes it, and a bridge reads around it from Kafka.
     */
    synchronized void forget(Cursor cursor) {
        if (cursor.partition() == partition) {
            evictedUpTo = Math.max(evictedUpTo, cursor.offset());
        }
    }

    /**
     * An admin deleted the job's lines before {@code cursor}: they leave the ring, which no longer
     * vouches for a window reaching before it (a bridge over it reads Kafka, meets the deletion's
     * mark there and ends its stream as the live ones end).
     */
    synchronized void forgetUpTo(Cursor cursor) {
        if (cursor.partition() != partition) {
            return;
        }
        while (size > 0 && ring[(next - size + ring.length) % ring.length].cursor().offset() < cursor.offset()) {
            evictOldest();
        }
        evictedUpTo = Math.max(evictedUpTo, cursor.offset() - 1);
    }

    /**
     * Every event of the job's {@code partition} dispatched after {@code offset - 1} is in the ring
     * (unless evicted since): a subscriber read that position after registering, so the ring (made
     * at or before its registration) has appended everything after it. Ignored for another
     * partition than the ring's (that subscriber's bridge reads Kafka instead) and for a negative
     * offset: the position of a partition the tail does not read ({@link Channels#NOT_TAILED}),
     * which vouches for nothing.
     */
    synchronized void coverFrom(int partition, long offset) {
        if (offset >= 0 && partition == this.partition) {
            coversFrom = Math.min(coversFrom, offset);
        }
    }

    /**
     * The tail stopped reading {@code partition}: the ring drops what it holds of it and vouches
     * for nothing until a subscriber reads the position the tail takes it again from.
     */
    synchronized void release(int partition) {
        if (partition != this.partition) {
            return;
        }
        Arrays.fill(ring, null);
        next = 0;
        size = 0;
        bytes = 0;
        coversFrom = Long.MAX_VALUE;
        evictedUpTo = -1;
    }

    /**
     * The job's events in {@code partition} with offsets {@code from..to}, oldest first, or null if
     * the ring cannot vouch for all of them.
     */
    synchronized List<Delivery> slice(int partition, long from, long to) {
        if (partition != this.partition || from < coversFrom || from <= evictedUpTo) {
            return null;
        }
        List<Delivery> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Delivery d = ring[(next - size + i + ring.length) % ring.length];
            long o = d.cursor().offset();
            if (o >= from && o <= to) {
                out.add(d);
            }
        }
        return out;
    }
}
