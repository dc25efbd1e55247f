package io.quaero.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The nchan peer's load: the same lines at the same rate as {@link GatewayLoadProducer}, in the
 * gateway's batching (one message per job every 150 ms holding that interval's entries, as the
 * gateway's {@code logs} event JSON), published to nginx+nchan. So both servers write the same
 * bytes per client per interval; what differs is what it costs them.
 */
final class NchanPublisher implements GatewayLoad {

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(150);

    private final URI nginx;
    private final UUID[] jobs;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<List<String>> open = new ArrayList<>();
    private final AtomicLongArray acked;
    private final AtomicLong failed = new AtomicLong();
    private final List<CompletableFuture<?>> inFlight = new ArrayList<>();
    private long sequence;

    NchanPublisher(URI nginx, int jobCount) {
        this.nginx = nginx;
        this.jobs = new UUID[jobCount];
        for (int i = 0; i < jobCount; i++) {
            jobs[i] = UUID.randomUUID();
            open.add(new ArrayList<>());
        }
        this.acked = new AtomicLongArray(jobCount);
    }

    /** The subscriber URL of job {@code j}. */
    URI stream(int j) {
        return nginx.resolve("/sub/" + j);
    }

    /** One message of one line per job: what a new subscriber gets first (its "backlog"). */
    void seed() {
        for (int j = 0; j < jobs.length; j++) {
            add(j);
        }
        flush();
        awaitInFlight();
    }

    @Override
    public UUID[] jobs() {
        return jobs.clone();
    }

    @Override
    public void run(int logsPerSecond, long durationNanos, long markNanos, Runnable atMark) {
        long start = System.nanoTime();
        long lastFlush = start;
        long sent = 0;
        int job = 0;
        boolean marked = false;
        for (long tick = start; ; tick += TICK_NANOS) {
            long now = System.nanoTime();
            long elapsed = Math.min(now - start, durationNanos);
            if (!marked && elapsed >= markNanos) {
                atMark.run();
                marked = true;
            }
            long due = (long) ((double) logsPerSecond * elapsed / 1e9);
            for (; sent < due; sent++) {
                add(job);
                job = (job + 1) % jobs.length;
            }
            if (now - lastFlush >= BATCH_NANOS || elapsed >= durationNanos) {
                flush();
                lastFlush = now;
            }
            if (elapsed >= durationNanos) {
                break;
            }
            LockSupport.parkNanos(tick + TICK_NANOS - System.nanoTime());
        }
        awaitInFlight();
    }

    private void add(int job) {
        long n = ++sequence;
        open.get(job).add("{\"id\":\"" + UUID.randomUUID() + "\",\"cursor\":\"0-" + n + "\",\"line\":" + n
            + ",\"timestamp\":\"" + Instant.now() + "\",\"level\":\"info\",\"message\":\"processed item " + n + " of job " + job
            + ": lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt\","
            + "\"step_id\":\"step-1\",\"step_name\":\"Step 1\",\"source\":\"bench-worker-" + job + "\"}");
    }

    private void flush() {
        for (int j = 0; j < jobs.length; j++) {
            List<String> entries = open.get(j);
            if (entries.isEmpty()) {
                continue;
            }
            int count = entries.size();
            String body = "{\"logs\":[" + String.join(",", entries) + "],\"meta\":{\"total_count\":" + sequence
                + ",\"displayed_count\":" + sequence + ",\"has_more\":false}}";
            entries.clear();
            int job = j;
            var request = HttpRequest.newBuilder(nginx.resolve("/pub/" + j)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e == null && r.statusCode() / 100 == 2) {
                    acked.addAndGet(job, count);
                } else {
                    if (failed.getAndAdd(count) == 0) {
                        System.out.println("nchan refused a publish: " + (e != null ? e : r.statusCode() + " " + r.headers().map()));
                    }
                }
            }));
        }
        inFlight.removeIf(CompletableFuture::isDone);
    }

    private void awaitInFlight() {
        inFlight.forEach(f -> {
            try {
                f.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // counted as failed by the callback
            }
        });
        inFlight.clear();
    }

    @Override
    public long acked(int job) {
        return acked.get(job);
    }

    @Override
    public long failed() {
        return failed.get();
    }
}
