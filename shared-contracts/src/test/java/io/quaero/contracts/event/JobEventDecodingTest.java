package io.quaero.contracts.event;

import static io.quaero.contracts.event.Docs.bytes;
import static io.quaero.contracts.event.Docs.edited;
import static io.quaero.contracts.event.Docs.job;
import static io.quaero.contracts.event.Docs.log;
import static io.quaero.contracts.event.Docs.status;
import static io.quaero.contracts.event.Docs.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

class JobEventDecodingTest {

    private static final String LEVELS = "expected one of debug, info, warn, warning, error, fatal";
    private static final String STATUSES = "expected one of pending, running, completed, failed, cancelled";
    private static final String NOT_A_TIMESTAMP = "is not an RFC 3339 date-time with offset";

    private final EventCodec codec = new EventCodec();

    // ------------------------------------------------------------------ accepted documents

    @Test
    void decodesACompleteLogEvent() {
        JobEvent event = codec.decodeJobEvent(bytes(log()));

        assertThat(event).isEqualTo(new LogEvent(
                UUID.fromString(Docs.EVENT_ID),
                UUID.fromString(Docs.JOB_ID),
                Instant.parse("2026-11-23T10:30:00.123Z"),
                Level.INFO,
                "Extracted 1200 rows",
                "s1",
                "Extract Data",
                "worker-1"));
    }

    @Test
    void decodesACompleteStatusEvent() {
        JobEvent event = codec.decodeJobEvent(bytes(status()));

        assertThat(event).isEqualTo(new StatusEvent(
                UUID.fromString(Docs.EVENT_ID),
                UUID.fromString(Docs.JOB_ID),
                Instant.parse("2026-11-23T10:30:00.123Z"),
                new JobState(JobStatus.RUNNING, 45),
                List.of(new StepState("s1", "Extract Data", JobStatus.COMPLETED),
                        new StepState("s2", null, JobStatus.RUNNING))));
    }

    @Test
    void acceptsWarningAsAliasOfWarn() {
        LogEvent event = (LogEvent) codec.decodeJobEvent(edited(log(), d -> d.put("level", "warning")));

        assertThat(event.level()).isEqualTo(Level.WARN);
    }

    @Test
    void treatsNullOptionalFieldsAsAbsent() {
        LogEvent event = (LogEvent) codec.decodeJobEvent(
                edited(log(), d -> d.putNull("step_id").putNull("step_name").putNull("source")));

        assertThat(event.stepId()).isNull();
        assertThat(event.stepName()).isNull();
        assertThat(event.source()).isNull();
    }

    @Test
    void treatsNullJobStepsAndProgressAsAbsent() {
        StatusEvent onlySteps = (StatusEvent) codec.decodeJobEvent(edited(status(), d -> d.putNull("job")));
        StatusEvent onlyJob = (StatusEvent) codec.decodeJobEvent(
                edited(status(), d -> job(d.putNull("steps")).putNull("progress")));

        assertThat(onlySteps.job()).isNull();
        assertThat(onlySteps.steps()).hasSize(2);
        assertThat(onlyJob.steps()).isEmpty();
        assertThat(onlyJob.job()).isEqualTo(new JobState(JobStatus.RUNNING, null));
    }

    @Test
    void acceptsAnEmptyMessage() {
        LogEvent event = (LogEvent) codec.decodeJobEvent(edited(log(), d -> d.put("message", "")));

        assertThat(event.message()).isEmpty();
    }

    @Test
    void acceptsEmptyStepsWhenJobIsPresent() {
        StatusEvent event = (StatusEvent) codec.decodeJobEvent(edited(status(), d -> d.putArray("steps")));

        assertThat(event.steps()).isEmpty();
    }

    @Test
    void convertsTimestampOffsetsToInstants() {
        JobEvent event = codec.decodeJobEvent(edited(log(), d -> d.put("timestamp", "2026-11-23T16:00:00.5+05:30")));

        assertThat(event.timestamp()).isEqualTo(Instant.parse("2026-11-23T10:30:00.500Z"));
    }

