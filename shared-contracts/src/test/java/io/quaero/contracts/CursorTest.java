package io.quaero.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CursorTest {

    @Test
    void formatsAsPartitionDashOffset() {
        assertThat(new Cursor(3, 1045)).hasToString("3-1045");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-0", "3-1045", "2147483647-9223372036854775807"})
    void parsesWhatItFormats(String value) {
        assertThat(Cursor.parse(value)).hasToString(value);
    }

    @Test
    void parsesIntoItsParts() {
        assertThat(Cursor.parse("3-1045")).isEqualTo(new Cursor(3, 1045));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        " ", "3", "3-", "-1045", "3-1045-1", "a-1", "3-x", "-1-5", "3--5", "+3-5", " 3-5", "3-5 ", "03-5", "3-05",
        "3.0-5", "٣-5"
    })
    void rejectsMalformedCursors(String value) {
        InvalidCursorException e = catchThrowableOfType(InvalidCursorException.class, () -> Cursor.parse(value));

        assertThat(e).isNotNull().isInstanceOf(IllegalArgumentException.class);
        assertThat(e.value()).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2147483648-0", "0-9223372036854775808", "99999999999999999999-1"})
    void rejectsPartsThatOverflow(String value) {
        InvalidCursorException e = catchThrowableOfType(InvalidCursorException.class, () -> Cursor.parse(value));

        assertThat(e).hasMessageContaining("out of range");
        assertThat(e.value()).isEqualTo(value);
    }

    @Test
    void rejectsNegativePartsOnConstruction() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Cursor(-1, 0)).withMessageContaining("partition");
        assertThatIllegalArgumentException().isThrownBy(() -> new Cursor(0, -1)).withMessageContaining("offset");
    }

    @Test
    void ordersByPartitionThenOffset() {
        List<Cursor> cursors = new ArrayList<>(List.of(
                new Cursor(1, 5), new Cursor(0, 100), new Cursor(1, 2), new Cursor(0, 9)));

        cursors.sort(null);

        assertThat(cursors).containsExactly(new Cursor(0, 9), new Cursor(0, 100), new Cursor(1, 2), new Cursor(1, 5));
        assertThat(new Cursor(2, 7)).isEqualByComparingTo(Cursor.parse("2-7"));
    }
}
