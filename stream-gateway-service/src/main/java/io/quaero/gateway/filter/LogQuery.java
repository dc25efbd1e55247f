package io.quaero.gateway.filter;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.InvalidCursorException;
import io.quaero.contracts.Level;
import io.quaero.gateway.api.BadParameterException;
import io.quaero.gateway.config.StreamProperties;

/**
 * The validated query of a log stream or fetch: every parameter is checked before any stream
 * starts, and a bad one is a 400 naming it. Streams and fetches share it, so the same parameters
 * mean the same thing everywhere.
 *
 * @param since resume point: the {@code since} parameter or the {@code Last-Event-ID} header, the
 *              later of the two when both are given. Both come together when a browser's
 *              EventSource, opened with {@code ?since=}, reconnects by itself: it repeats the URL
 *              and adds the id of the last event it received, which is the newer position.
 */
public record LogQuery(LogFilter filter, int limit, Cursor since) {

    /** Longest accepted {@code step} or {@code q}, in characters. */
    public static final int MAX_TEXT = 200;

    public static LogQuery parse(String step, String level, String q, String limit, String since, String lastEventId,
                               StreamProperties props) {
        var filter = new LogFilter(text("step", step), level(level), text("q", q));
        Cursor fromParameter = cursor("since", since);
        Cursor fromHeader = cursor("Last-Event-ID", lastEventId);
        Cursor resume = fromParameter == null ? fromHeader
            : fromHeader == null || fromHeader.partition() != fromParameter.partition() ? fromParameter
            : fromHeader.offset() > fromParameter.offset() ? fromHeader : fromParameter;
        return new LogQuery(filter, limit(limit, props), resume);
    }

    private static String text(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_TEXT) {
            throw new BadParameterException(name, name + " is longer than " + MAX_TEXT + " characters");
        }
        if (value.indexOf('\u0000') >= 0) {
            // PostgreSQL text cannot hold it, so no stored line or step has one (found by ApiFuzzTest: a 500).
            throw new BadParameterException(name, name + " cannot contain the NUL character");
        }
        return value;
    }

    private static Level level(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return Level.tryParse(value).orElseThrow(() -> new BadParameterException("level",
            "level must be one of debug, info, warn, error, fatal; was '" + value + "'"));
    }

    private static int limit(String value, StreamProperties props) {
        if (value == null || value.isEmpty()) {
            return props.defaultLimit();
        }
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new BadParameterException("limit", "limit must be a number, was '" + value + "'");
        }
        if (n < 1 || n > props.maxLimit()) {
            throw new BadParameterException("limit", "limit must be 1.." + props.maxLimit() + ", was " + n);
        }
        return n;
    }

    /** A cursor parameter, or null when absent; a malformed one is a 400 naming {@code name}. */
    public static Cursor cursor(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Cursor.parse(value);
        } catch (InvalidCursorException e) {
            throw new BadParameterException(name, name + " is not a cursor: " + e.getMessage());
        }
    }
}
