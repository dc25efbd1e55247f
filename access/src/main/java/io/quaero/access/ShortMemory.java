package io.quaero.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Answers read from the database, each remembered for a short time: the checks made on every
 * request and at every open stream's ping (does this session, this token still hold?) then cost
 * one indexed read per key per {@code validity}, and a change made on another instance (a sign-out,
 * a revoked token) takes effect here within {@code validity}.
 *
 * <p>At most {@code max} keys are remembered; past that the memory starts again empty: a burst of
 * reads, never unbounded growth. An absent answer (the reader returns null) is not remembered, so
 * guessing credentials cannot fill the memory with misses.
 */
final class ShortMemory<K, V> {

    private record Entry<V>(V value, Instant readAt) {
    }

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration validity;
    private final int max;

    ShortMemory(Clock clock, Duration validity, int max) {
        this.clock = clock;
        this.validity = validity;
        this.max = max;
    }

    /** The remembered answer for {@code key} if still valid, else {@code read}'s (remembered when not null). */
    @Nullable V get(K key, Function<K, @Nullable V> read) {
        Instant now = clock.instant();
        Entry<V> e = entries.get(key);
        if (e != null && now.isBefore(e.readAt().plus(validity))) {
            return e.value();
        }
        V value = read.apply(key);
        if (value == null) {
            entries.remove(key);
            return null;
        }
        if (entries.size() >= max) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, now));
        return value;
    }

    /** Forgets {@code key}: this instance reads it again at the next question. */
    void forget(K key) {
        entries.remove(key);
    }
}
