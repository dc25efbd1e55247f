package io.quaero.servicelog;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import org.jspecify.annotations.Nullable;

/**
 * Renders the text of a line: the formatted message, then the exception if there is one, in the
 * familiar {@code printStackTrace} shape but bounded: at most {@code maxStackFrames} frames over
 * the whole cause chain, at most {@value #MAX_CAUSES} causes, and at most {@code maxLength}
 * characters in all (cut text ends with {@value #TRUNCATED}). The bounds keep one careless
 * {@code log.error("...", e)} in a loop from flooding the topic and the queue's memory.
 *
 * <p>Output never contains NUL or unpaired surrogates (see {@link Text#clean}). Thread-safe.
 */
final class MessageRenderer {

    static final String TRUNCATED = "… [truncated]";
    static final int MAX_CAUSES = 10;
    static final int MAX_SUPPRESSED = 5;

    private final int maxLength;
    private final int maxStackFrames;

    MessageRenderer(int maxLength, int maxStackFrames) {
        if (maxLength <= TRUNCATED.length() + 1) {
            throw new IllegalArgumentException("maxLength too small: " + maxLength);
        }
        this.maxLength = maxLength;
        this.maxStackFrames = maxStackFrames;
    }

    String render(@Nullable String message, @Nullable IThrowableProxy thrown) {
        var out = new Bounded(maxLength);
        out.append(message == null ? "" : message);
        if (thrown != null) {
            appendThrowable(out, thrown);
        }
        return Text.clean(out.finish());
    }

    private void appendThrowable(Bounded out, IThrowableProxy top) {
        int frameBudget = maxStackFrames;
        // Identity: two distinct causes may be equal; a cycle (a cause of itself) must still end.
        Set<IThrowableProxy> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        IThrowableProxy current = top;
        int depth = 0;
        while (current != null && !out.isFull()) {
            if (depth == MAX_CAUSES || !seen.add(current)) {
                out.append("\n\t... further causes omitted");
                return;
            }
            if (depth > 0) {
                out.append("\nCaused by: ");
            } else {
                out.append('\n');
            }
            appendHeadline(out, current);
            frameBudget -= appendFrames(out, current, frameBudget);
            appendSuppressed(out, current);
            current = current.getCause();
            depth++;
        }
    }

    /** Appends up to {@code budget} frames of {@code t}; returns how many. */
    private static int appendFrames(Bounded out, IThrowableProxy t, int budget) {
        StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
        if (frames == null) {
            return 0;
        }
        // Frames shared with the enclosing trace add nothing; printStackTrace leaves them out too.
        int own = Math.max(0, frames.length - Math.max(0, t.getCommonFrames()));
        int shown = Math.min(own, Math.max(0, budget));
        for (int i = 0; i < shown && !out.isFull(); i++) {
            out.append("\n\tat ").append(frames[i].getStackTraceElement().toString());
        }
        int omitted = frames.length - shown;
        if (omitted > 0) {
            out.append("\n\t... ").append(Integer.toString(omitted)).append(" more");
        }
        return shown;
    }

    private static void appendSuppressed(Bounded out, IThrowableProxy t) {
        IThrowableProxy[] suppressed = t.getSuppressed();
        if (suppressed == null) {
            return;
        }
        // Headlines only: suppressed exceptions (close() failures and the like) rarely need frames.
        for (int i = 0; i < suppressed.length && i < MAX_SUPPRESSED; i++) {
            out.append("\n\tSuppressed: ");
            appendHeadline(out, suppressed[i]);
        }
        if (suppressed.length > MAX_SUPPRESSED) {
            out.append("\n\t... ").append(Integer.toString(suppressed.length - MAX_SUPPRESSED))
                .append(" more suppressed");
        }
    }

    private static void appendHeadline(Bounded out, IThrowableProxy t) {
        out.append(String.valueOf(t.getClassName()));
        String message = t.getMessage();
        if (message != null) {
            out.append(": ").append(message);
        }
    }

    /**
     * A StringBuilder that stops growing one character past its limit, so a multi-megabyte
     * message costs no more than the limit, and still knows that it overflowed.
     */
    private static final class Bounded {
        private final int limit;
        private final StringBuilder text;

        Bounded(int limit) {
            this.limit = limit;
            this.text = new StringBuilder(Math.min(limit + 1, 256));
        }

        boolean isFull() {
            return text.length() > limit;
        }

        Bounded append(String s) {
            int room = limit + 1 - text.length();
            if (room > 0) {
                text.append(s, 0, Math.min(room, s.length()));
            }
            return this;
        }

        Bounded append(char c) {
            if (text.length() <= limit) {
                text.append(c);
            }
            return this;
        }

        String finish() {
            if (text.length() <= limit) {
                return text.toString();
            }
            int cut = limit - TRUNCATED.length();
            // Never split a surrogate pair: half a character has no UTF-8 form.
            if (Character.isHighSurrogate(text.charAt(cut - 1))) {
                cut--;
            }
            text.setLength(cut);
            return text.append(TRUNCATED).toString();
        }
    }
}
