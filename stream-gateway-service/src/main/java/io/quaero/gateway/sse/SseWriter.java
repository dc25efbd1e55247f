package io.quaero.gateway.sse;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.quaero.contracts.sse.Disconnect;
import io.quaero.contracts.sse.LogsMeta;
import io.quaero.contracts.sse.SseJson;

/**
 * Writes SSE frames to one response. Every method flushes, because an event that sits in a
 * buffer is an event the browser does not see. Any {@link IOException} means the client is gone
 * ({@link #cause} says how).
 */
public final class SseWriter {

    private final OutputStream out;

    public SseWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Why a write failed: the socket did not take it within the write deadline (the client stopped
     * reading), or the client went away.
     */
    public static Disconnect cause(IOException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return Disconnect.WRITE_TIMEOUT;
            }
        }
        return Disconnect.CLIENT_GONE;
    }

    public void event(String name, String id, Object payload) throws IOException {
        out.write(SseJson.frame(name, id, payload));
        out.flush();
    }

    /** A {@code logs} event written straight from prepared entries (no per-connection serialisation). */
    public void logs(String id, List<SseJson.PreparedEntry> entries, LogsMeta meta) throws IOException {
        SseJson.writeLogsEvent(out, id, entries, meta);
        out.flush();
    }

    /**
     * Frames rendered once and shared by many connections (the jobs feed's {@code status}
     * events), written back to back with one flush.
     */
    public void frames(List<byte[]> frames) throws IOException {
        for (byte[] frame : frames) {
            out.write(frame);
        }
        out.flush();
    }

    /** Whole events prepared once for many connections, written as they are. */
    public void prepared(byte[] events) throws IOException {
        out.write(events);
        out.flush();
    }

    /**
     * Sets the stream's last event id without an event (EventSource keeps an {@code id:} even from
     * a block with no data): what it sends back as {@code Last-Event-ID} when it reconnects.
     */
    public void lastEventId(String id) throws IOException {
        if (id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("invalid SSE id: '" + id + "'");
        }
        out.write(("id: " + id + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A comment line: ignored by EventSource, but it pushes the headers out and proves the pipe. */
    public void comment(String text) throws IOException {
        out.write((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Tells EventSource how long to wait before it reconnects. */
    public void retry(Duration delay) throws IOException {
        out.write(("retry: " + delay.toMillis() + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
