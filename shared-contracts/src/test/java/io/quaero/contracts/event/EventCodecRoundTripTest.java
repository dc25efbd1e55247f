package io.quaero.contracts.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

class EventCodecRoundTripTest {

    private static final UUID EVENT = UUID.fromString(Docs.EVENT_ID);
    private static final UUID JOB = UUID.fromString(Docs.JOB_ID);
    private static final Instant AT = Instant.parse("2026-11-23T10:30:00.123Z");

    private final EventCodec codec = new EventCodec();

    static Stream<JobEvent> jobEvents() {
        return Stream.of(
                new LogEvent(EVENT, JOB, AT, Level.INFO, "Extracted 1200 rows", "s1", "Extract Data", "worker-1"),
                new LogEvent(EVENT, JOB, AT, Level.DEBUG, "", null, null, null),
                new LogEvent(EVENT, JOB, Instant.parse("2026-11-23T10:30:00.123456789Z"), Level.FATAL,
                        "line one\nline two \"quoted\" \u00e9\uD83D\uDE80", null, "\uD83D\uDE80".repeat(200), null),
                new LogEvent(EVENT, JOB, Instant.parse("0001-01-01T00:00:00Z"), Level.WARN, "min", null, null, null),
                new LogEvent(EVENT, JOB, Instant.parse("9999-12-31T23:59:59.999999999Z"), Level.ERROR, "max", null, null,
                        null),
                new StatusEvent(EVENT, JOB, AT, new JobState(JobStatus.RUNNING, 45), List.of(
                        new StepState("s1", "Extract Data", JobStatus.COMPLETED), new StepState("s2", null, JobStatus.RUNNING))),
                new StatusEvent(EVENT, JOB, AT, new JobState(JobStatus.PENDING, null), List.of()),
                new StatusEvent(EVENT, JOB, AT, null, List.of(new StepState("s3", null, JobStatus.CANCELLED))),
                new MaskEvent(EVENT, JOB, AT, "hunter2-\u00e9\uD83D\uDE80 with spaces"),
                new LogsDeletedEvent(EVENT, JOB, AT, UUID.fromString("1b6f3c3e-6d4f-4a51-9a43-2f1d1c2a7e11")));
    }

    @org.junit.jupiter.api.Test
    void aMaskEventNeverPrintsItsValue() {
        assertThat(new MaskEvent(EVENT, JOB, AT, "hunter2-secret").toString()).doesNotContain("hunter2");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> codec.decodeJobEvent(
            ("{\"schema\":\"quaero.job-event/v1\",\"type\":\"mask\",\"event_id\":\"" + EVENT + "\",\"job_id\":\"" + JOB
                + "\",\"timestamp\":\"2026-11-23T10:30:00Z\",\"value\":\"abc\",\"extra\":1}").getBytes())))
            .isInstanceOf(InvalidEventException.class);
        var tooShort = org.assertj.core.api.Assertions.catchThrowableOfType(InvalidEventException.class, () -> codec.decodeJobEvent(
            ("{\"schema\":\"quaero.job-event/v1\",\"type\":\"mask\",\"event_id\":\"" + EVENT + "\",\"job_id\":\"" + JOB
                + "\",\"timestamp\":\"2026-11-23T10:30:00Z\",\"value\":\"ab9\"}").getBytes()));
        assertThat(tooShort.field()).isEqualTo("value");
        assertThat(tooShort.getMessage()).as("the reason never quotes the value").doesNotContain("ab9");
    }

    @ParameterizedTest
    @MethodSource("jobEvents")
    void jobEventsSurviveARoundTrip(JobEvent event) {
        assertThat(codec.decodeJobEvent(codec.encode(event))).isEqualTo(event);
    }

    static Stream<ServiceLogEvent> serviceLogs() {
        return Stream.of(
                new ServiceLogEvent(EVENT, AT, Level.WARN, "lag", "log-ingest", "host-1", "io.quaero.X", JOB),
                new ServiceLogEvent(EVENT, AT, Level.INFO, "", "gateway", "pod-7", null, null));
    }

    @ParameterizedTest
    @MethodSource("serviceLogs")
    void serviceLogsSurviveARoundTrip(ServiceLogEvent event) {
        assertThat(codec.decodeServiceLog(codec.encode(event))).isEqualTo(event);
    }

    @Test
    void encodesALogEventAsDocumented() {
        byte[] json = codec.encode(
                new LogEvent(EVENT, JOB, AT, Level.INFO, "Extracted 1200 rows", "s1", "Extract Data", "worker-1"));

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(
                "{\"schema\":\"quaero.job-event/v1\",\"type\":\"log\",\"event_id\":\"" + Docs.EVENT_ID
                        + "\",\"job_id\":\"" + Docs.JOB_ID + "\",\"timestamp\":\"2026-11-23T10:30:00.123Z\","
                        + "\"level\":\"info\",\"message\":\"Extracted 1200 rows\",\"step_id\":\"s1\","
                        + "\"step_name\":\"Extract Data\",\"source\":\"worker-1\"}");
    }

    @Test
    void encodesAStatusEventAsDocumented() {
        byte[] json = codec.encode(new StatusEvent(EVENT, JOB, AT, new JobState(JobStatus.RUNNING, 45),
                List.of(new StepState("s1", "Extract Data", JobStatus.COMPLETED))));

        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo(
                "{\"schema\":\"quaero.job-event/v1\",\"type\":\"status\",\"event_id\":\"" + Docs.EVENT_ID
                        + "\",\"job_id\":\"" + Docs.JOB_ID + "\",\"timestamp\":\"2026-11-23T10:30:00.123Z\","
                        + "\"job\":{\"status\":\"running\",\"progress\":45},"
                        + "\"steps\":[{\"id\":\"s1\",\"name\":\"Extract Data\",\"status\":\"completed\"}]}");
    }

    @Test
    void omitsAbsentOptionalFieldsInsteadOfWritingNulls() {
        JsonNode log = Docs.json(new String(
                codec.encode(new LogEvent(EVENT, JOB, AT, Level.INFO, "m", null, null, null)), StandardCharsets.UTF_8));
        JsonNode status = Docs.json(new String(
                codec.encode(new StatusEvent(EVENT, JOB, AT, new JobState(JobStatus.RUNNING, null), List.of())),
                StandardCharsets.UTF_8));
        JsonNode serviceLog = Docs.json(new String(
                codec.encode(new ServiceLogEvent(EVENT, AT, Level.INFO, "m", "s", "i", null, null)),
                StandardCharsets.UTF_8));

        assertThat(log.propertyNames())
                .containsExactly("schema", "type", "event_id", "job_id", "timestamp", "level", "message");
        assertThat(status.propertyNames()).containsExactly("schema", "type", "event_id", "job_id", "timestamp", "job");
        assertThat(status.get("job").propertyNames()).containsExactly("status");
        assertThat(serviceLog.propertyNames())
                .containsExactly("schema", "event_id", "timestamp", "level", "message", "service", "instance");
    }

    @Test
    void writesTimestampsInUtcWithZ() {
        byte[] json = codec.encode(new LogEvent(EVENT, JOB, Instant.parse("2026-11-23T16:00:00+05:30"), Level.INFO, "m",
                null, null, null));

        assertThat(Docs.json(new String(json, StandardCharsets.UTF_8)).get("timestamp").stringValue())
                .isEqualTo("2026-11-23T10:30:00Z");
    }
}
