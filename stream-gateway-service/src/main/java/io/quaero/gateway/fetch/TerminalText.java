package io.quaero.gateway.fetch;

/**
 * Makes a log message safe to print in a terminal: what {@code cat job.log} shows is the text, and
 * nothing in it can move the cursor, rewrite or hide lines, set the window title, write the
 * clipboard (OSC 52) or answer back to the shell.
 *
 * <ul>
 *   <li>Escape sequences go whole: CSI ({@code ESC [} parameters, intermediates, final byte; so
 *       colours too), string sequences (OSC {@code ESC ]}, DCS {@code ESC P}, SOS {@code ESC X}, PM
 *       {@code ESC ^}, APC {@code ESC _}) up to BEL or ST ({@code ESC \}), and the short
 *       {@code ESC} + intermediates + final forms. A string sequence that never ends loses only its
 *       introducer: the rest stays as visible text rather than being swallowed.</li>
 *   <li>Every other C0 control character goes, except tab and line feed (a message keeps its own
 *       line breaks); so does carriage return (it would let a line overwrite itself), backspace
 *       and DEL, and every C1 control (U+0080–U+009F: U+009B is a one-character CSI to many
 *       terminals).</li>
 * </ul>
 *
 * <p>Printable text, Unicode included, is untouched. The live page shows colours (it parses SGR
 * into spans, log-stream.js {@code ansiSegments}); the download is for reading, grepping and
 * keeping, where a raw escape sequence is a hazard and not a colour.
 */
final class TerminalText {

    private static final char ESC = 0x1b;
    private static final char BEL = 0x07;

    private TerminalText() {
    }

    static String strip(String text) {
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        var sb = new StringBuilder(text.length()).append(text, 0, first);
        int i = first;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ESC) {
                i = afterEscape(text, i);
            } else {
                if (!unsafe(c)) {
                    sb.append(c);
                }
                i++;
            }
        }
        return sb.toString();
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (unsafe(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean unsafe(char c) {
        return (c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7f && c <= 0x9f);
    }

    /** The index just after the escape sequence that starts at {@code esc}. */
    private static int afterEscape(String text, int esc) {
        int i = esc + 1;
        if (i >= text.length()) {
            return i;
        }
        char kind = text.charAt(i);
        switch (kind) {
            case '[' -> {
                // CSI: parameter bytes 0x30-0x3F, intermediate bytes 0x20-0x2F, one final byte 0x40-0x7E.
                i++;
                while (i < text.length() && text.charAt(i) >= 0x30 && text.charAt(i) <= 0x3f) {
                    i++;
                }
                while (i < text.length() && text.charAt(i) >= 0x20 && text.charAt(i) <= 0x2f) {
                    i++;
                }
                return i < text.length() && text.charAt(i) >= 0x40 && text.charAt(i) <= 0x7e ? i + 1 : i;
            }
            case ']', 'P', 'X', '^', '_' -> {
                int end = stringTerminator(text, i + 1);
                return end < 0 ? i + 1 : end;
            }
            default -> {
                // ESC, intermediates 0x20-0x2F, final 0x30-0x7E (charset selection, keypad modes, RIS...).
                while (i < text.length() && text.charAt(i) >= 0x20 && text.charAt(i) <= 0x2f) {
                    i++;
                }
                return i < text.length() && text.charAt(i) >= 0x30 && text.charAt(i) <= 0x7e ? i + 1 : i;
            }
        }
    }

    /** The index after the BEL or ST that ends a string sequence whose body starts at {@code from}, or -1. */
    private static int stringTerminator(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == BEL) {
                return i + 1;
            }
            if (c == ESC && i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                return i + 2;
            }
        }
        return -1;
    }
}
