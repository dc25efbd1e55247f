package io.quaero.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The masker as both paths run it: declared values by digest, admin patterns by RE2, merged into one "***" each. */
class MaskerTest {

    private static final UUID JOB = UUID.fromString("7d3c9a9e-52b1-4c1e-8f6e-0a0c1b2d3e4f");

    private static JobMasks declared(String... values) {
        JobMasks masks = JobMasks.none(JOB);
        for (String v : values) {
            masks = masks.with(MaskValue.of(JOB, v));
        }
        return masks;
    }

    @Test
    void everyOccurrenceOfADeclaredValueBecomesThreeStars() {
        assertThat(Masker.mask("login hunter2x ok, again hunter2x!", declared("hunter2x"), MaskPatterns.NONE))
            .isEqualTo("login *** ok, again ***!");
        assertThat(Masker.mask("hunter2x", declared("hunter2x"), MaskPatterns.NONE)).isEqualTo("***");
        assertThat(Masker.mask("no secret here", declared("hunter2x"), MaskPatterns.NONE)).isEqualTo("no secret here");
    }

    @Test
    void aValueIsFoundInsideLongerWordsAndAcrossAnyCharacters() {
        assertThat(Masker.mask("token=s3cr\u00e9t\uD83D\uDE80&x", declared("s3cr\u00e9t\uD83D\uDE80"), MaskPatterns.NONE))
            .isEqualTo("token=***&x");
        assertThat(Masker.mask("a\nmulti line\nsecret\n", declared("multi line\nsecret"), MaskPatterns.NONE))
            .isEqualTo("a\n***\n");
    }

    @Test
    void theSameValueOfAnotherJobIsAnotherDigest() {
        UUID other = UUID.randomUUID();
        assertThat(MaskValue.of(JOB, "hunter2x")).isNotEqualTo(MaskValue.of(other, "hunter2x"));
        JobMasks ofOther = JobMasks.none(other).with(MaskValue.of(other, "hunter2x"));
        assertThat(Masker.mask("x hunter2x", ofOther, MaskPatterns.NONE)).isEqualTo("x ***");
    }

    @Test
    void overlappingAndAdjacentMatchesAreOneMaskedStretch() {
        var patterns = MaskPatterns.compile(List.of("abc[0-9]+", "[0-9]+xyz"));
        assertThat(Masker.mask("key abc123xyz end", JobMasks.none(JOB), patterns)).isEqualTo("key *** end");
        assertThat(Masker.mask("aaaabbbb", declared("aaaa", "bbbb"), MaskPatterns.NONE)).isEqualTo("***");
        assertThat(Masker.mask("x aaaaaa y", declared("aaaa"), MaskPatterns.NONE)).as("overlapping occurrences").isEqualTo("x *** y");
    }

    @Test
    void anAdminPatternMasksTokenLookingStrings() {
        var patterns = MaskPatterns.compile(List.of("ghp_[A-Za-z0-9]{36}", "qt_[A-Za-z0-9_-]{20,}"));
        String line = "pushed with ghp_abcdefghijklmnopqrstuvwxyz0123456789 and qt_abcdefghijklmnopqrstuv";
        assertThat(Masker.mask(line, patterns)).isEqualTo("pushed with *** and ***");
    }

    @Test
    void declaringAValueTwiceCountsOnceAndTheBoundIsKeptAlikeEverywhere() {
        JobMasks masks = declared("hunter2x", "hunter2x");
        assertThat(masks.size()).isEqualTo(1);
        for (int i = 0; i < JobMasks.MAX_PER_JOB + 10; i++) {
            masks = masks.with(MaskValue.of(JOB, "value-" + i));
        }
        assertThat(masks.size()).isEqualTo(JobMasks.MAX_PER_JOB);
        assertThat(masks.accepts(MaskValue.of(JOB, "one-more"))).isFalse();
    }

    @Test
    void patternsAreValidatedNamingTheOneAtFault() {
        assertThatThrownBy(() -> MaskPatterns.compile(List.of("ok", "(a")))
            .isInstanceOfSatisfying(MaskPatterns.Invalid.class, e -> assertThat(e.index()).isEqualTo(1));
        assertThatThrownBy(() -> MaskPatterns.compile(List.of("(a)\\1"))).as("no back-references in RE2")
            .isInstanceOf(MaskPatterns.Invalid.class);
        assertThatThrownBy(() -> MaskPatterns.compile(List.of("a*"))).hasMessageContaining("empty text");
        assertThatThrownBy(() -> MaskPatterns.compile(List.of("x".repeat(201)))).hasMessageContaining("1..200");
        assertThatThrownBy(() -> MaskPatterns.compile(java.util.Collections.nCopies(51, "x")))
            .isInstanceOfSatisfying(MaskPatterns.Invalid.class, e -> assertThat(e.index()).isEqualTo(-1));
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aCatastrophicPatternForJavasEngineRunsInLinearTime() {
        // (a+)+$ on 'a'*n + '!' backtracks 2^n times in java.util.regex; RE2 is linear.
        var patterns = MaskPatterns.compile(List.of("(a+)+$", "(x|x)*y"));
        String line = "a".repeat(65_536) + "!";
        assertThat(Masker.mask(line, patterns)).isEqualTo(line);
    }

    @Test
    void aMaskValueNeverPrintsItsDigest() {
        assertThat(MaskValue.of(JOB, "hunter2x").toString()).isEqualTo("MaskValue[length=8]");
    }
}
