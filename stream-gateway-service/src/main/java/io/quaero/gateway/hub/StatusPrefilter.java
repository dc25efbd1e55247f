package io.quaero.gateway.hub;

import java.nio.charset.StandardCharsets;

/**
 * Tells from a record's raw bytes that it cannot be a status event, so the tail need not decode
 * it for the jobs feed: nearly every record is a log line, and decoding each one only to drop it
 * would make the feed cost as much as watching every job.
 *
 * <p>Why skipping is safe. A valid status event has {@code "type":"status"} and a {@code "status"}
 * key in its {@code job} or in each of its steps (the codec rejects one with neither). A JSON
 * string is delimited by literal quote characters, and the value is UTF-8 (the worker contract),
 * so each of those strings is the eight bytes {@code "status"} in the value, unless some of its
 * letters are written as {@code \}{@code u} escapes: legal JSON that no encoder we know writes for
 * ASCII letters, but legal. So a value that holds neither {@code "status"} nor an escape of one
 * of the letters s, t, a, u ({@code \}{@code u0073}, {@code \}{@code u0074}, {@code \}{@code u0061},
 * {@code \}{@code u0075}) is certainly not a status event. The check is one pass over the bytes
 * with no allocation.
 *
 * <p>It may pass records that are not status events (a log line with a text field that is
 * exactly {@code status} or ends in {@code "status}, or that holds such an escape): those are
 * decoded and then dropped, a cost, never a wrong answer. A line that quotes {@code "status"} in
 * the middle of its text does not pass: inside a JSON string both quotes are escaped
 * ({@code \"status\"}), so no bare quote follows the word.
 */
final class StatusPrefilter {

    private static final byte[] KEY = "\"status\"".getBytes(StandardCharsets.US_ASCII);

    private StatusPrefilter() {
    }

    /** False only when {@code value} is certainly not a status event. */
    static boolean mayBeStatus(byte[] value) {
        int last = value.length - KEY.length;
        for (int i = 0; i < value.length; i++) {
            byte b = value[i];
            if (b == '"' && i <= last && startsWith(value, i, KEY)) {
                return true;
            }
            if (b == '\\' && i + 5 < value.length && value[i + 1] == 'u' && value[i + 2] == '0' && value[i + 3] == '0'
                && spellsAStatusLetter(value[i + 4], value[i + 5])) {
                return true;
            }
        }
        return false;
    }

    /** The last two hex digits of an escape of s (73), t (74), u (75) or a (61); all digits, so no case to fold. */
    private static boolean spellsAStatusLetter(byte hi, byte lo) {
        return hi == '7' && (lo == '3' || lo == '4' || lo == '5') || hi == '6' && lo == '1';
    }

    private static boolean startsWith(byte[] value, int at, byte[] prefix) {
        for (int j = 1; j < prefix.length; j++) {
            if (value[at + j] != prefix[j]) {
                return false;
            }
        }
        return true;
    }
}
