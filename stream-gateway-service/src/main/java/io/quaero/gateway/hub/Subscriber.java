package io.quaero.gateway.hub;

import io.quaero.contracts.sse.Disconnect;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToIntFunction;

/**
 * One connection's inbox: a queue between a Kafka tail (producer) and the connection loop
 * (consumer), bounded in events and in bytes (a line may be up to {@code max-message-bytes}, so a
 * count alone does not bound memory). The tail never blocks on it: {@link #offer} either queues
 * the event or, when either bound is reached, ends the subscription with {@link Disconnect#OVERFLOW},
 * so a slow browser costs only itself a reconnect and never delays the tail or anyone else.
 *
 * <p>While its batch fills, the connection parks until the batch is due ({@link #awaitBatch})
 * instead of waking for every event; the tail wakes it early once a full batch
 * ({@code wakeAt} events) is queued, so a burst is drained at once rather than left to overflow.
 * {@link #wakeUps} counts the loop's passes, so an idle connection can be seen to stay asleep.
 *
 * @param <E> what the tail hands over
 */
public final class Subscriber<E> {

    /** Wakes a waiting loop so it notices {@link #ending()}; never handed out as an event. */
    private static final Object WAKE_UP = new Object();

    private final BlockingQueue<Object> queue;
    private final ToIntFunction<? super E> weigher;
    private final long capacityBytes;
    private final int wakeAt;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Loop passes; written by the connection's thread only. */
    private volatile long wakeUps;
    private volatile Thread parked;
    private volatile Disconnect ending;

    /**
     * @param capacity      events queued at most before the subscription ends with {@code OVERFLOW}
     * @param capacityBytes bytes ({@code weigher}'s estimate) queued at most, likewise
     * @param wakeAt        queued events at which a connection waiting for its batch is woken early
     */
    public Subscriber(int capacity, long capacityBytes, ToIntFunction<? super E> weigher, int wakeAt) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.capacityBytes = capacityBytes;
        this.weigher = weigher;
        this.wakeAt = Math.max(1, Math.min(wakeAt, capacity / 2));
    }

    /** Called by the tail thread only. */
    public void offer(E event) {
        if (ending != null) {
            return;
        }
        int bytes = weigher.applyAsInt(event);
        // One event larger than the whole budget still passes an empty queue: it must be deliverable.
        if ((queuedBytes.get() + bytes > capacityBytes && queued.get() > 0) || !queue.offer(event)) {
            end(Disconnect.OVERFLOW);
            return;
        }
        queuedBytes.addAndGet(bytes);
        if (queued.incrementAndGet() == wakeAt) {
            Thread t = parked;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /**
     * Parks the connection until {@code deadlineNanos} ({@link System#nanoTime()}), or sooner
     * when a full batch is queued or the subscription ends.
     */
    public void awaitBatch(long deadlineNanos) {
        parked = Thread.currentThread();
        try {
            for (long left = deadlineNanos - System.nanoTime(); left > 0 && queued.get() < wakeAt && ending == null;
                 left = deadlineNanos - System.nanoTime()) {
                LockSupport.parkNanos(this, left);
            }
        } finally {
            parked = null;
        }
    }

    /**
     * The next event, waiting at most {@code timeoutNanos}; null on timeout or when the
     * subscription is ending.
     */
    @SuppressWarnings("unchecked")
    public E poll(long timeoutNanos) throws InterruptedException {
        Object o = queue.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        if (o == null || o == WAKE_UP) {
            return null;
        }
        E event = (E) o;
        queued.decrementAndGet();
        queuedBytes.addAndGet(-weigher.applyAsInt(event));
        return event;
    }

    /** Counts one pass of the connection's loop (called by that loop only). */
    public void wokeUp() {
        wakeUps++;
    }

    /** Passes the connection's loop has made: about one per batch while busy, one per ping while idle. */
    public long wakeUps() {
        return wakeUps;
    }

    /** Why this subscription is over, or null while it is live. */
    public Disconnect ending() {
        return ending;
    }

    public void end(Disconnect reason) {
        if (ending == null) {
            ending = reason;
            // Best effort: if the queue is full the loop is not waiting anyway.
            queue.offer(WAKE_UP);
            Thread t = parked;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }
}
