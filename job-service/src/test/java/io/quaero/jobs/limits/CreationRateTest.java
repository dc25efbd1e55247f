package io.quaero.jobs.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.quaero.access.Caller;
import io.quaero.access.Role;
import io.quaero.access.limits.Client;
import org.junit.jupiter.api.Test;

/**
 * The per-user token bucket of job creation, with time driven by the test: a burst, then one
 * creation per interval, each user on their own, exempt users not at all, and a bounded memory.
 * Over HTTP against the real stack: dev-stack {@code Issue14LimitsTest}.
 */
class CreationRateTest {

    /** Starts far from zero, so a wrap of nanoTime's sign would show. */
    private long now = Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(30);
    /** A burst of 3, then one every 2 s. */
    private final CreationRate rate = new CreationRate(3, Duration.ofSeconds(2), () -> now, 4);

    @Test
    void aBurstThenOneCreationPerIntervalAndTheRefusalSaysWhenTheNextIsAllowed() {
        rate.take(user(1));
        rate.take(user(1));
        rate.take(user(1));
        assertThatThrownBy(() -> rate.take(user(1)))
            .isInstanceOfSatisfying(TooManyJobsException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(2))
            .hasMessageContaining("user user-1 creates jobs faster than allowed");
        advance(Duration.ofMillis(1_999));
        assertThatThrownBy(() -> rate.take(user(1)))
            .isInstanceOfSatisfying(TooManyJobsException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));
        advance(Duration.ofMillis(1));
        rate.take(user(1));
        assertThatThrownBy(() -> rate.take(user(1))).isInstanceOf(TooManyJobsException.class);
    }

    @Test
    void aRefusedCreationCostsNothing() {
        for (int i = 0; i < 3; i++) {
            rate.take(user(1));
        }
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> rate.take(user(1))).isInstanceOf(TooManyJobsException.class);
        }
        advance(Duration.ofSeconds(2));
        rate.take(user(1));
    }

    @Test
    void aQuietUserGetsTheirWholeBurstBackAndNoMore() {
        for (int i = 0; i < 3; i++) {
            rate.take(user(1));
        }
        advance(Duration.ofHours(1));
        for (int i = 0; i < 3; i++) {
            rate.take(user(1));
        }
        assertThatThrownBy(() -> rate.take(user(1))).isInstanceOf(TooManyJobsException.class);
    }

    @Test
    void eachUserHasTheirOwnBucketAndExemptUsersNone() {
        for (int i = 0; i < 3; i++) {
            rate.take(user(1));
        }
        rate.take(user(2));
        for (int i = 0; i < 1_000; i++) {
            rate.take(exempt());
        }
        assertThat(rate.usersTracked()).isEqualTo(2);
    }

    @Test
    void memoryIsBoundedAndUsersWithAFullBucketAreForgottenFirst() {
        for (int user = 1; user <= 4; user++) {
            rate.take(user(user));
        }
        assertThatThrownBy(() -> rate.take(user(5)))
            .as("four users with a bucket still refilling fill the map: a fifth waits until one is full again")
            .isInstanceOfSatisfying(TooManyJobsException.class, e -> assertThat(e.retryAfterSeconds()).isEqualTo(2));
        rate.take(user(1));
        advance(Duration.ofSeconds(2));
        // Users 2..4 are full again and forgotten; user 1 took two and is not.
        rate.take(user(5));
        assertThat(rate.usersTracked()).isEqualTo(2);
    }

    private void advance(Duration d) {
        now += d.toNanos();
    }

    private static Client user(long id) {
        return new Client(new Caller(id, "user-" + id, Role.OPERATOR, Set.of("a"), null), InetAddress.ofLiteral("198.51.100.1"), false);
    }

    private static Client exempt() {
        return new Client(new Caller(99, "bench", Role.ADMIN, Set.of("a"), null), InetAddress.ofLiteral("198.51.100.1"), true);
    }
}
