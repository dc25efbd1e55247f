package io.quaero.ingest.intake;

import static io.quaero.ingest.intake.WriteFailure.OUTAGE;
import static io.quaero.ingest.intake.WriteFailure.REJECTED;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.TransactionSystemException;

/** Which failures pause ingest and which dead-letter a record, over the SQLStates PostgreSQL sends. */
class WriteFailureTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        // The record: data, constraints, limits.
        "22001, string_data_right_truncation,  REJECTED",
        "22007, invalid_datetime_format,       REJECTED",
        "22008, datetime_field_overflow,       REJECTED",
        "22021, character_not_in_repertoire,   REJECTED",
        "22P05, untranslatable_character,      REJECTED",
        "23502, not_null_violation,            REJECTED",
        "23505, unique_violation,              REJECTED",
        "21000, cardinality_violation,         REJECTED",
        "54000, program_limit_exceeded,        REJECTED",
        // The database, not the record.
        "08001, connection_refused,            OUTAGE",
        "08006, connection_failure,            OUTAGE",
        "57P01, admin_shutdown,                OUTAGE",
        "57P02, crash_shutdown,                OUTAGE",
        "57P03, cannot_connect_now,            OUTAGE",
        "57014, query_canceled,                OUTAGE",
        "53100, disk_full,                     OUTAGE",
        "53300, too_many_connections,          OUTAGE",
        "40001, serialization_failure,         OUTAGE",
        "40P01, deadlock_detected,             OUTAGE",
        "55P03, lock_not_available,            OUTAGE",
        "58030, io_error,                      OUTAGE",
        "42P01, undefined_table,               OUTAGE",
        "42501, insufficient_privilege,        OUTAGE",
        "XX000, internal_error,                OUTAGE",
    })
    void theSqlStateDecides(String state, String name, WriteFailure expected) {
        assertThat(WriteFailure.of(server(state, null))).as(name).isEqualTo(expected);
        // The same state, as Spring and JDBC wrap it, without PostgreSQL's own message.
        assertThat(WriteFailure.of(new DataAccessResourceFailureException("wrapped", new SQLException(name, state))))
            .as(name + " wrapped").isEqualTo(expected);
    }

    @Test
    void aCheckConstraintRejectsTheRecordButAMissingPartitionIsAnOutage() {
        assertThat(WriteFailure.of(server("23514", "no_rejects"))).isEqualTo(REJECTED);
        // "no partition of relation found for row": same state, no constraint; LogPartitions will make it.
        assertThat(WriteFailure.of(server("23514", null))).isEqualTo(OUTAGE);
    }

    @Test
    void aBatchUpdateIsJudgedByItsFailingEntry() {
        var entry = server("23514", "no_rejects");
        var batch = new BatchUpdateException("Batch entry 3 was aborted", "23514", 0, new int[0], entry);
        batch.setNextException(entry);
        assertThat(WriteFailure.of(new DataIntegrityViolationException("batch", batch))).isEqualTo(REJECTED);
    }

    @Test
    void theStateWinsOverSpringsExceptionType() {
        // Spring calls 54000 a resource failure, like a lost connection; it is about one row.
        assertThat(WriteFailure.of(new DataAccessResourceFailureException("index row too large", server("54000", null))))
            .isEqualTo(REJECTED);
    }

    @Test
    void failuresWithoutAStateAreOutagesWhenTheyComeFromTheDatabaseSide() {
        assertThat(WriteFailure.of(new CannotGetJdbcConnectionException("pool",
            new SQLTransientConnectionException("HikariPool-1 - Connection is not available, request timed out after 1000ms")))).isEqualTo(OUTAGE);
        assertThat(WriteFailure.of(new TransactionSystemException("Could not roll back", new SQLException("closed")))).isEqualTo(OUTAGE);
        assertThat(WriteFailure.of(new UncheckedIOException(new ConnectException("Connection refused")))).isEqualTo(OUTAGE);
    }

    @Test
    void ourOwnCodeFailingOnARecordRejectsIt() {
        assertThat(WriteFailure.of(new IllegalArgumentException("timestamp out of range"))).isEqualTo(REJECTED);
        assertThat(WriteFailure.of(new ArithmeticException("long overflow"))).isEqualTo(REJECTED);
    }

    @Test
    void theReasonNamesStateTableAndConstraintButNotTheRow() {
        String reason = WriteFailure.describe(new DataIntegrityViolationException("x", server("23514", "no_rejects")));
        assertThat(reason).contains("23514", "job_logs_p20261125", "no_rejects", "violates check constraint")
            .doesNotContain("Failing row");
    }

    /** An error as PostgreSQL reports it, with a detail holding the failing row. */
    private static PSQLException server(String state, String constraint) {
        String fields = "SERROR\0C" + state + "\0Mnew row for relation \"job_logs_p20261125\" violates check constraint\0"
            + "DFailing row contains (a very long message)\0tjob_logs_p20261125\0"
            + (constraint == null ? "" : "n" + constraint + "\0");
        return new PSQLException(new ServerErrorMessage(fields));
    }
}
