package io.quaero.contracts;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The position of a job event in the Kafka log: partition and offset on {@link Topics#JOB_EVENTS}.
 *
 * <p>Because the events of a job that count are those in the job's partition (see {@link
 * Topics#JOB_EVENTS}), a cursor
 * totally orders a job's events, and clients resume a stream by sending back the last cursor they
 * saw (the SSE {@code Last-Event-ID}). Its string form is {@code "<partition>-<offset>"}, e.g.
 * {@code "3-1045"}.
 */
public record Cursor(int partition, long offset) implements Comparable<Cursor> {

    /**
     * Canonical decimal numbers only: no sign, no leading zeros. One cursor therefore has exactly
     * one spelling, so cursors can be compared and cached as strings too.
     */
    private static final Pattern FORM = Pattern.compile("(0|[1-9][0-9]*)-(0|[1-9][0-9]*)");

    private static final Comparator<Cursor> ORDER =
            Comparator.comparingInt(Cursor::partition).thenComparingLong(Cursor::offset);

    public Cursor {
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, got " + partition);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
    }

    /**
     * Parses the string form produced by {@link #toString()}.
     *
     * @throws InvalidCursorException if the value is null, blank, malformed, negative or too large
     */
    public static Cursor parse(@Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidCursorException(value, "cursor is missing");
        }
        Matcher m = FORM.matcher(value);
        if (!m.matches()) {
            throw new InvalidCursorException(value, "expected <partition>-<offset> with non-negative decimal numbers");
        }
        try {
            return new Cursor(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
        } catch (NumberFormatException e) {
            throw new InvalidCursorException(value, "partition or offset out of range");
        }
    }

    /** Orders by partition, then offset. Only the offsets of cursors on one partition are meaningful to compare. */
    @Override
    public int compareTo(Cursor other) {
        return ORDER.compare(this, other);
    }

    /** The wire form, e.g. {@code "3-1045"}. */
    @Override
    public String toString() {
        return partition + "-" + offset;
    }
}
