package io.quaero.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import io.quaero.infra.LocalPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The admins' patterns by append time, on a real PostgreSQL of its own with the schema: a version
 * applies from its {@code effective_at} on, not before; a line past what was read reads the
 * versions again; through an outage the live path masks by the versions read last, storage does not.
 */
class PatternHistoryTest {

    @Test
    void aLineIsMaskedByTheVersionInForceAtItsAppendTimeAndTheLivePathOutlivesAnOutage(@TempDir Path dir) throws Exception {
        try (var pg = LocalPostgres.start(dir.resolve("pg"), 0)) {
            var database = new SingleConnectionDataSource(pg.jdbcUrl(), LocalPostgres.USER, "", true);
            Flyway.configure().dataSource(database).load().migrate();
            var down = new AtomicBoolean();
            var jdbc = new JdbcTemplate(new DelegatingDataSource(database) {
                @Override
                public Connection getConnection() throws SQLException {
                    if (down.get()) {
                        throw new SQLException("the database is down", "08006");
                    }
                    return super.getConnection();
                }
            });
            var history = new PatternHistory(jdbc);
            long before = jdbc.queryForObject("SELECT clock_timestamp()", Timestamp.class).getTime();
            assertThat(history.at(before).isEmpty()).as("no version yet").isTrue();

            // As job-service's PUT /api/admin/mask-patterns writes one.
            Instant effective = jdbc.queryForObject("""
                INSERT INTO mask_pattern_sets (patterns, effective_at, created_by)
                VALUES (ARRAY['tok_[0-9]{6}'], clock_timestamp() + make_interval(secs => ?), 'test') RETURNING effective_at""",
                Timestamp.class, PatternHistory.EFFECTIVE_DELAY.toSeconds()).toInstant();
            long from = effective.toEpochMilli();
            assertThat(Masker.mask("tok_123456", history.at(before))).as("a line appended before").isEqualTo("tok_123456");
            assertThat(Masker.mask("tok_123456", history.at(from))).as("from effective_at: read again").isEqualTo("***");
            assertThat(Masker.mask("tok_123456", history.at(from - 1))).isEqualTo("tok_123456");

            down.set(true);
            long later = from + 60_000;
            assertThatThrownBy(() -> history.at(later)).as("storage waits for the database").isInstanceOf(DataAccessException.class);
            assertThat(Masker.mask("tok_123456", history.live(later))).as("live goes on with what it read").isEqualTo("***");
        }
    }
}
