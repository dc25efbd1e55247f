package io.quaero.ingest.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** When a listener counts as stuck: records waiting and nothing stored for longer than stuck-after. */
class ListenerStateTest {

    private static final Duration STUCK_AFTER = Duration.ofSeconds(60);
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void recordsWaitingWithoutACommitForLongerThanStuckAfterIsStuck() {
        assertThat(state(Optional.of(5L), NOW.minusSeconds(61)).stuck(STUCK_AFTER)).isTrue();
        assertThat(state(Optional.of(5L), NOW.minusSeconds(59)).stuck(STUCK_AFTER)).isFalse();
    }

    @Test
    void anIdleListenerIsNotStuckHoweverLongAgoItLastCommitted() {
        assertThat(state(Optional.of(0L), NOW.minusSeconds(3_600)).stuck(STUCK_AFTER)).isFalse();
    }

    @Test
    void anUnknownLagOrATurnedOffCheckIsNeverStuck() {
        assertThat(state(Optional.empty(), NOW.minusSeconds(3_600)).stuck(STUCK_AFTER)).isFalse();
        assertThat(state(Optional.of(5L), NOW.minusSeconds(3_600)).stuck(Duration.ZERO)).isFalse();
    }

    @Test
    void detailsSayStateLagAndLastCommit() {
        var stuck = new ListenerState(true, Optional.of(7L), Optional.of(NOW.minusSeconds(90)), NOW.minusSeconds(90), NOW);
        assertThat(stuck.details(STUCK_AFTER)).containsEntry("state", "stuck").containsEntry("lag", 7L)
            .containsEntry("lastCommit", "2026-11-25T11:58:30Z").containsEntry("secondsSinceLastCommit", 90L);
        var stopped = new ListenerState(false, Optional.empty(), Optional.empty(), NOW, NOW);
        assertThat(stopped.details(STUCK_AFTER)).containsEntry("state", "stopped").containsEntry("lag", "unknown")
            .containsEntry("lastCommit", "never").doesNotContainKey("secondsSinceLastCommit");
    }

    private static ListenerState state(Optional<Long> lag, Instant upToDate) {
        return new ListenerState(true, lag, Optional.of(upToDate), upToDate, NOW);
    }
}
