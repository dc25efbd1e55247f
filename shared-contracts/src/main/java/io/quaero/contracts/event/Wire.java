package io.quaero.contracts.event;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Value rules shared by the records (which reject bad values on construction) and the decoder
 * (which reports them as {@link InvalidEventException}s), so the two cannot drift apart. Every
 * pattern here is repeated verbatim in the JSON Schemas.
 */
final class Wire {

    /** Upper bound for ids and names, in Unicode code points (what JSON Schema's maxLength counts). */
    static final int MAX_TEXT_LENGTH = 200;

    /**
     * Whether {@code s} is canonical UUID text, {@code [0-9a-fA-F]{8}-{4}-{4}-{4}-{12}}.
     * {@link java.util.UUID#fromString} alone would also accept short groups such as
     * {@code "1-2-3-4-5"}, which other languages' parsers reject. A loop, not a regular expression:
     * ingest checks three ids per event, and the expression was a tenth of its decoding (issue 16).
     */
    static boolean isCanonicalUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-'
                : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 3339 date-time with a mandatory offset, narrowed to what {@link java.time.OffsetDateTime}
     * represents: upper-case T and Z, seconds 00-59 (no leap second), at most nanosecond precision,
     * offsets within ±18:00. Calendar validity (no 30 February) is checked by the parser afterwards.
     */
    static final Pattern TIMESTAMP_FORM = Pattern.compile(
            "(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]{1,9})?"
                    + "(Z|[+-](0[0-9]|1[0-7]):[0-5][0-9]|[+-]18:00)");

    /**
     * The instant of a text that matched {@link #TIMESTAMP_FORM}, whose fields are therefore at
     * fixed places: read directly, as {@code OffsetDateTime.parse(s, ISO_OFFSET_DATE_TIME)} would
     * (strict: no 30 February, no hour 24), without the formatter's general machinery, which was a
     * sixth of ingest's decoding (issue 16).
     *
     * @throws DateTimeException for a date or time that does not exist
     */
    static Instant timestampOfForm(String s) {
        int nanos = 0;
        int at = 19;
        if (s.charAt(at) == '.') {
            int end = at + 1;
            while (s.charAt(end) >= '0' && s.charAt(end) <= '9') {
                end++;
            }
            nanos = digits(s, at + 1, end);
            for (int d = end - at - 1; d < 9; d++) {
                nanos *= 10;
            }
            at = end;
        }
        ZoneOffset offset = s.charAt(at) == 'Z' ? ZoneOffset.UTC
            : s.charAt(at) == '+' ? ZoneOffset.ofHoursMinutes(digits(s, at + 1, at + 3), digits(s, at + 4, at + 6))
            : ZoneOffset.ofHoursMinutes(-digits(s, at + 1, at + 3), -digits(s, at + 4, at + 6));
        return LocalDateTime.of(digits(s, 0, 4), digits(s, 5, 7), digits(s, 8, 10), digits(s, 11, 13),
            digits(s, 14, 16), digits(s, 17, 19), nanos).toInstant(offset);
    }

    /** The number written by the ASCII digits {@code s[from, to)}. */
    private static int digits(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            n = n * 10 + (s.charAt(i) - '0');
        }
        return n;
    }

    /** "Non-blank" means "contains a non-whitespace character" in the sense of the schemas' {@code \S}. */
    private static final Pattern NON_BLANK = Pattern.compile("\\S");

    /**
     * Instants whose UTC rendering has a four-digit year from 0001: the encoded timestamp matches
     * {@link #TIMESTAMP_FORM}, and PostgreSQL can store it (it has no year 0: ISO year 0000 is
     * its 1 BC, which a COPY of {@code 0000-…} refuses, failing the whole batch).
     */
    static final Instant MIN_TIMESTAMP = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant MAX_TIMESTAMP = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private Wire() {}

    /** Why {@code text} is not acceptable as an id or name, or {@code null} if it is. */
    static @Nullable String textProblem(String text) {
        if (!NON_BLANK.matcher(text).find()) {
            return "must not be blank";
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // Ids and names are shown on one line, in headers and file names: no control characters.
            if (c < 0x20 || c == 0x7f) {
                return "contains the control character U+" + String.format("%04X", (int) c) + " at index " + i;
            }
        }
        if (text.codePointCount(0, text.length()) > MAX_TEXT_LENGTH) {
            return "longer than " + MAX_TEXT_LENGTH + " characters";
        }
        return null;
    }

    /**
     * Quotes a rejected value for an error message, cut short: reasons end up in logs and
     * dead-letter headers, where a multi-megabyte "UUID" must not follow them.
     */
    static String quote(String value) {
        if (value.length() <= 60) {
            return "'" + value + "'";
        }
        int cut = Character.isHighSurrogate(value.charAt(56)) ? 56 : 57;
        return "'" + value.substring(0, cut) + "...'";
    }

    /**
     * Why a string cannot be stored, or {@code null}: PostgreSQL text cannot hold NUL (U+0000), and
     * an unpaired UTF-16 surrogate (from a {@code \uD800} escape) has no UTF-8 form. Checked for
     * every string of every event, so no such value reaches a database write and fails its batch.
     */
    static @Nullable String storableProblem(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return "contains NUL (U+0000) at index " + i + ", which PostgreSQL text cannot store";
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate at index " + i + ", which UTF-8 cannot encode";
            }
        }
        return null;
    }

    static boolean inRange(Instant timestamp) {
        return !timestamp.isBefore(MIN_TIMESTAMP) && !timestamp.isAfter(MAX_TIMESTAMP);
    }

    // --- checks for record constructors: programming errors, hence IllegalArgumentException ---

    static void checkText(String field, @Nullable String text) {
        if (text != null) {
            String problem = textProblem(text);
            if (problem != null) {
                throw new IllegalArgumentException(field + ": " + problem);
            }
        }
    }

    static void checkTimestamp(Instant timestamp) {
        if (!inRange(timestamp)) {
            throw new IllegalArgumentException("timestamp: " + timestamp + " is outside years 0001-9999 (UTC)");
        }
    }
}