    @Test
    void acceptsUpperCaseUuids() {
        JobEvent event = codec.decodeJobEvent(edited(log(), d -> d.put("job_id", Docs.JOB_ID.toUpperCase())));

        assertThat(event.jobId()).isEqualTo(UUID.fromString(Docs.JOB_ID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"45.0", "4.5e1", "0.0", "100.000"})
    void acceptsWholeNumberProgressWrittenAsDecimal(String progress) {
        StatusEvent event = (StatusEvent) codec.decodeJobEvent(
                bytes(new String(bytes(status()), StandardCharsets.UTF_8).replace("\"progress\":45", "\"progress\":" + progress)));

        assertThat(event.job().progress()).isEqualTo(Double.valueOf(progress).intValue());
    }

    @Test
    void countsTextLengthInCodePointsLikeJsonSchema() {
        String rockets = "\uD83D\uDE80".repeat(200); // 200 code points, 400 UTF-16 chars
        LogEvent event = (LogEvent) codec.decodeJobEvent(edited(log(), d -> d.put("step_name", rockets)));

        assertThat(event.stepName()).isEqualTo(rockets);
    }

    // ------------------------------------------------------------------ rejected documents

    static Stream<Arguments> rejections() {
        return Stream.of(
                // the envelope
                rejects("schema missing", log(), d -> d.remove("schema"), "schema", "required field missing"),
                rejects("schema of another version", log(), d -> d.put("schema", "quaero.job-event/v2"), "schema",
                        "unsupported schema 'quaero.job-event/v2', expected 'quaero.job-event/v1'"),
                rejects("schema not a string", log(), d -> d.put("schema", 1), "schema", "expected string, got number"),
                rejects("type missing", log(), d -> d.remove("type"), "type", "required field missing"),
                rejects("type unknown", log(), d -> d.put("type", "metric"), "type",
                        "unknown type 'metric', expected 'log', 'status', 'mask' or 'logs-deleted'"),
                rejects("type null", log(), d -> d.putNull("type"), "type", "expected string, got null"),
                // unknown fields, per kind
                rejects("unknown root field", log(), d -> d.put("lvl", "info"), "lvl", "unknown field"),
                rejects("status field in a log", log(), d -> d.putObject("job"), "job", "unknown field"),
                rejects("log field in a status", status(), d -> d.put("message", "x"), "message", "unknown field"),
                rejects("unknown field in job", status(), d -> job(d).put("eta", "5m"), "job.eta", "unknown field"),
                rejects("unknown field in a step", status(), d -> step(d, 1).put("started_at", "x"),
                        "steps[1].started_at", "unknown field"),
                // required log fields
                rejects("event_id missing", log(), d -> d.remove("event_id"), "event_id", "required field missing"),
                rejects("job_id missing", status(), d -> d.remove("job_id"), "job_id", "required field missing"),
                rejects("timestamp missing", log(), d -> d.remove("timestamp"), "timestamp", "required field missing"),
                rejects("level missing", log(), d -> d.remove("level"), "level", "required field missing"),
                rejects("message missing", log(), d -> d.remove("message"), "message", "required field missing"),
                rejects("message null", log(), d -> d.putNull("message"), "message", "expected string, got null"),
                // wrong JSON types
                rejects("event_id a number", log(), d -> d.put("event_id", 42), "event_id", "expected string, got number"),
                rejects("job_id a boolean", log(), d -> d.put("job_id", true), "job_id", "expected string, got boolean"),
                rejects("timestamp a number", log(), d -> d.put("timestamp", 1795429800123L), "timestamp",
                        "expected string, got number"),
                rejects("level an array", log(), d -> d.putArray("level"), "level", "expected string, got array"),
                rejects("message an object", log(), d -> d.putObject("message"), "message", "expected string, got object"),
                rejects("step_id a number", log(), d -> d.put("step_id", 1), "step_id", "expected string, got number"),
                rejects("step_name a boolean", log(), d -> d.put("step_name", false), "step_name",
                        "expected string, got boolean"),
                rejects("source an array", log(), d -> d.putArray("source"), "source", "expected string, got array"),
                // UUIDs
                rejects("event_id not a UUID", log(), d -> d.put("event_id", "not-a-uuid"), "event_id",
                        "'not-a-uuid' is not a canonical UUID"),
                rejects("job_id with short groups that UUID.fromString accepts", log(), d -> d.put("job_id", "1-2-3-4-5"),
                        "job_id", "is not a canonical UUID"),
                rejects("job_id without dashes", log(), d -> d.put("job_id", Docs.JOB_ID.replace("-", "")), "job_id",
                        "is not a canonical UUID"),
                rejects("event_id with trailing newline", log(), d -> d.put("event_id", Docs.EVENT_ID + "\n"),
                        "event_id", "is not a canonical UUID"),
                // timestamps
                rejects("timestamp without offset", log(), d -> d.put("timestamp", "2026-11-23T10:30:00.123"),
                        "timestamp", NOT_A_TIMESTAMP),
                rejects("timestamp without seconds", log(), d -> d.put("timestamp", "2026-11-23T10:30Z"), "timestamp",
                        NOT_A_TIMESTAMP),
                rejects("timestamp with lower-case t", log(), d -> d.put("timestamp", "2026-11-23t10:30:00Z"),
                        "timestamp", NOT_A_TIMESTAMP),
                rejects("timestamp on 30 February", log(), d -> d.put("timestamp", "2026-02-30T10:30:00Z"), "timestamp",
                        NOT_A_TIMESTAMP),
                rejects("timestamp offset without colon", log(), d -> d.put("timestamp", "2026-11-23T10:30:00+0100"),
                        "timestamp", NOT_A_TIMESTAMP),
                rejects("timestamp in year 10000 once in UTC", log(),
                        d -> d.put("timestamp", "9999-12-31T23:30:00-01:00"), "timestamp", "outside years 0001-9999"),
                rejects("timestamp in year 0, which PostgreSQL cannot store (issue 10)", log(),
                        d -> d.put("timestamp", "0000-06-15T00:00:00Z"), "timestamp", NOT_A_TIMESTAMP),
                rejects("timestamp in year 0 once in UTC", log(),
                        d -> d.put("timestamp", "0001-01-01T00:30:00+01:00"), "timestamp", "outside years 0001-9999"),
                // strings PostgreSQL or UTF-8 cannot hold (issue 10)
                rejects("message with NUL", log(), d -> d.put("message", "a\u0000b"), "message", "contains NUL (U+0000)"),
                rejects("message with an unpaired surrogate", log(), d -> d.put("message", "a\uD800b"), "message",
                        "unpaired UTF-16 surrogate"),
                rejects("message ending in a high surrogate", log(), d -> d.put("message", "ab\uD83D"), "message",
                        "unpaired UTF-16 surrogate"),
                rejects("step_id with a line feed", log(), d -> d.put("step_id", "a\nb"), "step_id",
                        "control character U+000A"),
                rejects("source with DEL", log(), d -> d.put("source", "w\u007f"), "source", "control character U+007F"),
                rejects("the same step twice in one status (issue 10)", status(), d -> step(d, 1).put("id", step(d, 0).get("id").stringValue()),
                        "steps[1].id", "duplicate step id"),
                // levels
                rejects("level upper-case", log(), d -> d.put("level", "WARN"), "level", "unknown level 'WARN', " + LEVELS),
                rejects("level trace", log(), d -> d.put("level", "trace"), "level", "unknown level 'trace', " + LEVELS),
                // optional texts
                rejects("step_id empty", log(), d -> d.put("step_id", ""), "step_id", "must not be blank"),
                rejects("source blank", log(), d -> d.put("source", " \t "), "source", "must not be blank"),
                rejects("step_name of 201 characters", log(), d -> d.put("step_name", "x".repeat(201)), "step_name",
                        "longer than 200 characters"),
                // status: job
                rejects("job not an object", status(), d -> d.put("job", "running"), "job", "expected object, got string"),
                rejects("job status missing", status(), d -> job(d).remove("status"), "job.status",
                        "required field missing"),
                rejects("job status unknown", status(), d -> job(d).put("status", "done"), "job.status",
                        "unknown status 'done', " + STATUSES),
                rejects("progress above 100", status(), d -> job(d).put("progress", 101), "job.progress",
                        "must be between 0 and 100, got 101"),
                rejects("progress below 0", status(), d -> job(d).put("progress", -1), "job.progress",
                        "must be between 0 and 100, got -1"),
                rejects("progress a fraction", status(), d -> job(d).put("progress", 45.5), "job.progress",
                        "expected integer, got number"),
                rejects("progress a string", status(), d -> job(d).put("progress", "45"), "job.progress",
                        "expected integer, got string"),
                rejects("progress a boolean", status(), d -> job(d).put("progress", true), "job.progress",
                        "expected integer, got boolean"),
                // status: steps
                rejects("steps not an array", status(), d -> d.putObject("steps"), "steps", "expected array, got object"),
                rejects("step not an object", status(), d -> d.withArray("steps").add("s3"), "steps[2]",
                        "expected object, got string"),
                rejects("step id missing", status(), d -> step(d, 0).remove("id"), "steps[0].id", "required field missing"),
                rejects("step id blank", status(), d -> step(d, 0).put("id", "  "), "steps[0].id", "must not be blank"),
                rejects("step id of 201 characters", status(), d -> step(d, 0).put("id", "s".repeat(201)), "steps[0].id",
                        "longer than 200 characters"),
                rejects("step name blank", status(), d -> step(d, 0).put("name", ""), "steps[0].name",
                        "must not be blank"),
                rejects("step status missing", status(), d -> step(d, 1).remove("status"), "steps[1].status",
                        "required field missing"),
                rejects("step status unknown", status(), d -> step(d, 1).put("status", "skipped"), "steps[1].status",
                        "unknown status 'skipped', " + STATUSES),
                // status: says nothing
                rejects("status with neither job nor steps", status(), d -> d.remove(List.of("job", "steps")), "$",
                        "status event carries neither job nor steps"),
                rejects("status with empty steps and no job", status(), d -> {
                            d.remove("job");
                            d.putArray("steps");
                        }, "$",
                        "status event carries neither job nor steps"),
                rejects("status with job and steps null", status(), d -> d.putNull("job").putNull("steps"), "$",
                        "status event carries neither job nor steps"));
    }

    private static Arguments rejects(
            String name, ObjectNode base, java.util.function.Consumer<ObjectNode> edit, String field, String reason) {
        return argumentSet("rejects " + name, edited(base, edit), field, reason);
    }

    @ParameterizedTest
    @MethodSource("rejections")
    void rejectsDocumentsThatBreakARule(byte[] document, String field, String reason) {
        InvalidEventException e = decodeFailure(document);

        assertThat(e.field()).isEqualTo(field);
        assertThat(e.reason()).contains(reason);
        assertThat(e).hasMessage(field + ": " + e.reason());
    }

    // ------------------------------------------------------------------ not even a document

    @ParameterizedTest
    @ValueSource(strings = {
        "{", "{\"schema\":", "not json", "{\"schema\":\"quaero.job-event/v1\"} trailing",
        "{\"schema\":\"quaero.job-event/v1\",\"schema\":\"quaero.job-event/v1\"}", "{'schema':'quaero.job-event/v1'}",
        "{\"progress\":NaN}"
    })
    void rejectsMalformedJsonAsAWhole(String document) {
        InvalidEventException e = decodeFailure(bytes(document));

        assertThat(e.field()).isEqualTo("$");
        assertThat(e.reason()).startsWith("malformed JSON: ");
    }

    @Test
    void namesThePositionOfASyntaxError() {
        assertThat(decodeFailure(bytes("{\"schema\" 1}")).reason()).contains("line 1, column");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"log\"", "42", "null", "true"})
    void rejectsARootThatIsNotAnObject(String document) {
        InvalidEventException e = decodeFailure(bytes(document));

        assertThat(e.field()).isEqualTo("$");
        assertThat(e.reason()).startsWith("expected object, got ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void rejectsEmptyInput(String document) {
        InvalidEventException e = decodeFailure(bytes(document));

        assertThat(e.field()).isEqualTo("$");
        assertThat(e.reason()).startsWith("malformed JSON");
    }

    @Test
    void rejectsATombstone() {
        InvalidEventException e = decodeFailure(null);

        assertThat(e.field()).isEqualTo("$");
        assertThat(e.reason()).contains("tombstone");
    }

    @Test
    void rejectsAServiceLogOnTheJobTopic() {
        InvalidEventException e = decodeFailure(bytes(Docs.serviceLog()));

        assertThat(e.field()).isEqualTo("schema");
        assertThat(e.reason()).contains("unsupported schema 'quaero.service-log/v1'");
    }

    private InvalidEventException decodeFailure(byte[] document) {
        InvalidEventException e =
                catchThrowableOfType(InvalidEventException.class, () -> codec.decodeJobEvent(document));
        assertThat(e).as("decoding should have failed").isNotNull();
        return e;
    }
}
