package io.quaero.gateway.sse;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;

/** The one place a stream's response headers are written. */
public final class SseResponse {

    private SseResponse() {
    }

    /**
     * Makes {@code response} an event stream and pushes its headers out with a first comment.
     * {@code X-Accel-Buffering: no} because nginx and similar proxies must pass each event
     * through at once; {@code no-cache} because a stream is never the same twice.
     */
    public static SseWriter start(HttpServletResponse response, String comment) throws IOException {
        response.setContentType(MediaType.TEXT_EVENT_STREAM_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
        var out = new SseWriter(response.getOutputStream());
        out.comment(comment);
        return out;
    }
}
