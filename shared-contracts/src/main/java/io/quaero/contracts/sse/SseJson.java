package io.quaero.contracts.sse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON and SSE framing for the payloads of this package. One shared, thread-safe mapper.
 *
 * <p>Reading is strict (unknown properties fail): its users are tests checking what the gateway
 * really sends, where a renamed field must break them rather than read as absent, and the gateway
 * reading the status topic ({@link JobStatusChange#fromJson}), which passes on nothing it does not
 * know.
 */
public final class SseJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            // Explicit although it is Jackson 3's default: browsers need "2026-11-23T10:30:00.123Z", not a number.
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private static final byte[] ID = "id: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.UTF_8);

    private SseJson() {}

    /**
     * Serialises a payload as single-line UTF-8 JSON.
     *
     * @throws IllegalArgumentException if the object cannot be serialised
     */
    public static byte[] toJson(Object payload) {
        try {
            return MAPPER.writeValueAsBytes(payload);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot serialise " + payload.getClass().getName(), e);
        }
    }

    /**
     * Parses a payload, e.g. the {@code data} of a received frame.
     *
     * @throws IllegalArgumentException if the JSON is malformed or does not fit {@code type}
     */
    public static <T> T fromJson(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot read " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Renders one complete SSE frame, ready to write to the response:
     *
     * <pre>
     * id: 3-1045          (only when id is given)
     * event: logs
     * data: {"logs":[...]}
     *                     (blank line: ends the frame)
     * </pre>
     *
     * <p>SSE ends a data line at CR, LF or CRLF, so every line of the data needs its own {@code
     * data:} prefix (the browser joins them with "\n"). Compact JSON never contains a raw line
     * break, since those are escaped inside strings, but the frame is split defensively anyway: a
     * bare newline would otherwise silently truncate the event.
     *
     * @param event one of {@link SseEvents}
     * @param id the frame id, which the browser echoes as {@code Last-Event-ID} on reconnect; for
     *     log batches the {@link io.quaero.contracts.Cursor} of the newest line
     * @throws IllegalArgumentException if event or id contain a line break (which would let them
     *     inject fields) or id contains NUL (which makes browsers ignore it)
     */
    public static byte[] frame(String event, @Nullable String id, Object payload) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(payload, "payload");
        if (event.isBlank() || hasLineBreak(event)) {
            throw new IllegalArgumentException("invalid SSE event name: '" + event + "'");
        }
        if (id != null && (hasLineBreak(id) || id.indexOf('\0') >= 0)) {
            throw new IllegalArgumentException("invalid SSE id: '" + id + "'");
        }
        byte[] json = toJson(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 64);
        if (id != null) {
            out.writeBytes(ID);
            out.writeBytes(id.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        out.writeBytes(EVENT);
        out.writeBytes(event.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        writeData(out, json);
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * A log entry's JSON without its {@code line}: a stream serialises a live event once, however
     * many connections send it, and each adds the line number it computed (the same for all) with
     * {@link #writeLogsEvent}. Same fields and order rules as serialising the {@link LogEntry}.
     */
    public static byte[] logEntryWithoutLine(LogEntry entry) {
        ObjectNode node = MAPPER.valueToTree(entry);
        node.remove("line");
        return toJson(node);
    }

    /**
     * The UTF-8 bytes {@code s} takes as a JSON string value, quotes excluded: what a line costs
     * in a {@code logs} event. Control characters are escaped to six bytes each, so a 64 KiB line
     * of them takes 384 KiB; bounds on events and pages count this, not the characters.
     */
    public static long jsonBytes(@Nullable String s) {
        if (s == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes += c < 0x20 ? 6 : c == '"' || c == '\\' ? 2 : c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    /** An entry of a {@code logs} event: its line number and the rest of its JSON ({@link #logEntryWithoutLine}). */
    public record PreparedEntry(long line, byte[] withoutLine) {
    }

    /**
     * Writes a whole {@code logs} event straight to {@code out}: the same JSON as
     * {@code frame(LOGS, id, new LogsPayload(entries, meta, null))} (fields in another order), but
     * each entry's bytes are copied once, not serialised or assembled again per connection. The
     * JSON holds no raw line break (Jackson escapes them), so it is one {@code data:} line.
     */
    public static void writeLogsEvent(OutputStream out, @Nullable String id, List<PreparedEntry> entries, LogsMeta meta)
        throws IOException {
        if (id != null) {
            if (hasLineBreak(id) || id.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid SSE id: '" + id + "'");
            }
            out.write(ID);
            out.write(id.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        out.write(LOGS_EVENT_DATA);
        for (int i = 0; i < entries.size(); i++) {
            PreparedEntry e = entries.get(i);
            out.write(i == 0 ? LINE_FIRST : LINE_NEXT);
            out.write(Long.toString(e.line()).getBytes(StandardCharsets.US_ASCII));
            byte[] rest = e.withoutLine();
            if (rest.length > 2) {
                out.write(',');
            }
            out.write(rest, 1, rest.length - 1);
        }
        out.write(META);
        out.write(toJson(meta));
        out.write(END);
    }

    private static final byte[] LOGS_EVENT_DATA = "event: logs\ndata: {\"logs\":[".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LINE_FIRST = "{\"line\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LINE_NEXT = ",{\"line\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] META = "],\"meta\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] END = "}\n\n".getBytes(StandardCharsets.UTF_8);

    /** Writes one {@code data:} line per line of {@code json}; CR, LF and CRLF all count as one break. */
    private static void writeData(ByteArrayOutputStream out, byte[] json) {
        int start = 0;
        for (int i = 0; i <= json.length; i++) {
            boolean end = i == json.length;
            if (end || json[i] == '\n' || json[i] == '\r') {
                out.writeBytes(DATA);
                out.write(json, start, i - start);
                out.write('\n');
                if (!end && json[i] == '\r' && i + 1 < json.length && json[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    }
}
