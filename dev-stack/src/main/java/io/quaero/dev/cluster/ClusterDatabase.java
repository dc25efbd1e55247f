package io.quaero.dev.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;

import io.quaero.infra.LocalPostgres;
import io.quaero.schema.DatabaseSetup;
import io.quaero.schema.DbRole;

/**
 * Who logs in to the cluster's PostgreSQL (docs/SECURITY.md, "Database roles"): the superuser,
 * which only the setup step uses, and one role per service ({@link DbRole}), each with a random
 * 128-bit password made once per run directory and kept in {@code db-credentials/<role>.password}
 * (directory 0700, files 0600), so that a restarted service or a kept database finds them.
 * {@code --fresh} keeps them: the setup step makes the roles again in the new database.
 *
 * <p>Before any service starts, {@link DatabaseSetup} makes the roles with these passwords, gives
 * the schema to the owner and migrates as it; each service then logs in as its own role and does
 * not migrate ({@code QUAERO_DB_MIGRATE=false}). web-ui has no database.
 */
final class ClusterDatabase {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Each service module's role. */
    private static final Map<String, DbRole> ROLES = Map.of(
        "log-ingest-service", DbRole.INGEST, "job-service", DbRole.JOBS, "stream-gateway-service", DbRole.GATEWAY);

    private final Path dir;
    private final String superuserPassword;
    private final Map<DbRole, String> passwords;

    private ClusterDatabase(Path dir, String superuserPassword, Map<DbRole, String> passwords) {
        this.dir = dir;
        this.superuserPassword = superuserPassword;
        this.passwords = passwords;
    }

    /** The run directory's passwords, made on first use. */
    static ClusterDatabase in(Path runDir) throws IOException {
        Path dir = runDir.resolve("db-credentials");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        var passwords = new EnumMap<DbRole, String>(DbRole.class);
        for (DbRole role : DbRole.values()) {
            passwords.put(role, kept(dir.resolve(role.roleName() + ".password")));
        }
        return new ClusterDatabase(dir, kept(dir.resolve(LocalPostgres.USER + ".password")), passwords);
    }

    private static String kept(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] secret = new byte[16];
            RANDOM.nextBytes(secret);
            Files.writeString(file, HexFormat.of().formatHex(secret) + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return Files.readString(file).strip();
    }

    /** The superuser's password: the server requires it (and every role's) at login. */
    String superuserPassword() {
        return superuserPassword;
    }

    /** Where the passwords are. */
    Path dir() {
        return dir;
    }

    /** The roles with their passwords, the schema given to the owner and migrated as it. */
    void setUp(String jdbcUrl) throws SQLException {
        DatabaseSetup.run(new DatabaseSetup.Settings(jdbcUrl, LocalPostgres.USER, superuserPassword, passwords));
    }

    /** A connection as the superuser, for drills that look at what is stored. */
    Connection superuser(String jdbcUrl) throws SQLException {
        return DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, superuserPassword);
    }

    /** What a service of {@code module} logs in with (nothing for web-ui, which has no database). */
    Map<String, String> environment(String module) {
        DbRole role = ROLES.get(module);
        if (role == null) {
            return Map.of();
        }
        // Only the owner migrates, in the setup step; the gateway has no migrations to turn off.
        return role == DbRole.GATEWAY
            ? Map.of("QUAERO_DB_USER", role.roleName(), "QUAERO_DB_PASSWORD", passwords.get(role))
            : Map.of("QUAERO_DB_USER", role.roleName(), "QUAERO_DB_PASSWORD", passwords.get(role), "QUAERO_DB_MIGRATE", "false");
    }
}
