package io.quaero.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class JobStatusTest {

    @ParameterizedTest
    @EnumSource(JobStatus.class)
    void wireNameIsLowerCaseAndParsesBack(JobStatus status) {
        assertThat(status.wireName()).isEqualTo(status.name().toLowerCase());
        assertThat(JobStatus.fromWire(status.wireName())).isEqualTo(status);
    }

    @ParameterizedTest
    @ValueSource(strings = {"RUNNING", "done", "canceled", ""})
    void rejectsUnknownNamesListingTheAllowedOnes(String wire) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> JobStatus.fromWire(wire))
                .withMessage("unknown status '" + wire
                        + "', expected one of pending, running, completed, failed, cancelled");
    }

    @Test
    void onlyCompletedFailedAndCancelledAreTerminal() {
        assertThat(JobStatus.values())
                .filteredOn(JobStatus::isTerminal)
                .containsExactly(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED);
    }
}
