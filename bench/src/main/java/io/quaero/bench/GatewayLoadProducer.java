package io.quaero.bench;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The workers: log lines for a fixed set of jobs at a steady rate, as a worker would send them
 * (idempotent producer, acks=all, linger 5 ms). Each line's timestamp is {@link Instant#now()}
 * just before it is handed to the producer, so publish→receive latency includes the producer's
 * batching, the broker, the gateway's tail and its 150 ms batches.
 *
 * <p>Pacing is by a schedule, not by sleeps between sends: every 10 ms it sends what is due by
 * then, so a slow tick is made up by the next and the average rate is exact.
 */
final class GatewayLoadProducer implements GatewayLoad, AutoCloseable {

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Size of a line's message text; the whole Kafka record is ~330 bytes of JSON. */
    static final int MESSAGE_BYTES = 100;
    private static final String FILLER = "lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
        + "tempor incididunt ut labore et dolore magna aliqua";

    private final UUID[] jobs;
    private final KafkaProducer<String, byte[]> producer;
    private final EventCodec codec = new EventCodec();
    private final AtomicLongArray ackedPerJob;
    private final AtomicLong failed = new AtomicLong();
    private long sequence;

    GatewayLoadProducer(String bootstrap, int jobCount) {
        jobs = new UUID[jobCount];
        for (int i = 0; i < jobCount; i++) {
            jobs[i] = UUID.randomUUID();
        }
        ackedPerJob = new AtomicLongArray(jobCount);
        producer = new KafkaProducer<>(Map.<String, Object>of(
            "bootstrap.servers", bootstrap, "acks", "all", "enable.idempotence", "true", "linger.ms", "5"),
            new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public UUID[] jobs() {
        return jobs.clone();
    }

    /** One line per job, so each job exists (a stream of an unknown job is a 404) and has a backlog. */
    void seed() {
        for (int j = 0; j < jobs.length; j++) {
            send(j);
        }
        producer.flush();
    }

    @Override
    public void run(int logsPerSecond, long durationNanos, long markNanos, Runnable atMark) {
        long start = System.nanoTime();
        long sent = 0;
        int job = 0;
        boolean marked = false;
        for (long tick = start; ; tick += TICK_NANOS) {
            long elapsed = Math.min(System.nanoTime() - start, durationNanos);
            if (!marked && elapsed >= markNanos) {
                atMark.run();
                marked = true;
            }
            long due = (long) ((double) logsPerSecond * elapsed / 1e9);
            for (; sent < due; sent++) {
                send(job);
                job = (job + 1) % jobs.length;
            }
            if (elapsed >= durationNanos) {
                break;
            }
            LockSupport.parkNanos(tick + TICK_NANOS - System.nanoTime());
        }
        producer.flush();
    }

    private void send(int job) {
        long n = sequence++;
        var line = new LogEvent(UUID.randomUUID(), jobs[job], Instant.now(), Level.INFO, message(n, job),
            "step-1", "Step 1", "bench-worker-" + job);
        producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(jobs[job]), codec.encode(line)),
            (metadata, error) -> {
                if (error == null) {
                    ackedPerJob.incrementAndGet(job);
                } else {
                    failed.incrementAndGet();
                }
            });
    }

    private static String message(long n, int job) {
        String head = "processed item " + n + " of job " + job + ": ";
        return head + FILLER.substring(0, Math.max(0, MESSAGE_BYTES - head.length()));
    }

    /** Lines of job {@code job} the broker acknowledged, seed line included. */
    @Override
    public long acked(int job) {
        return ackedPerJob.get(job);
    }

    @Override
    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
