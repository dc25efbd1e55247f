package io.quaero.dev.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.ResetPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.contracts.sse.StatusPayload;

/**
 * One viewer of a job through the balancer, reconnecting as EventSource and the page's library
 * do: after a dropped connection it comes back with {@code Last-Event-ID} (the last frame id), after
 * a {@code reset} it resumes from the reset's cursor or starts over. It runs on its own virtual
 * thread until it has seen the job end and as many lines as it has, and records what a drill reports: the
 * lines in the order received, reconnects and the longest time without a stream.
 */
final class DrillClient implements AutoCloseable {

    /** EventSource's own reconnect delay is about this; the page's library backs off from it. */
    private static final Duration RECONNECT_DELAY = Duration.ofMillis(500);
    /** As the page's watchdog: this long without any event (pings come every 5 s), the stream is given up and reopened. */
    private static final Duration SILENCE = Duration.ofSeconds(15);

    private final HttpClient http;
    private final URI stream;
    private final Thread thread;

    private final List<Long> lines = new ArrayList<>();
    /** The event id of each line received, in the same order: what the line number must be in storage. */
    private final List<String> ids = new ArrayList<>();
    private final Map<String, Integer> resets = new HashMap<>();
    private volatile int reconnects;
    private volatile int refusals;
    private volatile int silences;
    /** The server's {@code retry:} (as EventSource keeps it), else the default. */
    private volatile Duration reconnectDelay = RECONNECT_DELAY;
    private volatile long longestGapNanos;
    /** {@link System#nanoTime} of the last frame received (pings included), and the last frame id. */
    private volatile long lastFrameNanos = System.nanoTime();
    private volatile String lastFrameId;
    /** The last frames received, summarised, for the report of a client that did not complete. */
    private final java.util.ArrayDeque<String> recentFrames = new java.util.ArrayDeque<>();
    private static final int RECENT_FRAMES = 12;
    /** Lines the job has in all, once the drill knows it; until then the client keeps going. */
    private volatile long expectedLines = Long.MAX_VALUE;
    private volatile boolean sawEnd;
    private volatile boolean complete;
    private volatile String failure;

    /**
     * @param partition the job's partition, carried in the URL as the job page does, so the
     *                  balancer routes every viewer of a partition to the same gateway
     */
    DrillClient(HttpClient http, String balancer, UUID job, int partition) {
        this.http = http;
        this.stream = URI.create(balancer + "/api/jobs/" + job + "/logs/stream?limit=1000&partition=" + partition);
        this.thread = Thread.ofVirtual().name("drill client " + job).start(this::run);
    }

