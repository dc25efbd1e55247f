package io.quaero.masking;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * The admins' patterns in force at one instant, compiled. RE2 (Google's RE2/J): matching is linear
 * in the line's length whatever the pattern, so no pattern can make a line take seconds (Java's
 * own engine backtracks: {@code (a+)+$} on a line of 'a's runs for ever). What RE2 leaves out:
 * back-references and look-around, which such patterns do not need.
 *
 * <p>Bounded: at most {@value #MAX_PATTERNS} patterns of at most {@value #MAX_PATTERN_LENGTH}
 * characters, none matching the empty text (it would mask nothing, or everywhere).
 */
public final class MaskPatterns {

    public static final int MAX_PATTERNS = 50;
    public static final int MAX_PATTERN_LENGTH = 200;

    /** No patterns. */
    public static final MaskPatterns NONE = new MaskPatterns(List.of());

    private final List<Pattern> compiled;

    private MaskPatterns(List<Pattern> compiled) {
        this.compiled = List.copyOf(compiled);
    }

    /**
     * Compiles and checks {@code patterns}.
     *
     * @throws Invalid naming the pattern's index and what is wrong with it
     */
    public static MaskPatterns compile(List<String> patterns) {
        if (patterns.size() > MAX_PATTERNS) {
            throw new Invalid(-1, "at most " + MAX_PATTERNS + " patterns, got " + patterns.size());
        }
        List<Pattern> compiled = new ArrayList<>(patterns.size());
        for (int i = 0; i < patterns.size(); i++) {
            String source = patterns.get(i);
            if (source == null || source.isEmpty() || source.length() > MAX_PATTERN_LENGTH) {
                throw new Invalid(i, "must be 1.." + MAX_PATTERN_LENGTH + " characters");
            }
            Pattern p;
            try {
                p = Pattern.compile(source);
            } catch (PatternSyntaxException e) {
                throw new Invalid(i, "is not a pattern RE2 accepts (no back-references or look-around): " + e.getMessage());
            }
            if (p.matcher("").find()) {
                throw new Invalid(i, "matches the empty text");
            }
            compiled.add(p);
        }
        return new MaskPatterns(compiled);
    }

    public boolean isEmpty() {
        return compiled.isEmpty();
    }

    /** Marks in {@code mask} every char of {@code text} inside a match of one of the patterns. */
    void ranges(CharSequence text, BitSet mask) {
        for (Pattern p : compiled) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                // A pattern that does not match "" may still match an empty place in a text (\b):
                // nothing to mask there.
                if (m.end() > m.start()) {
                    mask.set(m.start(), m.end());
                }
            }
        }
    }

    /** A pattern the admin gave cannot be used. */
    public static final class Invalid extends IllegalArgumentException {

        private final int index;

        Invalid(int index, String message) {
            super(index < 0 ? message : "pattern " + index + " " + message);
            this.index = index;
        }

        /** Which pattern (0-based), or -1 when the list as a whole is at fault. */
        public int index() {
            return index;
        }
    }
}
