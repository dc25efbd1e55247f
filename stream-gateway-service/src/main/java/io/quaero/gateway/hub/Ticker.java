package io.quaero.gateway.hub;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import io.quaero.gateway.config.StreamProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The shared batch tick: {@code batch-interval} after an event opens a batch anywhere, every
 * channel hands what it gathered to its subscribers as one {@link Batch} — the same events to
 * every connection of a channel. One thread for the whole instance; it sleeps while no event
 * comes (an idle gateway does not tick), and a connection wakes once per batch, never per event.
 */
@Component
class Ticker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Ticker.class);

    private final Hub hub;
    private final Duration interval;
    private volatile boolean running;
    private Thread thread;

    Ticker(Hub hub, StreamProperties props) {
        this.hub = hub;
        this.interval = props.batchInterval();
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = Thread.ofPlatform().daemon().name("gateway batch ticker").start(this::run);
    }

    private void run() {
        while (running) {
            hub.awaitOpenBatch(() -> !running);
            // Events gather for one interval after the first: latency of at most one interval,
            // one write per connection per interval while events keep coming.
            long due = System.nanoTime() + interval.toNanos();
            for (long left = interval.toNanos(); running && left > 0; left = due - System.nanoTime()) {
                LockSupport.parkNanos(this, left);
            }
            try {
                hub.tick();
            } catch (RuntimeException e) {
                // Never dies on data: the next tick seals whatever is left.
                log.error("batch tick failed", e);
            }
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
