package io.quaero.gateway.hub;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.quaero.contracts.sse.Disconnect;
import org.jspecify.annotations.Nullable;

/**
 * One connection's inbox: the {@link Batch}es of its channel, between the tail and the ticker
 * (producers, under the channel's lock) and the connection loop (consumer). Bounded in events
 * and in bytes (a line may be up to {@code max-message-bytes}, so a count alone does not bound
 * memory); batches are shared by every subscriber of the channel, so the bytes are an upper bound
 * of what this connection holds. The producers never block on it: {@link #offer} either queues the
 * batch or, when either bound would be passed, ends the subscription with
 * {@link Disconnect#OVERFLOW}, so a slow browser costs only itself a reconnect and never delays
 * the tail or anyone else.
 *
 * <p>The connection wakes once per batch (once per tick while its channel is busy, never while it
 * is quiet); {@link #wakeUps} counts the loop's passes, so an idle connection can be seen to stay
 * asleep.
 */
public final class Subscriber {

    /** Wakes a waiting loop so it notices {@link #ending()}; never handed out. */
    private static final Batch WAKE_UP = new Batch(null, java.util.List.of(), 0);

    private final BlockingQueue<Batch> queue;
    private final long capacityEvents;
    private final long capacityBytes;
    private final AtomicLong queuedEvents = new AtomicLong();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** The connection's slot in {@link Admission}, given back by {@link #release}; null when none was taken. */
    private final Admission.@Nullable Ticket ticket;
    /** Loop passes; written by the connection's thread only. */
    private volatile long wakeUps;
    private volatile Disconnect ending;

    /**
     * @param capacityEvents events queued at most before the subscription ends with {@code OVERFLOW}
     * @param capacityBytes  bytes ({@link Delivery#weightBytes}) queued at most, likewise
     */
    public Subscriber(int capacityEvents, long capacityBytes) {
        this(capacityEvents, capacityBytes, null);
    }

    /** A connection's inbox holding its admission {@code ticket} ({@link Hub#connect}). */
    Subscriber(int capacityEvents, long capacityBytes, Admission.@Nullable Ticket ticket) {
        this.ticket = ticket;
        // Linked, not an array: bounded by the counts below, and an idle connection holds no
        // pre-allocated slots (an array of buffer-size references was 40 KB per connection).
        this.queue = new LinkedBlockingQueue<>();
        this.capacityEvents = capacityEvents;
        this.capacityBytes = capacityBytes;
    }

    /**
     * Called by the producers only, each under its channels' lock. A shared connection joined to
     * channels of both topics can get offers from two tails at once; the bounds may then be passed
     * by one batch, never more.
     */
    public void offer(Batch batch) {
        if (ending != null) {
            return;
        }
        // One batch larger than a whole budget still passes an empty queue: it must be deliverable.
        boolean empty = queuedEvents.get() == 0;
        if (!empty && (queuedEvents.get() + batch.size() > capacityEvents
            || queuedBytes.get() + batch.weightBytes() > capacityBytes)) {
            end(Disconnect.OVERFLOW);
            return;
        }
        queue.add(batch);
        queuedEvents.addAndGet(batch.size());
        queuedBytes.addAndGet(batch.weightBytes());
    }

    /**
     * The next batch, waiting at most {@code timeoutNanos}; null on timeout or when the
     * subscription is ending.
     */
    public @Nullable Batch poll(long timeoutNanos) throws InterruptedException {
        Batch b = queue.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        wakeUps++;
        if (b == null || b == WAKE_UP) {
            return null;
        }
        queuedEvents.addAndGet(-b.size());
        queuedBytes.addAndGet(-b.weightBytes());
        return b;
    }

    /** Passes the connection's loop has made: about one per batch while busy, one per ping while idle. */
    public long wakeUps() {
        return wakeUps;
    }

    /** Why this subscription is over, or null while it is live. */
    public @Nullable Disconnect ending() {
        return ending;
    }

    /** Gives the connection's slot back; only the first call counts ({@link Admission.Ticket#release}). */
    void release() {
        if (ticket != null) {
            ticket.release();
        }
    }

    public void end(Disconnect reason) {
        if (ending == null) {
            ending = reason;
            queue.add(WAKE_UP);
        }
    }
}
