package io.quaero.contracts;

import org.jspecify.annotations.Nullable;

/**
 * Quotes rejected input for error messages, cut short: such messages reach logs, HTTP responses
 * and Kafka headers, where a megabyte of attacker-chosen text must not follow them.
 */
final class Quote {

    private static final int MAX = 60;

    private Quote() {}

    static String of(@Nullable String value) {
        if (value == null) {
            return "null";
        }
        if (value.length() <= MAX) {
            return "'" + value + "'";
        }
        int cut = Character.isHighSurrogate(value.charAt(MAX - 4)) ? MAX - 4 : MAX - 3;
        return "'" + value.substring(0, cut) + "...'";
    }
}
