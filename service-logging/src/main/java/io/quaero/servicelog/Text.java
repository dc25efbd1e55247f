package io.quaero.servicelog;

import org.jspecify.annotations.Nullable;

/**
 * Text rules of the wire format and of its one writer of history, log-ingest: names are non-blank
 * and at most 200 code points (the JSON Schema's {@code maxLength}), and no text may hold a NUL,
 * which PostgreSQL cannot store (ingest would dead-letter the whole line). Lone surrogates are
 * replaced too, because they have no UTF-8 form and the JSON encoder would reject the line.
 */
final class Text {

    /** Longest service, instance or logger name, in code points (the schema's limit). */
    static final int MAX_NAME_LENGTH = 200;

    private static final char REPLACEMENT = '\uFFFD';

    private Text() {
    }

    /**
     * {@code text} with every NUL and every unpaired surrogate replaced by U+FFFD. The length does
     * not change, so a text cut to a limit before cleaning stays within it.
     */
    static String clean(String text) {
        char[] chars = null;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            boolean bad;
            if (c == '\0') {
                bad = true;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                    continue;
                }
                bad = true;
            } else {
                bad = Character.isLowSurrogate(c);
            }
            if (bad) {
                if (chars == null) {
                    chars = text.toCharArray();
                }
                chars[i] = REPLACEMENT;
            }
        }
        return chars == null ? text : new String(chars);
    }

    /**
     * A name fit for the wire: cleaned and cut to {@link #MAX_NAME_LENGTH} code points, or
     * {@code null} when nothing visible is left (the schema asks for a non-whitespace character).
     */
    static @Nullable String name(@Nullable String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String cleaned = clean(raw);
        if (cleaned.codePointCount(0, cleaned.length()) > MAX_NAME_LENGTH) {
            cleaned = cleaned.substring(0, cleaned.offsetByCodePoints(0, MAX_NAME_LENGTH));
        }
        return cleaned.isBlank() ? null : cleaned;
    }

    /**
     * Checks a configured name (service, instance) and returns it; configuration mistakes should
     * fail at startup, not make every line invalid later.
     *
     * @throws IllegalArgumentException naming {@code what}
     */
    static String requireName(String what, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (value.codePointCount(0, value.length()) > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(what + " must be at most " + MAX_NAME_LENGTH + " characters, was "
                + value.codePointCount(0, value.length()));
        }
        if (!clean(value).equals(value)) {
            throw new IllegalArgumentException(what + " must not contain NUL or unpaired surrogate characters");
        }
        return value;
    }
}
