package io.quaero.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import io.quaero.infra.DataDirs;
import io.quaero.infra.LocalPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the database of a cluster as its setup step leaves it, on a real PostgreSQL that
 * requires every login's password. It starts as a deployment from before the roles did: one
 * superuser made every table. {@link DatabaseSetup} then makes the roles, gives the schema to the
 * owner and migrates as it; each role is then tried for what it may and may not do.
 */
class Issue14DatabaseRolesTest {

    private static final String SUPERUSER_PASSWORD = "superuser-pw";
    private static final String TODAY = LocalDate.now(ZoneOffset.UTC).toString();

    /**
     * Every table of the schema and what each service's role may do to it: SELECT, INSERT, UPDATE
     * (in any column), DELETE, TRUNCATE. A table missing here fails
     * {@link #everyTableGrantsEachRoleExactlyWhatItsServiceDoes}: a new table is nobody's until its
     * migration says whose, and this says so too.
     */
    private static final Map<String, Map<DbRole, String>> MAY = new TreeMap<>(Map.ofEntries(
        Map.entry("jobs", Map.of(DbRole.INGEST, "SIU", DbRole.JOBS, "SIU", DbRole.GATEWAY, "S")),
        Map.entry("job_steps", Map.of(DbRole.INGEST, "SIU", DbRole.JOBS, "S", DbRole.GATEWAY, "S")),
        // DELETE: an admin's deletion of one job's logs (job-service), and ingest's of what was on its way (V5).
        Map.entry("job_logs", Map.of(DbRole.INGEST, "SID", DbRole.JOBS, "D", DbRole.GATEWAY, "S")),
        Map.entry("job_log_counts", Map.of(DbRole.INGEST, "SIUD", DbRole.JOBS, "D", DbRole.GATEWAY, "S")),
        Map.entry("ingest_progress", Map.of(DbRole.INGEST, "SIU", DbRole.JOBS, "S", DbRole.GATEWAY, "S")),
        Map.entry("service_logs", Map.of(DbRole.INGEST, "SI", DbRole.GATEWAY, "S")),
        Map.entry("service_log_counts", Map.of(DbRole.INGEST, "SIU", DbRole.GATEWAY, "S")),
        Map.entry("users", Map.of(DbRole.JOBS, "SIU", DbRole.GATEWAY, "S")),
        Map.entry("user_teams", Map.of(DbRole.JOBS, "SID", DbRole.GATEWAY, "S")),
        Map.entry("api_tokens", Map.of(DbRole.JOBS, "SIU", DbRole.GATEWAY, "S")),
        Map.entry("signin_links", Map.of(DbRole.JOBS, "SID")),
        Map.entry("audit_log", Map.of(DbRole.JOBS, "SI")),
        Map.entry("job_masks", Map.of(DbRole.INGEST, "SI", DbRole.GATEWAY, "S")),
        Map.entry("mask_pattern_sets", Map.of(DbRole.INGEST, "S", DbRole.JOBS, "SI", DbRole.GATEWAY, "S")),
        Map.entry("log_deletions", Map.of(DbRole.INGEST, "S", DbRole.JOBS, "SI")),
        Map.entry("flyway_schema_history", Map.of())));

    private static Path dir;
    private static LocalPostgres postgres;
    private static Map<DbRole, String> passwords;

    @BeforeAll
    static void aDeploymentFromBeforeTheRolesIsSetUp() throws Exception {
        dir = Files.createTempDirectory("quaero-db-roles");
        postgres = LocalPostgres.start(dir.resolve("pg"), 0, Map.of(), SUPERUSER_PASSWORD);
        // As before issue 14: the superuser migrated, and ingest made a day's partition itself.
        Flyway.configure().dataSource(postgres.jdbcUrl(), LocalPostgres.USER, SUPERUSER_PASSWORD).target("3").load().migrate();
        try (var c = superuser(); var s = c.createStatement()) {
            s.execute("CREATE TABLE job_logs_p20200101 PARTITION OF job_logs FOR VALUES FROM ('2020-01-01 00:00:00+00') "
                + "TO ('2020-01-02 00:00:00+00')");
        }
        passwords = passwords("first");
        DatabaseSetup.run(settings(passwords));
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
        DataDirs.deleteRecursively(dir);
    }

