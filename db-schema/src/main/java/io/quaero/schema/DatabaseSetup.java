package io.quaero.schema;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;

/**
 * The setup step of a cluster's database (docs/SECURITY.md, "Database roles"): run once before
 * any service starts, and again to rotate a password. It connects as an administrator that may
 * make roles (the server's superuser) and
 * <ol>
 * <li>makes each {@link DbRole} a login role with its password, or sets the password of one that
 *     exists (a rerun rotates them). The password is hashed by the driver (SCRAM) before it is
 *     sent, so it is never in a statement's text, on the wire or in the server's log;</li>
 * <li>lets the owner create in the database and its schema, and gives it every table and function
 *     of the schema a former single user made (an existing deployment converges here; extension
 *     objects stay whose they are);</li>
 * <li>migrates the schema as the owner (Flyway, over a connection of its own). Migration V4 grants
 *     each service's role what it needs; the services start with {@code QUAERO_DB_MIGRATE=false}.</li>
 * </ol>
 *
 * <p>Roles are objects of the whole server and carry passwords, so they are made here, not in a
 * migration. {@code ./quaero cluster} runs this in its own process before the services
 * ({@code ClusterDatabase}); docker-compose runs it as the one-shot {@code db-setup}
 * ({@link #main}, this module's executable jar), which every service waits for.
 */
public final class DatabaseSetup {

    /** Where the database is: the services' setting. */
    public static final String URL = "QUAERO_DB_URL";
    /** Who makes the roles: a superuser (or a role with CREATEROLE that may grant on the database). Default {@code postgres}. */
    public static final String ADMIN_USER = "QUAERO_DB_ADMIN_USER";
    public static final String ADMIN_PASSWORD = "QUAERO_DB_ADMIN_PASSWORD";

    /** Every environment variable {@link #main} reads. */
    public static List<String> environment() {
        var names = new ArrayList<>(List.of(URL, ADMIN_USER, ADMIN_PASSWORD));
        for (DbRole role : DbRole.values()) {
            names.add(role.passwordVariable());
        }
        return names;
    }

    /**
     * What the setup needs.
     *
     * @param passwords every role's password
     */
    public record Settings(String jdbcUrl, String adminUser, String adminPassword, Map<DbRole, String> passwords) {

        public Settings {
            passwords = Map.copyOf(passwords);
            for (DbRole role : DbRole.values()) {
                String p = passwords.get(role);
                if (p == null || p.isBlank()) {
                    throw new IllegalArgumentException(role.passwordVariable() + " is not set: every database role needs a password");
                }
            }
        }

        /** The settings from the environment variables of {@link #environment()}; a missing one is named. */
        public static Settings fromEnvironment(Map<String, String> env) {
            Map<DbRole, String> passwords = new EnumMap<>(DbRole.class);
            for (DbRole role : DbRole.values()) {
                passwords.put(role, env.getOrDefault(role.passwordVariable(), ""));
            }
            String url = env.get(URL);
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException(URL + " is not set: the JDBC URL of the Quaero database");
            }
            return new Settings(url, env.getOrDefault(ADMIN_USER, "postgres"), env.getOrDefault(ADMIN_PASSWORD, ""), passwords);
        }
    }

    private DatabaseSetup() {
    }

    /** docker-compose's {@code db-setup}: the settings from the environment; a failure is a non-zero exit. */
    public static void main(String[] args) throws SQLException {
        Settings settings = Settings.fromEnvironment(System.getenv());
        run(settings);
        System.out.println("db-setup: roles " + List.of(DbRole.values()) + " in place, schema migrated as " + DbRole.OWNER.roleName());
    }

    /** Makes the roles, hands the schema to the owner, migrates as the owner. Idempotent. */
    public static void run(Settings s) throws SQLException {
        try (Connection admin = DriverManager.getConnection(s.jdbcUrl(), s.adminUser(), s.adminPassword())) {
            for (DbRole role : DbRole.values()) {
                login(admin, role, s.passwords().get(role));
            }
            String owner = DbRole.OWNER.roleName();
            try (var st = admin.createStatement()) {
                // Trusted extensions (pg_trgm) and new tables need these; nothing else of the server.
                st.execute("GRANT CREATE ON DATABASE " + quote(admin, currentDatabase(admin)) + " TO " + owner);
                st.execute("GRANT CREATE ON SCHEMA public TO " + owner);
            }
            for (String table : notOwned(admin, """
                    SELECT quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relowner <> ?::regrole
                      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                      AND d.deptype = 'e')""")) {
                execute(admin, "ALTER TABLE " + table + " OWNER TO " + owner);
            }
            for (String function : notOwned(admin, """
                    SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname = 'public' AND p.proowner <> ?::regrole
                      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                      AND d.deptype = 'e')""")) {
                execute(admin, "ALTER FUNCTION " + function + " OWNER TO " + owner);
            }
        }
        Flyway.configure().dataSource(s.jdbcUrl(), DbRole.OWNER.roleName(), s.passwords().get(DbRole.OWNER)).load().migrate();
    }

    /** The role as a login role with this password: made if missing (V4 may have made it without login). */
    private static void login(Connection admin, DbRole role, String password) throws SQLException {
        boolean exists;
        try (var ps = admin.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role.roleName());
            try (var rs = ps.executeQuery()) {
                exists = rs.next();
            }
        }
        execute(admin, (exists ? "ALTER ROLE " : "CREATE ROLE ") + role.roleName() + " LOGIN");
        // Hashed here (SCRAM, the server's password_encryption): the statement carries the verifier only.
        admin.unwrap(PGConnection.class).alterUserPassword(role.roleName(), password.toCharArray(), null);
    }

    private static List<String> notOwned(Connection admin, String query) throws SQLException {
        var names = new ArrayList<String>();
        try (var ps = admin.prepareStatement(query)) {
            ps.setString(1, DbRole.OWNER.roleName());
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static String currentDatabase(Connection c) throws SQLException {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String quote(Connection c, String identifier) throws SQLException {
        try (var ps = c.prepareStatement("SELECT quote_ident(?)")) {
            ps.setString(1, identifier);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (var st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