    private void run() {
        String lastId = null;
        long droppedAt = 0;
        try {
            while (!complete) {
                Map<String, String> headers = lastId == null ? Map.of() : Map.of("Last-Event-ID", lastId);
                var sse = SseClient.open(http, stream, headers);
                remember("open %d (Last-Event-ID %s)".formatted(sse.status(), lastId));
                try {
                    if (sse.status() >= 400 && sse.status() < 500) {
                        failure = "refused with " + sse.status() + ": " + sse.body();
                        return;
                    }
                    if (sse.status() != 200) {
                        // The balancer had no gateway to give (502, 503): the page's library reopens
                        // after a refusal, with back-off.
                        refusals++;
                        Thread.sleep(RECONNECT_DELAY);
                        continue;
                    }
                    boolean ended = false;
                    while (!ended && !complete) {
                        SseFrame f = sse.next(SILENCE);
                        if (f == null) {
                            if (!sse.ended()) {
                                silences++;
                            }
                            ended = true;
                            continue;
                        }
                        lastFrameNanos = System.nanoTime();
                        if (droppedAt != 0) {
                            longestGapNanos = Math.max(longestGapNanos, System.nanoTime() - droppedAt);
                            droppedAt = 0;
                        }
                        if (f.id() != null) {
                            lastId = f.id();
                            lastFrameId = lastId;
                        }
                        if (f.retry() != null) {
                            reconnectDelay = Duration.ofMillis(f.retry());
                        }
                        switch (f.event()) {
                            case SseEvents.LOGS -> {
                                List<LogEntry> logs = f.data(LogsPayload.class).logs();
                                remember("logs id %s: %d lines %s".formatted(f.id(), logs.size(), logs.isEmpty() ? ""
                                    : logs.getFirst().line() + ".." + logs.getLast().line()));
                                take(logs);
                            }
                            case SseEvents.STATUS -> {
                                StatusPayload status = f.data(StatusPayload.class);
                                remember("status " + status.job().status());
                                sawEnd = ended(status);
                                take(List.of());
                            }
                            case SseEvents.RESET -> {
                                ResetPayload reset = f.data(ResetPayload.class);
                                remember("reset " + reset.reason() + " " + reset.cursor());
                                synchronized (this) {
                                    resets.merge(reset.reason(), 1, Integer::sum);
                                }
                                if (startsOver(reset.reason())) {
                                    synchronized (this) {
                                        lines.clear();
                                        ids.clear();
                                    }
                                    lastId = null;
                                } else if (reset.cursor() != null) {
                                    lastId = reset.cursor();
                                }
                                ended = true;
                            }
                            case SseEvents.PING -> { }
                            default -> remember(f.event() + (f.id() != null ? " id " + f.id() : ""));
                        }
                    }
                } finally {
                    // Closing an HTTP/2 stream can wait on the connection; the page's library does
                    // not wait for the old EventSource either.
                    Thread.ofVirtual().start(sse::close);
                }
                if (!complete) {
                    reconnects++;
                    droppedAt = System.nanoTime();
                    Thread.sleep(reconnectDelay);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e.toString();
        }
    }

    private synchronized void remember(String frame) {
        if (recentFrames.size() == RECENT_FRAMES) {
            recentFrames.removeFirst();
        }
        recentFrames.addLast(frame);
    }

    private synchronized void take(List<LogEntry> batch) {
        batch.forEach(l -> {
            lines.add(l.line());
            ids.add(l.id());
        });
        // A viewer that arrives after the first page's worth of lines starts where that page
        // does (the page's has_more), as the job page does: complete once it has the last line.
        complete = sawEnd && !lines.isEmpty() && lines.getLast() >= expectedLines;
    }

    private static boolean startsOver(String reason) {
        for (Disconnect d : Disconnect.values()) {
            if (d.wireName().equals(reason)) {
                return d.startsOver();
            }
        }
        throw new IllegalArgumentException("unknown reset reason " + reason);
    }

    private static boolean ended(StatusPayload status) {
        return switch (status.job().status()) {
            case "completed", "failed", "cancelled" -> true;
            default -> false;
        };
    }

    /** The job ended with this many lines: the client is complete once it has the last and the end. */
    synchronized void expect(long lines) {
        expectedLines = lines;
        take(List.of());
    }

    boolean done() {
        return complete || failure != null;
    }

    String failure() {
        return failure;
    }

    synchronized List<Long> lines() {
        return List.copyOf(lines);
    }

    /** The event ids of {@link #lines()}, in the same order. */
    synchronized List<String> ids() {
        return List.copyOf(ids);
    }

    synchronized Map<String, Integer> resets() {
        return Map.copyOf(resets);
    }

    /** Streams that ended before the client was complete (it came back each time). */
    int reconnects() {
        return reconnects;
    }

    /** Streams given up after {@link #SILENCE} without an event, pings included (the page's watchdog would reopen them too). */
    int silences() {
        return silences;
    }

    /** Answers other than 200 while reconnecting (the balancer had no gateway to give). */
    int refusals() {
        return refusals;
    }

    /** Where this client is, for a drill's report when it did not complete. */
    synchronized String describe() {
        return "%d lines (first %s, last %s), end seen: %s, reconnects %d, resets %s, last frame %d ms ago, last id %s".formatted(
            lines.size(), lines.isEmpty() ? "-" : lines.getFirst(), lines.isEmpty() ? "-" : lines.getLast(), sawEnd,
            reconnects, resets, Duration.ofNanos(System.nanoTime() - lastFrameNanos).toMillis(), lastFrameId)
            + "; last frames: " + String.join(" | ", recentFrames);
    }

    Duration longestGap() {
        return Duration.ofNanos(longestGapNanos);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
