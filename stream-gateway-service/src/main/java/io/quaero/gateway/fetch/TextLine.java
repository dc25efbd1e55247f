package io.quaero.gateway.fetch;

import java.util.Locale;

import io.quaero.contracts.sse.LogEntry;

/**
 * One entry as a line of the downloaded log:
 * {@code <line> <timestamp RFC 3339> <LEVEL padded to 5> [<step name or id>] <message>}, the
 * bracket only when the entry belongs to a step. A message keeps its own line breaks: the
 * download is the log as it was written, and the line number marks where each entry starts.
 * Terminal escape sequences and other control characters (tab and line feed aside) are stripped
 * from the message and the step ({@link TerminalText}): the file is safe to {@code cat}.
 */
final class TextLine {

    private TextLine() {
    }

    static String of(LogEntry e) {
        var sb = new StringBuilder(e.message().length() + 64)
            .append(e.line()).append(' ')
            // Instant.toString is ISO-8601 in UTC with a 'Z', which is RFC 3339.
            .append(e.timestamp()).append(' ')
            .append(String.format(Locale.ROOT, "%-5s", e.level().toUpperCase(Locale.ROOT))).append(' ');
        String step = e.stepName() != null ? e.stepName() : e.stepId();
        if (step != null) {
            sb.append('[').append(TerminalText.strip(step)).append("] ");
        }
        return sb.append(TerminalText.strip(e.message())).append('\n').toString();
    }
}
