package io.quaero.jobs.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.quaero.access.MovableClock;
import org.junit.jupiter.api.Test;

class SignInThrottleTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-06T12:00:00Z"));
    private final SignInThrottle throttle = new SignInThrottle(clock, SignInThrottle.FREE_FAILURES_PER_NAME);

    @Test
    void theFirstFewWrongPasswordsCostNothingThenEachWaitDoublesUpToFifteenMinutes() {
        for (int i = 0; i < SignInThrottle.FREE_FAILURES_PER_NAME; i++) {
            assertThat(throttle.waitFor("alice")).isEmpty();
            throttle.failed("alice");
        }
        assertThat(throttle.waitFor("alice")).contains(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        assertThat(throttle.waitFor("alice")).as("the wait is over").isEmpty();
        throttle.failed("alice");
        assertThat(throttle.waitFor("alice")).contains(Duration.ofSeconds(4));
        assertThat(throttle.wait(40)).isEqualTo(Duration.ofMinutes(15));
        assertThat(throttle.waitFor("bob")).as("another name is not slowed").isEmpty();
    }

    @Test
    void aSuccessClearsTheCount() {
        for (int i = 0; i < SignInThrottle.FREE_FAILURES_PER_NAME; i++) {
            throttle.failed("alice");
        }
        throttle.succeeded("alice");
        assertThat(throttle.waitFor("alice")).isEmpty();
        throttle.failed("alice");
        assertThat(throttle.waitFor("alice")).isEmpty();
    }

    @Test
    void atMostTenThousandNamesAreFollowedTheLeastRecentLeavingFirst() {
        for (int i = 0; i < SignInThrottle.FREE_FAILURES_PER_NAME; i++) {
            throttle.failed("first");
        }
        for (int n = 0; n < SignInThrottle.MAX_KEYS; n++) {
            throttle.failed("name-" + n);
        }
        assertThat(throttle.waitFor("first")).isEmpty();
        assertThat(throttle.waitFor("name-" + (SignInThrottle.MAX_KEYS - 1))).isEmpty();
    }
}
