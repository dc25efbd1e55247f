package io.quaero.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.infra.ForeignPartitioners;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue 11's measurement: what a worker's partitioner costs the people watching its job. The dev
 * stack runs as its own process; four workers, one after the other, each run an external job
 * created over REST at the same rate, with a browser-like SSE client watching: Java's default
 * partitioner (murmur2, the peer), librdkafka's (CRC32), Sarama's (FNV-1a), and one that ignores
 * the key (round-robin, kafka-go's default balancer), whose events ingest forwards to the job's
 * partition. Printed per worker: produce→browser latency (p50, p99, max over every line; the line
 * carries its send time) and produce→stored (the last line).
 */
final class PartitionerBenchmark {

    private static final Pattern TOTAL = Pattern.compile("\"total_count\"\\s*:\\s*(\\d+)");
    private static final Duration WAIT = Duration.ofSeconds(120);

    private PartitionerBenchmark() {
    }

    static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int lines = rate * seconds;
        System.out.printf("partitioner benchmark: %,d lines per job at %,d lines/s, one job per worker, dev stack as its own "
            + "process, %d cores%n", lines, rate, Runtime.getRuntime().availableProcessors());
        Map<String, Class<? extends Partitioner>> workers = new LinkedHashMap<>();
        workers.put("Java default (murmur2)", null);
        workers.put("librdkafka default (CRC32)", ForeignPartitioners.Crc32.class);
        workers.put("Sarama default (FNV-1a)", ForeignPartitioners.Fnv1a.class);
        workers.put("round-robin (forwarded)", RoundRobinPartitioner.class);
        try (var stack = DevStackProcess.start("partitioners"); var http = HttpClient.newHttpClient()) {
            List<String> rows = new ArrayList<>();
            for (var w : workers.entrySet()) {
                rows.add(run(stack, http, w.getKey(), w.getValue(), rate, lines));
            }
            System.out.printf("  %-28s %9s %9s %9s %12s%n", "worker", "p50 ms", "p99 ms", "max ms", "stored ms");
            rows.forEach(System.out::println);
        }
    }

    private static String run(DevStackProcess stack, HttpClient http, String name, Class<? extends Partitioner> partitioner,
                              int rate, int lines) throws Exception {
        var codec = new EventCodec();
        UUID job = UUID.fromString(stack.create(http, "{\"type\":\"bench-partitioner\",\"executor\":\"external\"}"));
        var config = new HashMap<String, Object>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 5));
        if (partitioner != null) {
            config.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, partitioner.getName());
        }
        String key = Topics.jobKey(job);
        long[] latencyNanos = new long[lines];
        int received = 0;
        long lastSent;
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
             var sse = SseClient.open(stack.base().resolve("/api/jobs/" + job + "/logs/stream"))) {
            producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, key, codec.encode(new StatusEvent(UUID.randomUUID(), job,
                Instant.now(), new JobState(JobStatus.RUNNING, 0), List.of())))).get();
            long start = System.nanoTime();
            long period = TimeUnit.SECONDS.toNanos(1) / rate;
            for (int i = 0; i < lines; i++) {
                LockSupport.parkNanos(start + i * period - System.nanoTime());
                producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, key, codec.encode(new LogEvent(UUID.randomUUID(), job,
                    Instant.now(), Level.INFO, "t=" + System.nanoTime(), null, null, "bench"))));
                received = drain(sse, latencyNanos, received);
            }
            producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, key, codec.encode(new StatusEvent(UUID.randomUUID(), job,
                Instant.now(), new JobState(JobStatus.COMPLETED, 100), List.of()))));
            producer.flush();
            lastSent = System.nanoTime();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (received < lines && System.nanoTime() < deadline) {
                SseFrame f = sse.next(SseEvents.LOGS, Duration.ofSeconds(5));
                if (f != null) {
                    received = record(f, latencyNanos, received);
                }
            }
        }
        long stored = awaitStored(stack, http, job, lines, lastSent);
        long[] got = Arrays.copyOf(latencyNanos, received);
        Arrays.sort(got);
        return String.format("  %-28s %9.1f %9.1f %9.1f %12.0f%s", name, ms(pct(got, 0.50)), ms(pct(got, 0.99)),
            ms(got.length == 0 ? 0 : got[got.length - 1]), stored / 1e6,
            received < lines ? "   (only " + received + " of " + lines + " lines arrived)" : "");
    }

    /** Takes the frames already there, without waiting. */
    private static int drain(SseClient sse, long[] latency, int received) throws InterruptedException {
        for (SseFrame f = sse.next(Duration.ZERO); f != null; f = sse.next(Duration.ZERO)) {
            if (f.event().equals(SseEvents.LOGS)) {
                received = record(f, latency, received);
            }
        }
        return received;
    }

    private static int record(SseFrame f, long[] latency, int received) {
        long now = System.nanoTime();
        for (LogEntry e : f.data(LogsPayload.class).logs()) {
            if (received < latency.length && e.message().startsWith("t=")) {
                latency[received++] = now - Long.parseLong(e.message().substring(2));
            }
        }
        return received;
    }

    /** Nanoseconds from the last send until every line is stored, read through the logs API. */
    private static long awaitStored(DevStackProcess stack, HttpClient http, UUID job, int lines, long lastSent) throws Exception {
        URI uri = stack.base().resolve("/api/jobs/" + job + "/logs?limit=1");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = TOTAL.matcher(http.send(BenchCaller.request(uri).build(), HttpResponse.BodyHandlers.ofString()).body());
            if (m.find() && Long.parseLong(m.group(1)) >= lines) {
                return System.nanoTime() - lastSent;
            }
            Thread.sleep(10);
        }
        return -1;
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
