package io.quaero.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One browser watching one job's stream, on its own virtual thread. Like EventSource it
 * reconnects when the stream ends (after a {@code reset}, say) and sends {@code Last-Event-ID},
 * so a reset costs the client a replay, not lost lines — and the run shows both the resets and
 * whether every line still arrived.
 *
 * <p>Counters are written by the client's thread only. The ones the driver reads while the run
 * is going are volatile and published once per frame, not per entry.
 */
final class GatewaySseClient implements GatewaySseScanner.Listener {

    private static final int READ_BUFFER_BYTES = 16 * 1024;

    private final int index;
    private final int jobIndex;
    private final URI uri;
    private final HttpClient http;
    private final GatewayRunPhase phase;
    private final GatewayLatencyHistogram latency = new GatewayLatencyHistogram();

    /** Entries published since the run started, received (completeness). */
    private volatile long runEntries;
    /** Entries received while the measured window was open (rate). */
    private volatile long measuredEntries;
    private long pendingRunEntries;
    private long pendingMeasuredEntries;
    /** Entries published before the run: the initial backlog. */
    private long backlogEntries;
    private volatile int resets;
    /** Why the gateway reset this client's streams, and how often. */
    private final Map<String, Integer> resetReasons = new HashMap<>();
    private volatile int reconnects;
    private volatile int connectFailures;
    private volatile boolean ready;
    private volatile String failure;
    private String lastEventId;
    private volatile InputStream body;
    private Thread thread;

    GatewaySseClient(int index, int jobIndex, URI uri, HttpClient http, GatewayRunPhase phase) {
        this.index = index;
        this.jobIndex = jobIndex;
        this.uri = uri;
        this.http = http;
        this.phase = phase;
    }

    void start() {
        thread = Thread.ofVirtual().name("sse-client-" + index).start(this::run);
    }

    /** Closes the stream and waits for the thread; call after {@link GatewayRunPhase#stop()}. */
    void close() {
        var in = body;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all we wanted
            }
        }
        thread.interrupt();
    }

    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return thread.join(timeout);
    }

    private void run() {
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        while (!phase.stopping()) {
            HttpResponse<InputStream> response;
            try {
                response = http.send(request(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                connectFailures++;
                if (!pause()) {
                    return;
                }
                continue;
            } catch (InterruptedException e) {
                return;
            }
            try (InputStream in = response.body()) {
                if (response.statusCode() == 503) {
                    // Over the gateway's connection limit: retry later, as a browser would.
                    connectFailures++;
                    if (!pause()) {
                        return;
                    }
                    continue;
                }
                if (response.statusCode() != 200) {
                    // A 404 or 400 will not go away by retrying: report it and stop this client.
                    failure = "HTTP " + response.statusCode() + ": "
                        + new String(in.readNBytes(300), StandardCharsets.UTF_8);
                    return;
                }
                body = in;
                if (phase.stopping()) {
                    return;
                }
                var scanner = new GatewaySseScanner(this);
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (n > 0) {
                        scanner.feed(buffer, n, GatewayRunPhase.nowMicros());
                    }
                }
            } catch (IOException e) {
                // The gateway ended the stream, or close() did: reconnect unless stopping.
            }
            if (!phase.stopping()) {
                reconnects++;
            }
        }
    }

    /** The {@code reason} of a reset payload, {@code {"reason":"overflow","cursor":"…"}}. */
    private static String reason(String data) {
        String key = "\"reason\":\"";
        int at = data == null ? -1 : data.indexOf(key);
        if (at < 0) {
            return "?";
        }
        int end = data.indexOf('"', at + key.length());
        return end < 0 ? "?" : data.substring(at + key.length(), end);
    }

    private HttpRequest request() {
        var request = BenchCaller.request(uri).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return request.build();
    }

    /** EventSource's reconnection delay after a failed connect; false when interrupted. */
    private boolean pause() {
        try {
            Thread.sleep(500);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void onEntry(long publishedMicros, long receivedMicros) {
        if (publishedMicros >= phase.runFromMicros()) {
            pendingRunEntries++;
            if (publishedMicros >= phase.latencyFromMicros()) {
                latency.record(receivedMicros - publishedMicros);
            }
        } else {
            backlogEntries++;
        }
        if (phase.measuring()) {
            pendingMeasuredEntries++;
        }
    }

    @Override
    public void onFrame(GatewaySseScanner.Event event, String id, String data) {
        if (id != null) {
            lastEventId = id;
        }
        switch (event) {
            case LOGS -> {
                runEntries += pendingRunEntries;
                measuredEntries += pendingMeasuredEntries;
                pendingRunEntries = 0;
                pendingMeasuredEntries = 0;
                ready = true;
            }
            case RESET -> {
                resets++;
                resetReasons.merge(reason(data), 1, Integer::sum);
            }
            default -> {
                // status and ping: nothing to count
            }
        }
    }

    int index() {
        return index;
    }

    int jobIndex() {
        return jobIndex;
    }

    /** True once the initial {@code logs} event (the backlog) arrived: the stream is live. */
    boolean ready() {
        return ready;
    }

    long runEntries() {
        return runEntries;
    }

    long measuredEntries() {
        return measuredEntries;
    }

    long backlogEntries() {
        return backlogEntries;
    }

    int resets() {
        return resets;
    }

    /** Only after {@link #awaitEnd}. */
    Map<String, Integer> resetReasons() {
        return Map.copyOf(resetReasons);
    }

    int reconnects() {
        return reconnects;
    }

    int connectFailures() {
        return connectFailures;
    }

    String failure() {
        return failure;
    }

    /** Only after {@link #awaitEnd}: the histogram has no other synchronisation. */
    GatewayLatencyHistogram latency() {
        return latency;
    }
}
