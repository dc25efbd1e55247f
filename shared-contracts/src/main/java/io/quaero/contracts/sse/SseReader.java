package io.quaero.contracts.sse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Parses a {@code text/event-stream} body the way the HTML standard's EventSource does: fields
 * {@code event}, {@code data} (joined by newlines), {@code id}, {@code retry}; comment lines (a
 * leading colon) are skipped; a blank line dispatches the frame. Used by tests and benchmarks,
 * which must see what a browser sees, not what the server meant to send.
 */
public final class SseReader implements AutoCloseable {

    private final BufferedReader in;

    public SseReader(InputStream body) {
        this.in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next complete frame, or null at the end of the stream. Frames with no fields are skipped. */
    public @Nullable SseFrame next() throws IOException {
        String event = null;
        String id = null;
        Long retry = null;
        StringBuilder data = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null || event != null || id != null || retry != null) {
                    return new SseFrame(event == null ? "message" : event, id, data == null ? "" : data.toString(), retry);
                }
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> event = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "id" -> id = value;
                case "retry" -> {
                    try {
                        retry = Long.parseLong(value);
                    } catch (NumberFormatException ignored) {
                        // The standard says: ignore a retry field that is not all digits.
                    }
                }
                default -> {
                    // Unknown fields are ignored, as by EventSource.
                }
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
