package io.quaero.gateway.tail;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One connection's inbox: a bounded queue between a Kafka tail (producer) and the connection
 * loop (consumer). The tail never blocks on it: {@link #offer} either queues the event or, when
 * the queue is full, ends the subscription with {@link Disconnect#OVERFLOW}, so a slow browser
 * costs only itself a reconnect and never delays the tail or anyone else.
 *
 * @param <E> what the tail hands over
 */
public final class Subscriber<E> {

    /** Wakes a waiting loop so it notices {@link #ending()}; never handed out as an event. */
    private static final Object WAKE_UP = new Object();

    private final String key;
    private final BlockingQueue<Object> queue;
    private volatile Disconnect ending;

    public Subscriber(String key, int capacity) {
        this.key = key;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** The Kafka record key this subscriber watches (a job's), or null for a whole topic. */
    public String key() {
        return key;
    }

    /** Called by the tail thread only. */
    public void offer(E event) {
        if (ending == null && !queue.offer(event)) {
            end(Disconnect.OVERFLOW);
        }
    }

    /**
     * The next event, waiting at most {@code timeoutNanos}; null on timeout or when the
     * subscription is ending.
     */
    @SuppressWarnings("unchecked")
    public E poll(long timeoutNanos) throws InterruptedException {
        Object o = queue.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        return o == WAKE_UP ? null : (E) o;
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
        }
    }
}
