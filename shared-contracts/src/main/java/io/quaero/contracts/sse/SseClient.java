package io.quaero.contracts.sse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A small Java SSE client over {@link HttpClient}: one reader thread parses frames with
 * {@link SseReader} into a queue that the caller takes from with a timeout. Tests and benchmarks
 * use it to see the stream exactly as EventSource would, including {@code Last-Event-ID} on
 * reconnect (pass it as a header).
 *
 * <p>The queue is unbounded on purpose: a test must not lose frames while it is not looking; a
 * caller that opens long streams reads them or closes them.
 */
public final class SseClient implements AutoCloseable {

    /** Marks the end of the stream in the queue. */
    private static final SseFrame END = new SseFrame("", null, "", null);

    private static final HttpClient HTTP = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1)
        .build();

    /**
     * Headers every stream opened by this JVM carries unless the call gives its own (e.g. the
     * {@code Authorization} of a test's or a benchmark's API token): one stack, one caller.
     */
    private static volatile Map<String, String> defaultHeaders = Map.of();

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<SseFrame> frames = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean ended;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = Thread.ofVirtual().name("sse-client " + response.uri().getPath()).start(this::read);
    }

    /** Opens the stream; the caller checks {@link #status()} (a 4xx has a JSON body, see {@link #body()}). */
    public static SseClient open(URI uri, Map<String, String> headers) {
        return open(HTTP, uri, headers);
    }

    /** As {@link #open(URI, Map)}, over the given client (one that trusts a test certificate, say). */
    public static SseClient open(HttpClient http, URI uri, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        defaultHeaders.forEach((name, value) -> {
            if (headers.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
                request.header(name, value);
            }
        });
        headers.forEach(request::header);
        try {
            return new SseClient(http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not open " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted opening " + uri, e);
        }
    }

    /**
     * Sets the headers every later {@link #open} call carries unless it gives its own (see
     * {@link #defaultHeaders}); returns the ones set before, for a caller that must put them back.
     */
    public static Map<String, String> defaultHeaders(Map<String, String> headers) {
        Map<String, String> before = defaultHeaders;
        defaultHeaders = Map.copyOf(headers);
        return before;
    }

    public static SseClient open(URI uri) {
        return open(uri, Map.of());
    }

    public int status() {
        return response.statusCode();
    }

    public HttpResponse<InputStream> response() {
        return response;
    }

    /** The whole body of a non-stream answer (an error); do not mix with {@link #next}. */
    public String body() {
        try {
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        var sb = new StringBuilder();
        frames.forEach(f -> sb.append(f.data()));
        return sb.toString();
    }

    /** The next frame within {@code timeout}, or null if none came (or the stream ended). */
    public @Nullable SseFrame next(Duration timeout) throws InterruptedException {
        if (ended && frames.isEmpty()) {
            return null;
        }
        SseFrame f = frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (f == END) {
            ended = true;
            return null;
        }
        return f;
    }

    /** The next frame of the given event type within {@code timeout}, skipping others; or null. */
    public @Nullable SseFrame next(String event, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            SseFrame f = next(Duration.ofNanos(left));
            if (f == null) {
                return null;
            }
            if (f.event().equals(event)) {
                return f;
            }
        }
        return null;
    }

    /** True once the server closed the stream and every frame was taken. */
    public boolean ended() {
        return ended;
    }

    private void read() {
        try (var in = new SseReader(response.body())) {
            if (response.statusCode() >= 400) {
                // Keep the error body readable through body().
                frames.add(new SseFrame("error", null, new String(response.body().readAllBytes()), null));
                return;
            }
            for (SseFrame f = in.next(); f != null; f = in.next()) {
                frames.add(f);
            }
        } catch (IOException e) {
            // Closed by us or by the server: the stream is over either way.
        } finally {
            frames.add(END);
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
        reader.interrupt();
    }
}
