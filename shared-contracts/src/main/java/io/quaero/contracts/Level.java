package io.quaero.contracts;

import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Severity of a log line, declared from least to most severe so that ordinal order is severity order. */
public enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR,
    FATAL;

    /** Accepted on the wire; "warning" is an alias of "warn" because many logging libraries say so. */
    private static final String ALLOWED = "debug, info, warn, warning, error, fatal";

    /** The canonical wire name, e.g. {@code "warn"}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name. Matching is exact and lower-case only: being lenient here would let
     * producers drift and make the JSON Schema (which lists the same values) disagree.
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Level fromWire(String wire) {
        return tryParse(wire)
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown level " + Quote.of(wire) + ", expected one of " + ALLOWED));
    }

    /** Like {@link #fromWire(String)}, but empty instead of throwing (also for {@code null}). */
    public static Optional<Level> tryParse(@Nullable String wire) {
        if (wire == null) {
            return Optional.empty();
        }
        return switch (wire) {
            case "debug" -> Optional.of(DEBUG);
            case "info" -> Optional.of(INFO);
            case "warn", "warning" -> Optional.of(WARN);
            case "error" -> Optional.of(ERROR);
            case "fatal" -> Optional.of(FATAL);
            default -> Optional.empty();
        };
    }

    /**
     * The number that stands for this level in storage (0 debug .. 4 fatal), so that "at or
     * above" is a range in SQL. Stored rows depend on it: never reorder or renumber the levels.
     */
    public int severity() {
        return ordinal();
    }

    /** The level stored as {@code severity}; see {@link #severity()}. */
    public static Level fromSeverity(int severity) {
        Level[] all = values();
        if (severity < 0 || severity >= all.length) {
            throw new IllegalArgumentException("severity must be 0.." + (all.length - 1) + ", was " + severity);
        }
        return all[severity];
    }

    /** Whether this level is {@code threshold} or more severe, e.g. for "warnings and worse" filters. */
    public boolean isAtLeast(Level threshold) {
        return compareTo(threshold) >= 0;
    }
}
