package io.quaero.servicelog;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import org.jspecify.annotations.Nullable;

/**
 * A Logback appender that publishes log lines to {@link io.quaero.contracts.Topics#SERVICE_LOGS}
 * without ever blocking the thread that logs.
 *
 * <p>{@link #append} converts the event right away (the MDC and the message arguments belong to
 * the logging thread) and offers it to a bounded queue; when the queue is full the line is
 * dropped and counted. One daemon thread drains the queue into its own Kafka producer, which
 * blocks at most {@link ServiceLogPublisher#MAX_BLOCK} per line when Kafka is unreachable; failed
 * sends are counted as dropped too, never thrown. Once sending works again after drops, one WARN
 * line on the topic states how many lines are missing.
 *
 * <p>Recursion guard: the Kafka client logs through SLF4J as well. Events of {@code
 * org.apache.kafka*} loggers (and of the broker's {@code kafka.*} and {@code state.change.logger},
 * present when the dev stack runs a broker in the same JVM), and any event logged on the drain
 * thread or on the producer's I/O thread, are ignored: publishing them would feed the appender its
 * own traffic, and while Kafka is down, an endless stream of connection warnings.
 *
 * <p>Lifecycle: {@link #start()} starts the drain thread; {@link #stop()} sends what is queued for
 * at most {@link ServiceLogSettings#flushTimeout()}, drops the rest, closes the producer, and
 * returns within a bounded time even when Kafka is away. The appender can be started again.
 */
public final class KafkaServiceLogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** How long, beyond flush and one blocked send, {@link #stop()} waits for the drain thread. */
    private static final Duration STOP_SLACK = Duration.ofSeconds(3);

    /** What exists while started; one volatile read in {@link #append} sees all of it. */
    private record Running(ArrayBlockingQueue<LogLine> queue, ServiceLogPublisher publisher, Thread drainThread,
                           String producerThreadName) {
    }

    private final ServiceLogSettings settings;
    private final LogLineConverter converter;
    private final DeliveryCounters counters = new DeliveryCounters();
    private volatile @Nullable Running running;

    public KafkaServiceLogAppender(ServiceLogSettings settings) {
        this.settings = settings;
        this.converter = new LogLineConverter(settings.services(),
            new MessageRenderer(settings.maxMessageLength(), settings.maxStackFrames()));
        setName("QUAERO_SERVICE_LOGS");
    }

    public ServiceLogSettings settings() {
        return settings;
    }

    /** Lines Kafka acknowledged, since this appender was created. */
    public long publishedCount() {
        return counters.published();
    }

    /**
     * Lines given up, since this appender was created: queue full, send failed or timed out, or
     * still queued when the appender stopped. (The drop notice itself is in neither count.)
     */
    public long droppedCount() {
        return counters.dropped();
    }

    /** Lines waiting in the queue now; never more than the queue capacity. */
    public int queuedCount() {
        Running r = running;
        return r == null ? 0 : r.queue().size();
    }

    @Override
    public synchronized void start() {
        if (isStarted()) {
            return;
        }
        // The client id names the producer's JMX beans and threads, so it must be unique per JVM.
        String clientId = "quaero-service-logs-" + SEQUENCE.incrementAndGet();
        var queue = new ArrayBlockingQueue<LogLine>(settings.queueCapacity());
        var publisher = new ServiceLogPublisher(queue, settings, counters, clientId);
        // A platform thread: it blocks in the Kafka client, which is not written for virtual threads.
        // Daemon: an application that forgets to stop logging must still be able to exit.
        Thread drainThread = Thread.ofPlatform().name(clientId).daemon(true).unstarted(publisher);
        running = new Running(queue, publisher, drainThread, "kafka-producer-network-thread | " + clientId);
        drainThread.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        Running r = running;
        if (r == null || ignored(event, r)) {
            return;
        }
        LogLine line;
        try {
            line = converter.convert(event);
        } catch (RuntimeException e) {
            // A logging call must never fail because of this appender.
            counters.dropped(1);
            return;
        }
        if (!r.queue().offer(line)) {
            counters.dropped(1);
        }
    }

    private boolean ignored(ILoggingEvent event, Running r) {
        if (!event.getLevel().isGreaterOrEqual(settings.threshold())) {
            return true;
        }
        Thread current = Thread.currentThread();
        if (current == r.drainThread() || current.getName().equals(r.producerThreadName())) {
            return true;
        }
        String logger = event.getLoggerName();
        return logger != null && isKafkaLogger(logger);
    }

    static boolean isKafkaLogger(String logger) {
        return logger.startsWith("org.apache.kafka")
            || logger.equals("kafka") || logger.startsWith("kafka.")
            || logger.equals("state.change.logger");
    }

    @Override
    public void stop() {
        Running r;
        synchronized (this) {
            r = running;
            if (r == null) {
                super.stop();
                return;
            }
            // From here on, append() sees nothing to offer to.
            running = null;
            super.stop();
        }
        r.publisher().requestStop(settings.flushTimeout());
        Thread drainThread = r.drainThread();
        if (Thread.currentThread() == drainThread) {
            return;
        }
        awaitEnd(drainThread);
        // A line offered by a thread that read the running state just before it was cleared.
        counters.dropped(r.queue().size());
        r.queue().clear();
    }

    /**
     * Waits for the drain thread long enough for the flush, one send blocked on an absent broker
     * and the producer's close; should it still run after that, interrupts it. Never waits without
     * a bound: stop() runs in shutdown paths that must finish.
     */
    private void awaitEnd(Thread drainThread) {
        Duration wait = settings.flushTimeout().plus(ServiceLogPublisher.MAX_BLOCK).plus(STOP_SLACK);
        boolean interrupted = false;
        try {
            if (!drainThread.join(wait)) {
                addWarn("service-logs drain thread did not end within " + wait + "; interrupting it");
                drainThread.interrupt();
                drainThread.join(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            interrupted = true;
            drainThread.interrupt();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
