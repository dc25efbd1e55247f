package io.quaero.gateway.tail;

import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One connection's inbox: a bounded queue between the Kafka tail (producer) and the connection
 * loop (consumer). The tail never blocks on it: {@link #offer} either queues the event or, when
 * the queue is full, ends the subscription with {@link Disconnect#OVERFLOW}, so a slow browser
 * costs only itself a reconnect and never delays the tail or anyone else.
 */
public final class Subscriber {

    /** Wakes a waiting loop so it notices {@link #ending()}; never handed out as an event. */
    private static final Delivery WAKE_UP = new Delivery(null, null);

    private final UUID jobId;
    private final BlockingQueue<Delivery> queue;
    private volatile Disconnect ending;

    Subscriber(UUID jobId, int capacity) {
        this.jobId = jobId;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    public UUID jobId() {
        return jobId;
    }

    /** Called by the tail thread only. */
    void offer(Delivery delivery) {
        if (ending == null && !queue.offer(delivery)) {
            end(Disconnect.OVERFLOW);
        }
    }

    /**
     * The next event, waiting at most {@code timeoutNanos}; null on timeout or when the
     * subscription is ending.
     */
    public Delivery poll(long timeoutNanos) throws InterruptedException {
        Delivery d = queue.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
        return d == WAKE_UP ? null : d;
    }

    /** Why this subscription is over, or null while it is live. */
    public Disconnect ending() {
        return ending;
    }

    void end(Disconnect reason) {
        if (ending == null) {
            ending = reason;
            // Best effort: if the queue is full the loop is not waiting anyway.
            queue.offer(WAKE_UP);
        }
    }
}
