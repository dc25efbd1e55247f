package io.quaero.contracts.event;

import static io.quaero.contracts.event.Docs.bytes;
import static io.quaero.contracts.event.Docs.edited;
import static io.quaero.contracts.event.Docs.serviceLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.quaero.contracts.Level;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

class ServiceLogDecodingTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void decodesACompleteServiceLog() {
        ServiceLogEvent event = codec.decodeServiceLog(bytes(serviceLog()));

        assertThat(event).isEqualTo(new ServiceLogEvent(
                UUID.fromString(Docs.EVENT_ID),
                Instant.parse("2026-11-23T10:30:00.123Z"),
                Level.WARN,
                "consumer lag above 10000",
                "log-ingest",
                "host-1",
                "io.quaero.ingest.EventConsumer",
                UUID.fromString(Docs.JOB_ID)));
    }

    @Test
    void treatsNullOptionalFieldsAsAbsent() {
        ServiceLogEvent event = codec.decodeServiceLog(edited(serviceLog(), d -> d.putNull("logger").putNull("job_id")));

        assertThat(event.logger()).isNull();
        assertThat(event.jobId()).isNull();
    }

    @Test
    void acceptsWarningAsAliasOfWarn() {
        assertThat(codec.decodeServiceLog(edited(serviceLog(), d -> d.put("level", "warning"))).level())
                .isEqualTo(Level.WARN);
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                rejects("a job event schema", d -> d.put("schema", "quaero.job-event/v1"), "schema",
                        "unsupported schema 'quaero.job-event/v1', expected 'quaero.service-log/v1'"),
                rejects("a type field, which only job events have", d -> d.put("type", "log"), "type", "unknown field"),
                rejects("event_id missing", d -> d.remove("event_id"), "event_id", "required field missing"),
                rejects("timestamp missing", d -> d.remove("timestamp"), "timestamp", "required field missing"),
                rejects("level missing", d -> d.remove("level"), "level", "required field missing"),
                rejects("message missing", d -> d.remove("message"), "message", "required field missing"),
                rejects("service missing", d -> d.remove("service"), "service", "required field missing"),
                rejects("instance missing", d -> d.remove("instance"), "instance", "required field missing"),
                rejects("service blank", d -> d.put("service", " "), "service", "must not be blank"),
                rejects("instance a number", d -> d.put("instance", 1), "instance", "expected string, got number"),
                rejects("instance of 201 characters", d -> d.put("instance", "h".repeat(201)), "instance",
                        "longer than 200 characters"),
                rejects("logger blank", d -> d.put("logger", ""), "logger", "must not be blank"),
                rejects("job_id not a UUID", d -> d.put("job_id", "job-42"), "job_id", "is not a canonical UUID"),
                rejects("job_id a number", d -> d.put("job_id", 42), "job_id", "expected string, got number"),
                rejects("level upper-case", d -> d.put("level", "FATAL"), "level", "unknown level 'FATAL'"),
                rejects("timestamp without offset", d -> d.put("timestamp", "2026-11-23T10:30:00"), "timestamp",
                        "is not an RFC 3339 date-time with offset"));
    }

    private static Arguments rejects(String name, Consumer<ObjectNode> edit, String field, String reason) {
        return argumentSet("rejects " + name, edited(serviceLog(), edit), field, reason);
    }

    @ParameterizedTest
    @MethodSource("rejections")
    void rejectsDocumentsThatBreakARule(byte[] document, String field, String reason) {
        InvalidEventException e =
                catchThrowableOfType(InvalidEventException.class, () -> codec.decodeServiceLog(document));

        assertThat(e).as("decoding should have failed").isNotNull();
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.reason()).contains(reason);
    }

    @Test
    void rejectsMalformedJsonAsAWhole() {
        InvalidEventException e =
                catchThrowableOfType(InvalidEventException.class, () -> codec.decodeServiceLog(bytes("{\"schema\"")));

        assertThat(e.field()).isEqualTo("$");
        assertThat(e.reason()).startsWith("malformed JSON: ");
    }
}
