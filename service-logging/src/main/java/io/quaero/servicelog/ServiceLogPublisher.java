package io.quaero.servicelog;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.ServiceLogEvent;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drain loop: runs on the appender's one daemon thread, takes queued lines in batches and
 * hands them to its own Kafka producer. Nothing here throws: a line that cannot be sent is counted
 * as dropped. Its own log lines (SLF4J) reach the console but never this appender, which ignores
 * events from this thread.
 */
final class ServiceLogPublisher implements Runnable {

    /** Most lines taken off the queue at once; the producer batches them further by partition. */
    static final int MAX_BATCH = 500;

    /**
     * Longest a {@code send} may block: on metadata (broker down, topic missing) or on a full
     * producer buffer. The producer's default, 60 s, would freeze draining that long per line.
     */
    static final Duration MAX_BLOCK = Duration.ofSeconds(2);

    /** How often an idle loop wakes to notice a stop request or to announce drops. */
    private static final long IDLE_POLL_MS = 100;
    private static final Duration MIN_CLOSE_TIMEOUT = Duration.ofMillis(200);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(ServiceLogPublisher.class);

    private final BlockingQueue<LogLine> queue;
    private final ServiceLogSettings settings;
    private final DeliveryCounters counters;
    private final String clientId;
    private final EventCodec codec = new EventCodec();
    private final CountDownLatch stopSignal = new CountDownLatch(1);

    private volatile boolean stopRequested;
    private volatile long stopDeadlineNanos;
    /** Outcome of the latest delivery Kafka reported on; drops are announced only after a success. */
    private volatile boolean lastDeliveryOk;
    private volatile @Nullable Exception lastFailure;
    /** Whether the current outage was already reported on the console (drain thread only). */
    private boolean outageReported;

    ServiceLogPublisher(BlockingQueue<LogLine> queue, ServiceLogSettings settings, DeliveryCounters counters,
                        String clientId) {
        this.queue = queue;
        this.settings = settings;
        this.counters = counters;
        this.clientId = clientId;
    }

