package io.quaero.jobs.lease;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A task run every {@code interval} on one named daemon thread, the next run {@code interval}
 * after the previous one ended (a slow run never piles up). Server-side housekeeping only (leases),
 * never anything a browser waits on.
 */
public final class Periodic {

    private final String name;
    private final Duration interval;
    private final Runnable task;
    private @Nullable ScheduledExecutorService timer;

    public Periodic(String name, Duration interval, Runnable task) {
        this.name = name;
        this.interval = interval;
        this.task = task;
    }

    public synchronized void start() {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name).daemon().factory());
            timer.scheduleWithFixedDelay(task, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    public synchronized boolean isRunning() {
        return timer != null;
    }
}
