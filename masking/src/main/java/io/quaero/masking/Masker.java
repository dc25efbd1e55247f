package io.quaero.masking;

import java.util.BitSet;

/**
 * Masks a line: every occurrence of a job's declared value and every match of an admin's pattern
 * becomes {@value #REPLACEMENT}. The one implementation: log-ingest runs it before storing a line,
 * the stream gateway before showing one it read from Kafka, with the same inputs (the job's values
 * up to the line, the patterns in force at the line's append time), so a line reads the same live,
 * after a reload and in a download — exact resume and the counts of a search depend on that.
 *
 * <p>Matches are found on the original text, all of them, and overlapping or adjacent ones are
 * merged into one {@value #REPLACEMENT}: the result does not depend on the order of values and
 * patterns, and a secret that two patterns each cover in part is still covered whole.
 */
public final class Masker {

    /** What a masked stretch of text becomes. */
    public static final String REPLACEMENT = "***";

    private Masker() {
    }

    /** {@code text} with every declared value and pattern match replaced; the same instance when nothing matched. */
    public static String mask(String text, JobMasks values, MaskPatterns patterns) {
        if (text.isEmpty() || (values.isEmpty() && patterns.isEmpty())) {
            return text;
        }
        BitSet mask = new BitSet();
        values.ranges(text, mask);
        patterns.ranges(text, mask);
        return mask.isEmpty() ? text : replace(text, mask);
    }

    /** With patterns only: the service logs, which have no declared values. */
    public static String mask(String text, MaskPatterns patterns) {
        if (text.isEmpty() || patterns.isEmpty()) {
            return text;
        }
        BitSet mask = new BitSet();
        patterns.ranges(text, mask);
        return mask.isEmpty() ? text : replace(text, mask);
    }

    private static String replace(String text, BitSet mask) {
        var out = new StringBuilder(text.length());
        int at = 0;
        for (int start = mask.nextSetBit(0); start >= 0; start = mask.nextSetBit(at)) {
            out.append(text, at, start).append(REPLACEMENT);
            at = mask.nextClearBit(start);
        }
        return out.append(text, at, text.length()).toString();
    }
}
