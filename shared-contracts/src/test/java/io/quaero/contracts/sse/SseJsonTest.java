package io.quaero.contracts.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseJsonTest {

    private static final Instant AT = Instant.parse("2026-11-23T10:30:00.123Z");

    private static final LogEntry ENTRY =
            new LogEntry("e1", "3-1045", 7, AT, "info", "Extracted", "s1", "Extract Data", "worker-1");

    private static String json(Object payload) {
        return new String(SseJson.toJson(payload), StandardCharsets.UTF_8);
    }

    private static String frame(String event, String id, Object payload) {
        return new String(SseJson.frame(event, id, payload), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ payload JSON

    @Test
    void logEntryUsesSnakeCaseAndAnRfc3339Timestamp() {
        assertThat(json(ENTRY)).isEqualTo("{\"id\":\"e1\",\"cursor\":\"3-1045\",\"line\":7,"
                + "\"timestamp\":\"2026-11-23T10:30:00.123Z\",\"level\":\"info\",\"message\":\"Extracted\","
                + "\"step_id\":\"s1\",\"step_name\":\"Extract Data\",\"source\":\"worker-1\"}");
    }

    @Test
    void omitsNullFields() {
        LogEntry bare = new LogEntry("e1", "3-1045", 1, AT, "info", "m", null, null, null);

        assertThat(json(bare)).doesNotContain("step_id", "step_name", "source", "null");
        assertThat(json(new ResetPayload("shutdown", null))).isEqualTo("{\"reason\":\"shutdown\"}");
        assertThat(json(new StatusPayload(new JobView("j1", "running", null), null, null)))
                .isEqualTo("{\"job\":{\"id\":\"j1\",\"status\":\"running\"}}");
    }

    @Test
    void logsPayloadUsesSnakeCaseForMetaAndLeavesOutNextCursorOnStreams() {
        LogsPayload payload = new LogsPayload(List.of(ENTRY), new LogsMeta(12000, 500, true, "e0", "e1"), null);

        assertThat(json(payload))
                .contains("\"meta\":{\"total_count\":12000,\"displayed_count\":500,\"has_more\":true,"
                        + "\"oldest_id\":\"e0\",\"newest_id\":\"e1\"}")
                .doesNotContain("next_cursor");
        assertThat(json(new LogsPayload(List.of(), new LogsMeta(0, 0, false, null, null), "3-1046")))
                .isEqualTo("{\"logs\":[],\"meta\":{\"total_count\":0,\"displayed_count\":0,\"has_more\":false},"
                        + "\"next_cursor\":\"3-1046\"}");
    }

    @Test
    void statusPayloadCarriesJobStepsAndService() {
        StatusPayload payload = new StatusPayload(
                new JobView("j1", "running", 45),
                List.of(new StepView("s1", "Extract Data", "completed"), new StepView("s2", null, "running")),
                new ServiceView(List.of("gw-1", "gw-2"), "up", "down", 17));

        assertThat(json(payload)).isEqualTo("{\"job\":{\"id\":\"j1\",\"status\":\"running\",\"progress\":45},"
                + "\"steps\":[{\"id\":\"s1\",\"name\":\"Extract Data\",\"status\":\"completed\"},"
                + "{\"id\":\"s2\",\"status\":\"running\"}],"
                + "\"service\":{\"instances\":[\"gw-1\",\"gw-2\"],\"kafka\":\"up\",\"database\":\"down\","
                + "\"connected_clients\":17}}");
    }

    @Test
    void pingTimestampIsAStringNotANumber() {
        assertThat(json(new PingPayload(AT))).isEqualTo("{\"timestamp\":\"2026-11-23T10:30:00.123Z\"}");
    }

    @Test
    void everyPayloadReadsBackEqual() {
        List<Object> payloads = List.of(
                ENTRY,
                new LogsPayload(List.of(ENTRY), new LogsMeta(1, 1, false, "e1", "e1"), "3-1046"),
                new StatusPayload(new JobView("j1", "completed", 100), List.of(new StepView("s1", null, "failed")),
                        new ServiceView(List.of("gw-1"), "up", "up", 0)),
                new StatusPayload(null, null, null),
                new PingPayload(AT),
                new ResetPayload("rebalance", "3-1045"));

        for (Object payload : payloads) {
            assertThat(SseJson.fromJson(json(payload), payload.getClass())).isEqualTo(payload);
        }
    }

    @Test
    void readingRejectsUnknownFieldsSoRenamesBreakTests() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SseJson.fromJson("{\"reason\":\"x\",\"curser\":\"1-2\"}", ResetPayload.class))
                .withMessageContaining("ResetPayload");
    }

    @Test
    void readingRejectsMissingRequiredFields() {
        assertThatIllegalArgumentException().isThrownBy(() -> SseJson.fromJson("{}", ResetPayload.class));
    }

    // ------------------------------------------------------------------ frames

    @Test
    void frameWithIdHasIdEventAndOneDataLineThenABlankLine() {
        assertThat(frame(SseEvents.RESET, "3-1045", new ResetPayload("shutdown", "3-1045")))
                .isEqualTo("id: 3-1045\nevent: reset\ndata: {\"reason\":\"shutdown\",\"cursor\":\"3-1045\"}\n\n");
    }

    @Test
    void frameWithoutIdHasNoIdLine() {
        assertThat(frame(SseEvents.PING, null, new PingPayload(AT)))
                .isEqualTo("event: ping\ndata: {\"timestamp\":\"2026-11-23T10:30:00.123Z\"}\n\n");
    }

    @Test
    void newlinesInsideStringsStayEscapedOnOneDataLine() {
        String frame = frame(SseEvents.LOGS, "1-1", new ResetPayload("line one\nline two\r\nthree", null));

        assertThat(frame.lines().filter(l -> l.startsWith("data:"))).hasSize(1);
        assertThat(frame).contains("line one\\nline two\\r\\nthree").endsWith("\n\n");
    }

    @Test
    void rawLineBreaksInJsonGetOneDataLineEach() {
        // A payload whose serialised form spans lines, as a pretty-printing serialiser would produce.
        Object multiLine = new Object() {
            @com.fasterxml.jackson.annotation.JsonRawValue
            public String getRaw() {
                return "[1,\n2,\r\n3,\r4]";
            }
        };

        assertThat(frame(SseEvents.LOGS, null, multiLine))
                .isEqualTo("event: logs\ndata: {\"raw\":[1,\ndata: 2,\ndata: 3,\ndata: 4]}\n\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1-1\nevent: evil", "1-1\r", "1\u00002"})
    void rejectsIdsThatWouldBreakTheFrame(String id) {
        assertThatIllegalArgumentException().isThrownBy(() -> SseJson.frame(SseEvents.LOGS, id, new PingPayload(AT)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "logs\ndata: x"})
    void rejectsEventNamesThatWouldBreakTheFrame(String event) {
        assertThatIllegalArgumentException().isThrownBy(() -> SseJson.frame(event, null, new PingPayload(AT)));
    }

    @org.junit.jupiter.api.Test
    void aLogsEventWrittenFromPreparedEntriesReadsLikeOneSerialisedWhole() throws Exception {
        var a = new LogEntry("e1", "0-7", 41, java.time.Instant.parse("2026-11-23T10:30:00.123Z"), "warn",
            "disk \"full\"\n<b>", "s1", "Extract", "w1");
        var b = new LogEntry("e2", "0-9", 42, java.time.Instant.parse("2026-11-23T10:30:01Z"), "info", "ok", null, null, null);
        var meta = new LogsMeta(100, 2, true, "e1", "e2");
        var out = new java.io.ByteArrayOutputStream();
        SseJson.writeLogsEvent(out, "0-9", java.util.List.of(
            new SseJson.PreparedEntry(41, SseJson.logEntryWithoutLine(a)),
            new SseJson.PreparedEntry(42, SseJson.logEntryWithoutLine(b))), meta);
        try (var reader = new SseReader(new java.io.ByteArrayInputStream(out.toByteArray()))) {
            SseFrame f = reader.next();
            org.assertj.core.api.Assertions.assertThat(f.event()).isEqualTo(SseEvents.LOGS);
            org.assertj.core.api.Assertions.assertThat(f.id()).isEqualTo("0-9");
            org.assertj.core.api.Assertions.assertThat(f.data(LogsPayload.class))
                .isEqualTo(new LogsPayload(java.util.List.of(a, b), meta, null));
            org.assertj.core.api.Assertions.assertThat(reader.next()).isNull();
        }
        var empty = new java.io.ByteArrayOutputStream();
        SseJson.writeLogsEvent(empty, null, java.util.List.of(), meta);
        org.assertj.core.api.Assertions.assertThat(empty.toByteArray())
            .isEqualTo(SseJson.frame(SseEvents.LOGS, null, new LogsPayload(java.util.List.of(), meta, null)));
    }
}