    /**
     * The producer settings, in one place so that their reasons sit next to them. The extra client
     * properties (security and the like) come first, so they cannot weaken these.
     */
    static Map<String, Object> producerConfig(ServiceLogSettings settings, String clientId) {
        Map<String, Object> config = new HashMap<>(settings.kafkaProperties());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // No line lost to a leader change, none written twice by a retry.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A little batching: logs come in bursts and latency of a few ms does not matter.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) MAX_BLOCK.toMillis());
        // Bounded memory while the broker is slow or away; what does not fit is dropped and counted.
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * 1024 * 1024);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        // A line that could not be delivered in 30 s is given up (counted) rather than held for the
        // producer default of 2 minutes.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        // Serializers are passed as instances; class names from the shared properties would not fit.
        config.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        config.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        // A transactional id would make every send fail: this producer never begins a transaction.
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return config;
    }

    /**
     * Asks the loop to send what is queued and stop. Lines still unsent when {@code flushTimeout}
     * has passed are dropped (counted) and the producer is closed.
     */
    void requestStop(Duration flushTimeout) {
        stopDeadlineNanos = System.nanoTime() + flushTimeout.toNanos();
        stopRequested = true;
        stopSignal.countDown();
    }

    @Override
    public void run() {
        Producer<String, byte[]> producer = null;
        try {
            producer = openProducer();
            if (producer != null) {
                drain(producer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Should not happen; never let it end the thread silently with lines still queued.
            log.error("service-logs: publisher failed; lines still queued are dropped", e);
        } finally {
            counters.dropped(dropQueued());
            if (producer != null) {
                close(producer);
            }
        }
    }

    private void drain(Producer<String, byte[]> producer) throws InterruptedException {
        List<LogLine> batch = new ArrayList<>(MAX_BATCH);
        while (!(stopRequested && queue.isEmpty())) {
            LogLine first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
            if (first != null) {
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                sendAll(producer, batch);
                batch.clear();
            }
            reportHealthChange();
            announceDropsIfRecovered(producer);
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private void sendAll(Producer<String, byte[]> producer, List<LogLine> batch) {
        for (int i = 0; i < batch.size(); i++) {
            if (pastStopDeadline() || Thread.currentThread().isInterrupted()) {
                counters.dropped(batch.size() - i);
                return;
            }
            send(producer, batch.get(i));
        }
    }

    private void send(Producer<String, byte[]> producer, LogLine line) {
        var delivery = new LineDelivery();
        try {
            ServiceLogEvent event = line.toEvent(UUID.randomUUID(), settings.instance());
            producer.send(record(event), delivery);
        } catch (RuntimeException e) {
            // Thrown instead of reported to the callback (closed producer, interrupt, encoding);
            // LineDelivery counts each line once either way.
            delivery.onCompletion(null, e);
        }
    }

    /**
     * After lines were dropped, says so on the topic itself once Kafka takes lines again, so that
     * a reader of the service logs sees the gap instead of a silent hole.
     */
    private void announceDropsIfRecovered(Producer<String, byte[]> producer) {
        if (!lastDeliveryOk || stopRequested) {
            return;
        }
        long dropped = counters.takeUnreported();
        if (dropped == 0) {
            return;
        }
        var notice = new LogLine(Instant.now(), Level.WARN,
            "service-logs: dropped " + dropped + " lines (queue full or Kafka unavailable)",
            settings.services().defaultService(), KafkaServiceLogAppender.class.getName(), null);
        Callback restoreOnFailure = (metadata, e) -> {
            if (e != null) {
                counters.unreport(dropped);
            }
        };
        try {
            producer.send(record(notice.toEvent(UUID.randomUUID(), settings.instance())), restoreOnFailure);
        } catch (RuntimeException e) {
            counters.unreport(dropped);
        }
    }

    private ProducerRecord<String, byte[]> record(ServiceLogEvent event) {
        return new ProducerRecord<>(Topics.SERVICE_LOGS, Topics.serviceKey(event.service(), event.instance()),
            codec.encode(event));
    }

    /**
     * Creates the producer here rather than in {@code start()}: creating it can fail (a bootstrap
     * host that does not resolve yet, as while a cluster's DNS settles) and must not fail the
     * application's startup. Retries with backoff until it works or a stop is requested; lines
     * queue up (and overflow, counted) meanwhile.
     */
    private @Nullable Producer<String, byte[]> openProducer() throws InterruptedException {
        Duration wait = FIRST_RETRY;
        while (!stopRequested) {
            try {
                return new KafkaProducer<>(producerConfig(settings, clientId),
                    new StringSerializer(), new ByteArraySerializer());
            } catch (RuntimeException e) {
                log.warn("service-logs: cannot create a Kafka producer for {} ({}); retrying in {} s",
                    settings.bootstrapServers(), e.getMessage(), wait.toSeconds());
            }
            if (stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                break;
            }
            wait = wait.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : wait.multipliedBy(2);
        }
        return null;
    }

    private int dropQueued() {
        List<LogLine> rest = new ArrayList<>();
        queue.drainTo(rest);
        return rest.size();
    }

    private void close(Producer<String, byte[]> producer) {
        long remainingNanos = stopRequested ? stopDeadlineNanos - System.nanoTime() : 0;
        Duration timeout = Duration.ofNanos(Math.max(remainingNanos, MIN_CLOSE_TIMEOUT.toNanos()));
        // An interrupt would make close() give up joining the producer's I/O thread at once.
        boolean interrupted = Thread.interrupted();
        try {
            // Waits up to the timeout for lines in flight, then fails the rest (callbacks count them).
            producer.close(timeout);
        } catch (RuntimeException e) {
            log.warn("service-logs: closing the Kafka producer failed", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean pastStopDeadline() {
        return stopRequested && System.nanoTime() - stopDeadlineNanos > 0;
    }

    /** Counts one line as published or dropped, exactly once, whichever way its send ends. */
    private final class LineDelivery implements Callback {
        private final AtomicBoolean done = new AtomicBoolean();

        @Override
        public void onCompletion(@Nullable RecordMetadata metadata, @Nullable Exception e) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            // Only counters and flags here: this usually runs on the producer's I/O thread, which
            // must not be held up; the drain loop reports outages (reportHealthChange).
            if (e == null) {
                counters.onePublished();
                lastDeliveryOk = true;
            } else {
                counters.dropped(1);
                lastFailure = e;
                lastDeliveryOk = false;
            }
        }
    }

    /**
     * One console line when an outage starts and one when it ends, not one per dropped line. These
     * go to the other appenders (the console) only: this appender ignores its drain thread.
     */
    private void reportHealthChange() {
        boolean ok = lastDeliveryOk;
        Exception failure = lastFailure;
        if (!ok && failure != null && !outageReported) {
            outageReported = true;
            log.warn("service-logs: cannot publish to {} at {} ({}); dropping lines until it works again",
                Topics.SERVICE_LOGS, settings.bootstrapServers(), failure.toString());
        } else if (ok && outageReported) {
            outageReported = false;
            log.info("service-logs: publishing to {} again", Topics.SERVICE_LOGS);
        }
    }
}
