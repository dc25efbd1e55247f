package io.quaero.contracts.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14: a log message cannot inject an SSE event. Whatever line breaks (CR, LF, CRLF, U+2028,
 * U+2029) or SSE fields ({@code event:}, {@code data:}, {@code id:}, {@code retry:}, a comment) a
 * message holds, both ways the gateway writes a {@code logs} event (a whole payload, and the
 * prepared-entries path that shares bytes between connections) read back, with the parser that
 * behaves as EventSource, as exactly one {@code logs} event whose entry has exactly that text,
 * followed by nothing but the next real event.
 */
class Issue14MessageInjectionTest {

    private static final Instant AT = Instant.parse("2026-12-06T10:30:00Z");

    @ParameterizedTest
    @ValueSource(strings = {
        "crlf\r\nevent: status\r\ndata: {\"job\":{\"id\":\"forged\",\"status\":\"completed\"}}\r\n\r\n",
        "\n\nevent: status\ndata: {\"job\":{\"id\":\"forged\",\"status\":\"failed\"}}\n\nafter",
        "cr only\revent: reset\rdata: {\"reason\":\"unknown-cursor\"}\r\r",
        "id: 9-999\nretry: 1\n: comment\ndata: second data line",
        "separators\u2028event: logs\u2029data: {}\u2028\u2029",
        "\r",
        "\n",
        "event: ping",
        "\u0085next line\13vertical tab\fform feed"})
    void aMessageReadsBackAsOneLogsEventWithExactlyItsText(String message) throws Exception {
        var entry = new LogEntry("e1", "0-41", 41, AT, "info", message, "s1", "Step\u2028one", "w1");
        var meta = new LogsMeta(1, 1, false, "e1", "e1");
        var ping = new PingPayload(AT);

        var whole = new ByteArrayOutputStream();
        whole.write(SseJson.frame(SseEvents.LOGS, "0-41", new LogsPayload(List.of(entry), meta, null)));
        whole.write(SseJson.frame(SseEvents.PING, null, ping));
        assertOneLogsEventThenThePing(whole.toByteArray(), entry);

        var prepared = new ByteArrayOutputStream();
        SseJson.writeLogsEvent(prepared, "0-41", List.of(new SseJson.PreparedEntry(41, SseJson.logEntryWithoutLine(entry))), meta);
        prepared.write(SseJson.frame(SseEvents.PING, null, ping));
        assertOneLogsEventThenThePing(prepared.toByteArray(), entry);
    }

    private static void assertOneLogsEventThenThePing(byte[] stream, LogEntry entry) throws Exception {
        List<SseFrame> frames = new ArrayList<>();
        try (var reader = new SseReader(new ByteArrayInputStream(stream))) {
            for (SseFrame f = reader.next(); f != null; f = reader.next()) {
                frames.add(f);
            }
        }
        assertThat(frames).extracting(SseFrame::event).containsExactly(SseEvents.LOGS, SseEvents.PING);
        assertThat(frames.getFirst().id()).isEqualTo("0-41");
        assertThat(frames.getFirst().retry()).isNull();
        assertThat(frames.getFirst().data(LogsPayload.class).logs()).containsExactly(entry);
        assertThat(frames.get(1).id()).isNull();
    }
}
