package io.quaero.ingest.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.kafka.listener.BatchListenerFailedException;

/** Which database failures are about the data, and how a refused record is found (pure logic). */
class StorageIsolationTest {

    @ParameterizedTest(name = "SQLState {0}: refused for its data = {1}")
    @CsvSource({
        "23505, true",   // unique violation
        "23514, true",   // check violation
        "22021, true",   // invalid byte sequence for encoding
        "22008, true",   // datetime field overflow
        "54000, true",   // program limit exceeded (index row too large)
        "08006, false",  // connection failure
        "08001, false",  // cannot connect
        "57P01, false",  // admin shutdown
        "53300, false",  // too many connections
        "40001, false",  // serialization failure
        "40P01, false",  // deadlock
        "42P01, false",  // undefined table: our bug or a missing migration, not the record's
    })
    void onlyDataExceptionsIntegrityViolationsAndLimitsArePermanent(String state, boolean permanent) {
        var wrapped = new DataIntegrityViolationException("wrapped", new SQLException("m", state));
        assertThat(StorageIsolation.isPermanent(wrapped)).isEqualTo(permanent);
    }

    @Test
    void aFailureWithoutSqlStateIsAnOutage() {
        assertThat(StorageIsolation.isPermanent(new DataAccessResourceFailureException("I/O error"))).isFalse();
    }

    @Test
    void theFirstRecordRefusedOnItsOwnIsNamedByItsIndexInThePollAndThoseBeforeItAreStored() {
        List<List<String>> writes = new ArrayList<>();
        List<String> batch = List.of("a", "b", "bad", "c");
        int[] pollIndexes = {0, 2, 3, 5};
        var refused = catchThrowableOfType(BatchListenerFailedException.class, () ->
            StorageIsolation.write(batch, pollIndexes, part -> {
                writes.add(part);
                if (part.contains("bad")) {
                    throw new DataIntegrityViolationException("check", new SQLException("violates check", "23514"));
                }
            }));
        assertThat(refused.getIndex()).as("index in the poll, not in the good records").isEqualTo(3);
        assertThat(refused.getCause()).isInstanceOf(StorageIsolation.RefusedByStorage.class);
        assertThat(refused.getCause().getMessage()).contains("SQLState 23514");
        assertThat(writes).containsExactly(batch, List.of("a"), List.of("b"), List.of("bad"));
    }

    @Test
    void anOutageDuringIsolationIsRethrownSoTheWholePollIsRetried() {
        var outage = new DataAccessResourceFailureException("down", new SQLException("gone", "08006"));
        var thrown = catchThrowableOfType(DataAccessResourceFailureException.class, () ->
            StorageIsolation.write(List.of("a", "b"), new int[] {0, 1}, part -> {
                if (part.size() == 2) {
                    throw new DataIntegrityViolationException("dup", new SQLException("dup", "23505"));
                }
                throw outage;
            }));
        assertThat(thrown).isSameAs(outage);
    }
}
