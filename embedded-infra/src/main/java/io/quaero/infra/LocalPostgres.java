package io.quaero.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server run from this JVM (zonky's packaged binaries; as root it prefixes
 * initdb and pg_ctl with {@code unshare -U} by itself, because initdb refuses to run as root).
 *
 * <p>Implementation notes: the data directory is kept between runs (the dev stack's history
 * survives a restart, together with the broker's offsets). {@link #stop()} and {@link #start()}
 * keep the port and the data, so tests can take the database away under load and bring it back,
 * the way an outage looks to a service. The database is {@value #DATABASE}, user
 * {@value #USER} with trust authentication on loopback, unless started with a superuser password
 * ({@link #start(Path, int, Map, String)}): then every login needs its password (SCRAM), as in
 * production, so that a cluster's per-service roles mean something.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String DATABASE = "quaero";
    public static final String USER = "postgres";

    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

    private final Path dataDir;
    private final Path workDir;
    private final int port;
    private final Map<String, String> serverConfig;
    /** The superuser's password; empty for trust authentication (the dev stack, the tests). */
    private final String superuserPassword;
    private EmbeddedPostgres server;

    private LocalPostgres(Path dataDir, Path workDir, int port, Map<String, String> serverConfig, String superuserPassword) {
        this.dataDir = dataDir;
        this.workDir = workDir;
        this.port = port;
        this.serverConfig = serverConfig;
        this.superuserPassword = superuserPassword;
    }

    /**
     * Starts PostgreSQL with its data in {@code dataDir} (created if missing, reused otherwise).
     *
     * @param port TCP port on loopback, or 0 for a free one
     */
    public static LocalPostgres start(Path dataDir, int port) throws IOException {
        return start(dataDir, port, Map.of());
    }

    /**
     * As {@link #start(Path, int)}, with more {@code postgresql.conf} settings (the cluster sends
     * the server's log to a file of its run directory this way).
     */
    public static LocalPostgres start(Path dataDir, int port, Map<String, String> serverConfig) throws IOException {
        return start(dataDir, port, serverConfig, "");
    }

    /**
     * As {@link #start(Path, int, Map)}, every login requiring its password (SCRAM-SHA-256), the
     * superuser {@value #USER}'s being {@code superuserPassword}: set, and {@code pg_hba.conf}
     * written, at every start, so a data directory made with trust authentication (or another
     * password) is brought to this one.
     */
    public static LocalPostgres start(Path dataDir, int port, Map<String, String> serverConfig, String superuserPassword)
        throws IOException {
        Files.createDirectories(dataDir.getParent());
        Path workDir = dataDir.resolveSibling(dataDir.getFileName() + "-binaries");
        Files.createDirectories(workDir);
        var pg = new LocalPostgres(dataDir, workDir, port == 0 ? FreePorts.pick() : port, Map.copyOf(serverConfig),
            superuserPassword);
        pg.start();
        pg.createDatabaseIfMissing();
        return pg;
    }

    /** (Re)starts the server on the same port and data directory. */
    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        var builder = EmbeddedPostgres.builder()
            .setPort(port)
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setOverrideWorkingDirectory(workDir.toFile())
            .setRegisterShutdownHook(false)
            .setPGStartupWait(Duration.ofSeconds(60))
            // Enough for several services' pools plus tests' own connections.
            .setServerConfig("max_connections", "300")
            // Sized for a developer machine taking bursts of log lines: fewer forced checkpoints
            // during a burst and room for the indexes' hot pages.
            .setServerConfig("shared_buffers", "256MB")
            .setServerConfig("max_wal_size", "4GB")
            .setServerConfig("checkpoint_timeout", "15min")
            // zonky starts the server with -F (fsync off) and synchronous_commit=off, for speed in
            // tests. Ingest commits Kafka offsets once the database says the rows are stored, so
            // that must mean durable: both back on (a later setting wins over -F). Until
            // 2026-12-06 they were off, in the benchmarks too (docs/BENCHMARKS.md).
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on");
        serverConfig.forEach(builder::setServerConfig);
        if (!superuserPassword.isEmpty()) {
            // zonky logs in to see that the server is up: with passwords required, with this one.
            builder.setConnectConfig("password", superuserPassword);
        }
        server = builder.start();
        if (!superuserPassword.isEmpty()) {
            requirePasswords();
        }
        log.info("PostgreSQL up on 127.0.0.1:{} (data in {})", port, dataDir);
    }

    /**
     * Sets the superuser's password and makes every login need one: initdb (run by zonky with
     * {@code -A trust}) lets anyone on loopback in as anyone, the superuser included, which would
     * make a per-service role no barrier at all. Logging in works either way while this runs.
     */
    private void requirePasswords() throws IOException {
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, superuserPassword)) {
            c.unwrap(org.postgresql.PGConnection.class).alterUserPassword(USER, superuserPassword.toCharArray(), "scram-sha-256");
            Files.writeString(dataDir.resolve("pg_hba.conf"), """
                # Written by io.quaero.infra.LocalPostgres at every start: every login needs its password (SCRAM).
                local all all scram-sha-256
                host  all all 127.0.0.1/32 scram-sha-256
                host  all all ::1/128 scram-sha-256
                """);
            try (var s = c.createStatement()) {
                s.execute("SELECT pg_reload_conf()");
            }
        } catch (SQLException e) {
            throw new IOException("could not require passwords on PostgreSQL on port " + port, e);
        }
        awaitPasswordsRequired();
    }

    /** The server reloads its configuration when it gets to the signal: until a login without a password is refused. */
    private void awaitPasswordsRequired() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", USER, "")) {
                Thread.sleep(20);
            } catch (SQLException refused) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while PostgreSQL reloaded its pg_hba.conf", e);
            }
        }
        throw new IOException("PostgreSQL on port " + port + " still lets logins in without a password after reloading pg_hba.conf");
    }

    /** Stops the server (fast shutdown); the data stays for the next {@link #start()}. */
    public synchronized void stop() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    /** The server's process id (the postmaster's, from its {@code postmaster.pid}), while it runs. */
    public synchronized long pid() throws IOException {
        if (server == null) {
            throw new IllegalStateException("PostgreSQL on port " + port + " is stopped");
        }
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().trim());
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    private void createDatabaseIfMissing() throws IOException {
        String admin = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (var c = DriverManager.getConnection(admin, USER, superuserPassword);
             var s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new IOException("could not create database " + DATABASE + " on port " + port, e);
        }
    }
}
