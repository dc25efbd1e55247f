package io.quaero.jobs.accounts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows password guessing against one name: after {@value #FREE_FAILURES} wrong passwords in a
 * row, that name's next attempt must wait {@link #FIRST_WAIT}, doubling with each further failure
 * up to {@link #LONGEST_WAIT}; a success clears it. A wait is answered before the password is
 * checked, so it also spares bcrypt's CPU.
 *
 * <p>Why a growing wait rather than a lock: whoever can guess a name could otherwise lock its
 * owner out; a wait of at most {@link #LONGEST_WAIT} keeps guessing at a few dozen tries an hour
 * while the owner, who knows the password, gets in at the next free moment.
 *
 * <p>Bounded: at most {@value #MAX_NAMES} names are followed, the least recently failed leaving
 * first. Per instance: with several job-service instances behind a balancer each keeps its own
 * count (docs/SECURITY.md).
 */
final class SignInThrottle {

    static final int FREE_FAILURES = 5;
    static final Duration FIRST_WAIT = Duration.ofSeconds(2);
    static final Duration LONGEST_WAIT = Duration.ofMinutes(15);
    static final int MAX_NAMES = 10_000;

    private record Failures(int count, Instant last) {
    }

    private final Clock clock;
    private final Map<String, Failures> byName = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_NAMES;
        }
    };

    SignInThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long {@code name} must still wait before its password is checked again; empty when it may try now. */
    synchronized Optional<Duration> waitFor(String name) {
        Failures f = byName.get(name);
        if (f == null || f.count() < FREE_FAILURES) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), f.last().plus(wait(f.count())));
        return left.isPositive() ? Optional.of(left) : Optional.empty();
    }

    synchronized void failed(String name) {
        Failures f = byName.get(name);
        byName.put(name, new Failures(f == null ? 1 : f.count() + 1, clock.instant()));
    }

    synchronized void succeeded(String name) {
        byName.remove(name);
    }

    /** The wait after {@code failures} failures in a row (at least {@value #FREE_FAILURES}). */
    static Duration wait(int failures) {
        int doublings = Math.min(failures - FREE_FAILURES, 20);
        Duration wait = FIRST_WAIT.multipliedBy(1L << doublings);
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
    }
}