    @Test
    void theSchemaBelongsToTheOwnerAfterTheSetupWhoeverMadeIt() throws Exception {
        try (var c = superuser()) {
            assertThat(strings(c, """
                SELECT c.relname || ' ' || pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"""))
                .isNotEmpty().allMatch(row -> row.endsWith(" quaero_owner"));
            assertThat(strings(c, "SELECT proname || ' ' || pg_get_userbyid(proowner) FROM pg_proc WHERE proname LIKE '%log_partition'"))
                .containsExactlyInAnyOrder("create_log_partition quaero_owner", "drop_log_partition quaero_owner");
            assertThat(Flyway.configure().dataSource(postgres.jdbcUrl(), LocalPostgres.USER, SUPERUSER_PASSWORD).load().info().pending())
                .as("every migration applied").isEmpty();
        }
    }

    @Test
    void everyTableGrantsEachRoleExactlyWhatItsServiceDoes() throws Exception {
        try (var c = superuser()) {
            List<String> tables = strings(c, """
                SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1""");
            assertThat(new TreeSet<>(tables)).as("every table has a decision in MAY").isEqualTo(MAY.keySet());
            var actual = new LinkedHashMap<String, Map<DbRole, String>>();
            for (String table : tables) {
                var byRole = new EnumMap<DbRole, String>(DbRole.class);
                for (DbRole role : List.of(DbRole.INGEST, DbRole.JOBS, DbRole.GATEWAY)) {
                    String may = privileges(c, role, table);
                    if (!may.isEmpty()) {
                        byRole.put(role, may);
                    }
                }
                actual.put(table, byRole);
            }
            assertThat(actual).isEqualTo(MAY);
        }
    }

    @Test
    void theGatewayCannotWriteCreateOrReadPasswordHashes() throws Exception {
        try (var gateway = as(DbRole.GATEWAY)) {
            assertRefused(gateway, "INSERT INTO jobs (id) VALUES (gen_random_uuid())");
            assertRefused(gateway, "UPDATE jobs SET status = 'failed'");
            assertRefused(gateway, "DELETE FROM job_logs");
            assertRefused(gateway, "TRUNCATE service_logs");
            assertRefused(gateway, "CREATE TABLE mine (x int)");
            assertRefused(gateway, "SELECT create_log_partition('job_logs', '" + TODAY + "')");
            assertRefused(gateway, "SELECT password_hash FROM users");
            // Everything else of a user is what a session check reads.
            execute(gateway, "SELECT id, name, role, sessions_valid_after, disabled, created_at FROM users");
        }
    }

    @Test
    void ingestMakesAndDropsLogPartitionsOnlyThroughItsFunctionsAndNeverTouchesTheAccounts() throws Exception {
        UUID job = UUID.randomUUID();
        try (var ingest = as(DbRole.INGEST); var gateway = as(DbRole.GATEWAY)) {
            execute(ingest, "SELECT create_log_partition('job_logs', '" + TODAY + "')");
            execute(ingest, "INSERT INTO jobs (id, kafka_partition) VALUES ('" + job + "', 0)");
            execute(ingest, "UPDATE jobs SET status = 'running', last_line = 1 WHERE id = '" + job + "'");
            // Into today's partition, made after every grant: the parent's privileges are what count.
            execute(ingest, "INSERT INTO job_logs (job_id, line, event_id, kafka_partition, kafka_offset, ts, level, message) "
                + "VALUES ('" + job + "', 1, gen_random_uuid(), 0, 0, now(), 1, 'hello')");
            assertThat(strings(gateway, "SELECT message FROM job_logs WHERE job_id = '" + job + "'")).containsExactly("hello");

            assertRefused(ingest, "CREATE TABLE job_logs_p20990101 PARTITION OF job_logs FOR VALUES FROM ('2099-01-01') TO ('2099-01-02')");
            assertRefused(ingest, "SELECT create_log_partition('users', '" + TODAY + "')");
            assertRefused(ingest, "DROP TABLE job_logs_p20200101");
            execute(ingest, "SELECT drop_log_partition('job_logs', '2020-01-01')");
            assertThat(strings(ingest, "SELECT count(*) FROM pg_class WHERE relname = 'job_logs_p20200101'")).containsExactly("0");

            assertRefused(ingest, "UPDATE jobs SET worker = 'me'");
            for (String accounts : List.of("users", "user_teams", "api_tokens", "signin_links")) {
                assertRefused(ingest, "SELECT * FROM " + accounts);
                assertRefused(ingest, "DELETE FROM " + accounts);
            }
        }
    }

