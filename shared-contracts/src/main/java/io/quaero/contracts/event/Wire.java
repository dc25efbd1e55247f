package io.quaero.contracts.event;

import java.time.Instant;
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
     * Canonical UUID text. {@link java.util.UUID#fromString} alone would also accept short groups
     * such as {@code "1-2-3-4-5"}, which other languages' parsers reject.
     */
    static final Pattern UUID_FORM = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /**
     * RFC 3339 date-time with a mandatory offset, narrowed to what {@link java.time.OffsetDateTime}
     * represents: upper-case T and Z, seconds 00-59 (no leap second), at most nanosecond precision,
     * offsets within ±18:00. Calendar validity (no 30 February) is checked by the parser afterwards.
     */
    static final Pattern TIMESTAMP_FORM = Pattern.compile(
            "(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-5][0-9](\\.[0-9]{1,9})?"
                    + "(Z|[+-](0[0-9]|1[0-7]):[0-5][0-9]|[+-]18:00)");

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
