package io.quaero.contracts.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written checks that replaced a regular expression and java.time's formatter on
 * ingest's decoding path (issue 16) accept and read exactly what those did.
 */
class WireFormsTest {

    private static final Pattern CANONICAL_UUID =
        Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    @Test
    void aUuidIsCanonicalExactlyWhenTheEightFourFourFourTwelveHexFormMatches() {
        List<String> texts = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString().toUpperCase(),
            "1-2-3-4-5", "", "0123456789abcdef0123456789abcdef0123", "01234567-89ab-cdef-0123-456789abcdeg",
            "01234567-89ab-cdef-0123-456789abcde", "01234567-89ab-cdef-0123-456789abcdef0", "01234567_89ab-cdef-0123-456789abcdef",
            "0123456789ab-cdef-0123-456789abcdef-", "01234567-89AB-CDEF-0123-456789ABCDEF", "g1234567-89ab-cdef-0123-456789abcdef");
        for (String text : texts) {
            assertThat(Wire.isCanonicalUuid(text)).as(text).isEqualTo(CANONICAL_UUID.matcher(text).matches());
        }
    }

    @Test
    void aTimestampOfTheWireFormReadsAsTheIsoParserReadsIt() {
        List<String> valid = List.of("2026-11-23T10:30:00Z", "2026-11-23T10:30:00.1Z", "2026-11-23T10:30:00.123456789Z",
            "2024-02-29T23:59:59.999+05:30", "0001-01-01T00:00:00+18:00", "9999-12-31T23:59:59-18:00",
            "2026-06-01T12:00:00.000100-00:00", "2026-06-01T00:00:00+17:59");
        for (String text : valid) {
            assertThat(Wire.TIMESTAMP_FORM.matcher(text).matches()).as(text).isTrue();
            assertThat(Wire.timestampOfForm(text)).as(text)
                .isEqualTo(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        }
    }

    @Test
    void aTimestampOfTheWireFormThatNamesNoInstantIsRefusedAsTheIsoParserRefusesIt() {
        List<String> invalid = List.of("2026-02-30T10:00:00Z", "2025-02-29T10:00:00Z", "2026-13-01T10:00:00Z",
            "2026-00-10T10:00:00Z", "2026-04-31T10:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T10:60:00Z", "2026-11-00T10:00:00Z");
        for (String text : invalid) {
            assertThat(Wire.TIMESTAMP_FORM.matcher(text).matches()).as(text).isTrue();
            assertThatThrownBy(() -> OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)).as(text)
                .isInstanceOf(DateTimeException.class);
            assertThatThrownBy(() -> Wire.timestampOfForm(text)).as(text).isInstanceOf(DateTimeException.class);
        }
    }
}