    @Test
    void jobServiceWritesJobsAndAccountsButNoLogAndNoStatus() throws Exception {
        try (var jobs = as(DbRole.JOBS)) {
            execute(jobs, "INSERT INTO users (name, password_hash, role) VALUES ('carol', '{noop}x', 'viewer')");
            execute(jobs, "INSERT INTO jobs (id, type, executor, team) VALUES (gen_random_uuid(), 'demo', 'builtin', 'a')");
            assertRefused(jobs, "UPDATE jobs SET status = 'completed'");
            assertRefused(jobs, "INSERT INTO job_logs (job_id, line, event_id, kafka_partition, kafka_offset, ts, level, message) "
                + "VALUES (gen_random_uuid(), 1, gen_random_uuid(), 0, 0, now(), 1, 'x')");
            assertRefused(jobs, "CREATE TABLE mine (x int)");
        }
    }

    @Test
    void runningTheSetupAgainWithNewPasswordsRotatesThem() throws Exception {
        Map<DbRole, String> rotated = passwords("second");
        DatabaseSetup.run(settings(rotated));
        try {
            for (DbRole role : DbRole.values()) {
                assertThatThrownBy(() -> login(role, passwords.get(role)).close()).as("%s's old password", role)
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
                try (var c = login(role, rotated.get(role))) {
                    assertThat(c.isValid(1)).isTrue();
                }
            }
        } finally {
            DatabaseSetup.run(settings(passwords));
        }
    }

    @Test
    void aMissingPasswordIsNamedBeforeAnythingIsDone() {
        var env = new java.util.HashMap<String, String>();
        env.put(DatabaseSetup.URL, postgres.jdbcUrl());
        passwords.forEach((role, p) -> env.put(role.passwordVariable(), p));
        env.remove(DbRole.GATEWAY.passwordVariable());
        assertThatThrownBy(() -> DatabaseSetup.Settings.fromEnvironment(env))
            .hasMessageContaining("QUAERO_DB_GATEWAY_PASSWORD");
    }

    /** S, I, U (in any column), D, T: what {@code role} may do to {@code table}. */
    private static String privileges(Connection c, DbRole role, String table) throws SQLException {
        var may = new StringBuilder();
        for (var p : List.of("SELECT:S", "INSERT:I", "UPDATE:U", "DELETE:D", "TRUNCATE:T")) {
            String privilege = p.substring(0, p.indexOf(':'));
            String function = privilege.equals("DELETE") || privilege.equals("TRUNCATE") ? "has_table_privilege" : "has_any_column_privilege";
            try (var ps = c.prepareStatement("SELECT " + function + "(?, ?, ?)")) {
                ps.setString(1, role.roleName());
                ps.setString(2, table);
                ps.setString(3, privilege);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        may.append(p.substring(p.indexOf(':') + 1));
                    }
                }
            }
        }
        return may.toString();
    }

    private static void assertRefused(Connection c, String sql) {
        assertThatThrownBy(() -> execute(c, sql)).as(sql).isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).as("%s: %s", sql, e.getMessage()).isEqualTo("42501"));
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (var s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        var rows = new java.util.ArrayList<String>();
        try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static Connection superuser() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), LocalPostgres.USER, SUPERUSER_PASSWORD);
    }

    private static Connection as(DbRole role) throws SQLException {
        return login(role, passwords.get(role));
    }

    private static Connection login(DbRole role, String password) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), role.roleName(), password);
    }

    private static Map<DbRole, String> passwords(String round) {
        var p = new EnumMap<DbRole, String>(DbRole.class);
        for (DbRole role : DbRole.values()) {
            p.put(role, round + "-" + role.roleName() + "-pw");
        }
        return p;
    }

    private static DatabaseSetup.Settings settings(Map<DbRole, String> rolePasswords) {
        return new DatabaseSetup.Settings(postgres.jdbcUrl(), LocalPostgres.USER, SUPERUSER_PASSWORD, rolePasswords);
    }
}
