package io.quaero.gateway.tail;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One connection's inbox: a bounded queue between a Kafka tail (producer) and the connection
 * loop (consumer). The tail never blocks on it: {@link #offer} either queues the event or, when
 * the queue is full, ends the subscription with {@link Disconnect#OVERFLOW}, so a slow browser
 * costs only itself a reconnect and never delays the tail or anyone else.
 *
 * <p>While its batch fills, the connection parks until the batch is due ({@link #awaitBatch})
 * instead of waking for every event; the tail wakes it early once a full batch
 * ({@code wakeAt} events) is queued, so a burst is drained at once rather than left to overflow.
 *
 * @param <E> what the tail hands over
 */
public final class Subscriber<E> {

    /** Wakes a waiting loop so it notices {@link #ending()}; never handed out as an event. */
    private static final Object WAKE_UP = new Object();

    private final String key;
    private final BlockingQueue<Object> queue;
    private final int wakeAt;
    private final AtomicInteger queued = new AtomicInteger();
    private volatile Thread parked;
    private volatile Disconnect ending;

    /**
     * @param capacity events queued at most before the subscription ends with {@code OVERFLOW}
     * @param wakeAt   queued events at which a connection waiting for its batch is woken early
     */
    public Subscriber(String key, int capacity, int wakeAt) {
        this.key = key;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.wakeAt = Math.max(1, Math.min(wakeAt, capacity / 2));
    }

    /** The Kafka record key this subscriber watches (a job's), or null for a whole topic. */
    public String key() {
        return key;
    }

    /** Called by the tail thread only. */
    public void offer(E event) {
        if (ending != null) {
            return;
        }
        if (!queue.offer(event)) {
            end(Disconnect.OVERFLOW);
        } else if (queued.incrementAndGet() == wakeAt) {
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
        queued.decrementAndGet();
        return (E) o;
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
