package io.quaero.contracts.sse;

import org.jspecify.annotations.Nullable;

/**
 * One event as an SSE client sees it, after the parser joined its lines.
 *
 * @param event the {@code event:} name ({@code "message"} when absent)
 * @param id    the {@code id:} value, or null when the frame had none
 * @param data  the {@code data:} lines joined with {@code \n}
 * @param retry the {@code retry:} value in milliseconds, or null
 */
public record SseFrame(String event, @Nullable String id, String data, @Nullable Long retry) {

    public <T> T data(Class<T> type) {
        return SseJson.fromJson(data, type);
    }
}
