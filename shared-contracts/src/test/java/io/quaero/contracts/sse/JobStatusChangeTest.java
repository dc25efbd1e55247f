package io.quaero.contracts.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.event.StepState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A status event as the status topic carries it and the feed sends it: the delta, naming its job. */
class JobStatusChangeTest {

    private static final UUID JOB = UUID.fromString("6f1c0b7e-3d2a-4c1b-9e8f-0a1b2c3d4e5f");
    private static final Instant AT = Instant.parse("2026-11-23T10:30:00.123Z");

    @Test
    void aStatusEventBecomesTheDeltaItIsNamingItsJobEvenWhenOnlyStepsChanged() {
        var stepOnly = JobStatusChange.of(new StatusEvent(UUID.randomUUID(), JOB, AT, null,
            List.of(new StepState("parse", "Parse", JobStatus.COMPLETED))));
        var jobOnly = JobStatusChange.of(new StatusEvent(UUID.randomUUID(), JOB, AT, new JobState(JobStatus.RUNNING, 40), List.of()));

        assertThat(text(stepOnly.toJson())).isEqualTo(
            "{\"job\":{\"id\":\"6f1c0b7e-3d2a-4c1b-9e8f-0a1b2c3d4e5f\"},\"steps\":[{\"id\":\"parse\",\"name\":\"Parse\",\"status\":\"completed\"}]}");
        assertThat(text(jobOnly.toJson())).isEqualTo(
            "{\"job\":{\"id\":\"6f1c0b7e-3d2a-4c1b-9e8f-0a1b2c3d4e5f\",\"status\":\"running\",\"progress\":40}}");
    }

    @Test
    void whatIsWrittenReadsBackAsTheSameChange() {
        var change = JobStatusChange.of(new StatusEvent(UUID.randomUUID(), JOB, AT, new JobState(JobStatus.FAILED, null),
            List.of(new StepState("load", null, JobStatus.FAILED))));

        assertThat(JobStatusChange.fromJson(change.toJson())).isEqualTo(change);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[]", "{}", "{\"job\":null}", "{\"job\":{}}", "{\"job\":{\"id\":\"x\"},\"extra\":1}",
        "{\"job\":{\"id\":\"x\",\"stat\":\"running\"}}", "{\"job\":{\"id\":\"x\"},\"steps\":[{\"id\":\"s\"}]}"})
    void anythingElseIsOneTypedError(String value) {
        assertThatIllegalArgumentException().isThrownBy(() -> JobStatusChange.fromJson(value.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aTombstoneIsOneTypedErrorToo() {
        assertThatIllegalArgumentException().isThrownBy(() -> JobStatusChange.fromJson(null));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
