package io.quaero.gateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.event.StepState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The feed's byte pre-filter never turns away a status event, and turns away ordinary log lines. */
class StatusPrefilterTest {

    private static final UUID JOB = UUID.randomUUID();
    private final EventCodec codec = new EventCodec();

    @Test
    void passesEveryShapeOfStatusEvent() {
        var jobOnly = new StatusEvent(UUID.randomUUID(), JOB, Instant.now(), new JobState(JobStatus.RUNNING, 10), List.of());
        var stepsOnly = new StatusEvent(UUID.randomUUID(), JOB, Instant.now(), null,
            List.of(new StepState("parse", null, JobStatus.RUNNING)));
        assertThat(StatusPrefilter.mayBeStatus(codec.encode(jobOnly))).isTrue();
        assertThat(StatusPrefilter.mayBeStatus(codec.encode(stepsOnly))).isTrue();
    }

    @Test
    void passesAStatusEventWhoseKeysAndTypeAreSpelledWithEscapes() {
        // Legal JSON no encoder writes: every "status" string has an escaped letter.
        String json = """
            {"schema":"quaero.job-event/v1","type":"st\\u0061tus","event_id":"%s","job_id":"%s",\
            "timestamp":"2026-01-01T00:00:00Z","job":{"\\u0073tatus":"running"}}""".formatted(UUID.randomUUID(), JOB);
        byte[] value = json.getBytes(StandardCharsets.UTF_8);
        assertThat(codec.decodeJobEvent(value)).isInstanceOf(StatusEvent.class);
        assertThat(new String(value, StandardCharsets.UTF_8)).doesNotContain("\"status\"");
        assertThat(StatusPrefilter.mayBeStatus(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fetched 120 rows", "HTTP status 503", "set \"status\" to done", "status", "caf\u00e9 status",
        "status\" ok"})
    void turnsAwayLogLinesThatDoNotLookLikeAStatusEvent(String message) {
        byte[] value = codec.encode(new LogEvent(UUID.randomUUID(), JOB, Instant.now(), Level.INFO, "x " + message, "load",
            "Load", "worker-1"));
        assertThat(StatusPrefilter.mayBeStatus(value)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "set \"status"})
    void mayPassALogLineWhoseTextEndsLikeTheKeyWhichIsThenDecodedAndDropped(String message) {
        byte[] value = codec.encode(new LogEvent(UUID.randomUUID(), JOB, Instant.now(), Level.INFO, message, null, null, null));
        assertThat(StatusPrefilter.mayBeStatus(value)).isTrue();
        assertThat(codec.decodeJobEvent(value)).isInstanceOf(LogEvent.class);
    }

    @Test
    void handlesValuesShorterThanTheKeyAndEscapesAtTheEnd() {
        assertThat(StatusPrefilter.mayBeStatus(new byte[0])).isFalse();
        assertThat(StatusPrefilter.mayBeStatus("\"stat".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(StatusPrefilter.mayBeStatus("ab\\u007".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(StatusPrefilter.mayBeStatus("ab\\u0073".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(StatusPrefilter.mayBeStatus("\"status\"".getBytes(StandardCharsets.UTF_8))).isTrue();
    }
}
