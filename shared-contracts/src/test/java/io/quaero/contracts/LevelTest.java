package io.quaero.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class LevelTest {

    @ParameterizedTest
    @CsvSource({"debug, DEBUG", "info, INFO", "warn, WARN", "warning, WARN", "error, ERROR", "fatal, FATAL"})
    void parsesEveryWireName(String wire, Level expected) {
        assertThat(Level.fromWire(wire)).isEqualTo(expected);
        assertThat(Level.tryParse(wire)).contains(expected);
    }

    @ParameterizedTest
    @EnumSource(Level.class)
    void wireNameIsLowerCaseAndParsesBack(Level level) {
        assertThat(level.wireName()).isEqualTo(level.name().toLowerCase());
        assertThat(Level.fromWire(level.wireName())).isEqualTo(level);
    }

    @ParameterizedTest
    @ValueSource(strings = {"WARN", "Info", "trace", "", " info", "warnings"})
    void rejectsAnythingButExactLowerCaseNamesListingTheAllowedOnes(String wire) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Level.fromWire(wire))
                .withMessage("unknown level '" + wire + "', expected one of debug, info, warn, warning, error, fatal");
        assertThat(Level.tryParse(wire)).isEmpty();
    }

    @Test
    void tryParseOfNullIsEmpty() {
        assertThat(Level.tryParse(null)).isEmpty();
    }

    @Test
    void cutsLongRejectedInputShortInTheMessage() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Level.fromWire("x".repeat(10_000)))
                .withMessageContaining("...'")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }

    @Test
    void isOrderedBySeverity() {
        assertThat(Level.values()).containsExactly(Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR, Level.FATAL);
        assertThat(Level.ERROR.isAtLeast(Level.WARN)).isTrue();
        assertThat(Level.WARN.isAtLeast(Level.WARN)).isTrue();
        assertThat(Level.INFO.isAtLeast(Level.WARN)).isFalse();
    }

    @Test
    void storedSeverityNumbersAreFixedAndRoundTrip() {
        assertThat(Level.DEBUG.severity()).isZero();
        assertThat(Level.FATAL.severity()).isEqualTo(4);
        for (Level l : Level.values()) {
            assertThat(Level.fromSeverity(l.severity())).isEqualTo(l);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Level.fromSeverity(5))
            .hasMessageContaining("severity must be 0..4");
    }
}
