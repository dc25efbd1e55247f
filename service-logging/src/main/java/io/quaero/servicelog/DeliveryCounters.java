package io.quaero.servicelog;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What became of the lines handed to the appender: published (acknowledged by Kafka) or dropped
 * (queue full, send failed, or still queued when the appender stopped). Drops are also kept as
 * "not yet reported", so that the gap can be announced once sending works again.
 *
 * <p>Updated from the logging threads, the drain thread and the producer's I/O thread.
 */
final class DeliveryCounters {

    private final AtomicLong published = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unreported = new AtomicLong();

    void onePublished() {
        published.incrementAndGet();
    }

    void dropped(long lines) {
        if (lines > 0) {
            dropped.addAndGet(lines);
            unreported.addAndGet(lines);
        }
    }

    long published() {
        return published.get();
    }

    long dropped() {
        return dropped.get();
    }

    /** Takes the drops not announced yet; {@link #unreport} gives them back if the notice fails. */
    long takeUnreported() {
        return unreported.getAndSet(0);
    }

    void unreport(long lines) {
        unreported.addAndGet(lines);
    }
}
