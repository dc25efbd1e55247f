package io.quaero.jobs.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows password guessing, by key (a name, or a client address): after {@code freeFailures} wrong
 * passwords in a row, that key's next attempt must wait {@link #FIRST_WAIT}, doubling with each
 * further failure up to {@link #LONGEST_WAIT}; a success clears it. A wait is answered before the
 * password is checked, so it also spares bcrypt's CPU.
 *
 * <p>Why a growing wait rather than a lock: whoever can guess a name could otherwise lock its
 * owner out; a wait of at most {@link #LONGEST_WAIT} keeps guessing at a few dozen tries an hour
 * while the owner, who knows the password, gets in at the next free moment.
 *
 * <p>Bounded: at most {@value #MAX_KEYS} keys are followed, the least recently failed leaving
 * first (spraying names to push one out is what the per-address throttle is for). Per instance: with several job-service instances behind a balancer each keeps its own
 * count (docs/SECURITY.md).
 */
final class SignInThrottle {

    /** Wrong passwords in a row one name may have before it waits. */
    static final int FREE_FAILURES_PER_NAME = 5;
    /** The same for one client address: many people may share one (an office behind NAT). */
    static final int FREE_FAILURES_PER_ADDRESS = 50;
    static final Duration FIRST_WAIT = Duration.ofSeconds(2);
    static final Duration LONGEST_WAIT = Duration.ofMinutes(15);
    static final int MAX_KEYS = 10_000;

    private record Failures(int count, Instant last) {
    }

    private final Clock clock;
    private final int freeFailures;
    private final Map<String, Failures> byKey = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_KEYS;
        }
    };

    SignInThrottle(Clock clock, int freeFailures) {
        this.clock = clock;
        this.freeFailures = freeFailures;
    }

    /** How long {@code key} must still wait before a password is checked again; empty when it may try now. */
    synchronized Optional<Duration> waitFor(String key) {
        Failures f = byKey.get(key);
        if (f == null || f.count() < freeFailures) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), f.last().plus(wait(f.count())));
        return left.isPositive() ? Optional.of(left) : Optional.empty();
    }

    synchronized void failed(String key) {
        Failures f = byKey.get(key);
        byKey.put(key, new Failures(f == null ? 1 : f.count() + 1, clock.instant()));
    }

    synchronized void succeeded(String key) {
        byKey.remove(key);
    }

    /** The wait after {@code failures} failures in a row (at least the free ones). */
    Duration wait(int failures) {
        int doublings = Math.min(failures - freeFailures, 20);
        Duration wait = FIRST_WAIT.multipliedBy(1L << doublings);
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
    }
}
