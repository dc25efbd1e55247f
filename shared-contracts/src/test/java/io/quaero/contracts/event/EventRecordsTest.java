package io.quaero.contracts.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Records refuse what the wire format refuses, so every record can be encoded and read back. */
class EventRecordsTest {

    private static final UUID ID = UUID.randomUUID();
    private static final Instant AT = Instant.parse("2026-11-23T10:30:00Z");

    @Test
    void requiredFieldsAreNamedByTheirWireNameWhenNull() {
        assertThatNullPointerException()
                .isThrownBy(() -> new LogEvent(ID, null, AT, Level.INFO, "m", null, null, null))
                .withMessage("job_id");
        assertThatNullPointerException()
                .isThrownBy(() -> new ServiceLogEvent(ID, AT, Level.INFO, "m", "svc", null, null, null))
                .withMessage("instance");
    }

    @Test
    void rejectsBlankOrOverlongTexts() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new LogEvent(ID, ID, AT, Level.INFO, "m", " ", null, null))
                .withMessage("step_id: must not be blank");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new StepState("x".repeat(201), null, JobStatus.RUNNING))
                .withMessageContaining("longer than 200 characters");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ServiceLogEvent(ID, AT, Level.INFO, "m", "", "i", null, null))
                .withMessage("service: must not be blank");
    }

    @Test
    void rejectsProgressOutside0To100() {
        assertThatIllegalArgumentException().isThrownBy(() -> new JobState(JobStatus.RUNNING, 101));
        assertThatIllegalArgumentException().isThrownBy(() -> new JobState(JobStatus.RUNNING, -1));
        assertThat(new JobState(JobStatus.RUNNING, 100).progress()).isEqualTo(100);
    }

    @Test
    void rejectsTimestampsThatCannotBeWrittenWithAFourDigitYear() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new LogEvent(ID, ID, Instant.parse("+10000-01-01T00:00:00Z"), Level.INFO, "m", null,
                        null, null))
                .withMessageContaining("timestamp");
    }

    @Test
    void rejectsAStatusEventThatSaysNothing() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new StatusEvent(ID, ID, AT, null, List.of()))
                .withMessageContaining("neither job nor steps");
    }

    @Test
    void copiesStepsSoLaterChangesToTheCallersListDoNotLeakIn() {
        List<StepState> steps = new ArrayList<>(List.of(new StepState("s1", null, JobStatus.RUNNING)));
        StatusEvent event = new StatusEvent(ID, ID, AT, null, steps);

        steps.add(new StepState("s2", null, JobStatus.RUNNING));

        assertThat(event.steps()).hasSize(1);
        assertThat(event.steps()).isUnmodifiable();
    }

    @Test
    void invalidEventExceptionMessageIsFieldColonReason() {
        InvalidEventException e = new InvalidEventException("steps[1].status", "required field missing");

        assertThat(e).hasMessage("steps[1].status: required field missing");
        assertThat(e.field()).isEqualTo("steps[1].status");
        assertThat(e.reason()).isEqualTo("required field missing");
    }
}
