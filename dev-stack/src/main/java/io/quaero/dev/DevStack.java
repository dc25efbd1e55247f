package io.quaero.dev;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.quaero.infra.DataDirs;
import io.quaero.infra.InfraSettings;
import io.quaero.infra.Infrastructure;
import io.quaero.jobs.accounts.DevAdmin;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code ./quaero dev}: starts Kafka and PostgreSQL (embedded unless {@code QUAERO_KAFKA_BOOTSTRAP}
 * / {@code QUAERO_DB_URL} point elsewhere), then every service on one port, prints where
 * everything is, and on Ctrl-C stops the services first and the infrastructure last.
 *
 * <p>Data (broker log and database) lives in {@code QUAERO_DATA_DIR} (default {@code .quaero/data})
 * and survives restarts; {@code --fresh} starts from nothing. Both go together: stored cursors are
 * Kafka offsets, so a database without its broker log would point at nothing.
 */
public final class DevStack {

    static final int DEFAULT_HTTP_PORT = 8080;
    static final int DEFAULT_KAFKA_PORT = 9092;
    static final int DEFAULT_DB_PORT = 5432;

    private DevStack() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(System.getenv().getOrDefault("QUAERO_DATA_DIR", ".quaero/data")).toAbsolutePath();
        if (List.of(args).contains("--fresh")) {
            DataDirs.deleteRecursively(dataDir);
        }
        int httpPort = Integer.parseInt(System.getenv().getOrDefault("QUAERO_PORT", String.valueOf(DEFAULT_HTTP_PORT)));
        var settings = InfraSettings.fromEnvironment(dataDir, DEFAULT_KAFKA_PORT, DEFAULT_DB_PORT);
        requireFree("QUAERO_PORT", httpPort);
        if (settings.kafkaBootstrap() == null && settings.mode() == InfraSettings.Mode.EMBEDDED) {
            requireFree("QUAERO_KAFKA_PORT", settings.kafkaPort());
        }
        if (settings.dbUrl() == null && settings.mode() == InfraSettings.Mode.EMBEDDED) {
            requireFree("QUAERO_DB_PORT", settings.dbPort());
        }

        Infrastructure infra = Infrastructure.start(settings);
        ConfigurableApplicationContext context;
        try {
            context = new SpringApplicationBuilder(DevStackApplication.class)
                .properties(springProperties(infra, httpPort))
                .registerShutdownHook(false)
                .run(args);
        } catch (RuntimeException e) {
            infra.close();
            throw e;
        }
        // One hook, so the order is ours: services drain their streams and commit, then the
        // broker and the database stop. (JVM hooks run concurrently and in no order.)
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("quaero dev shutdown").unstarted(() -> {
            context.close();
            infra.close();
            System.out.println("Quaero dev stack stopped.");
        }));
        printWhereEverythingIs(infra, httpPort, dataDir, context.getBean(DevAdmin.class).signInPath());
    }

    private static Map<String, Object> springProperties(Infrastructure infra, int httpPort) {
        Map<String, Object> p = new LinkedHashMap<>(infra.endpoints().springProperties());
        p.put("server.port", httpPort);
        return p;
    }

    private static void printWhereEverythingIs(Infrastructure infra, int httpPort, Path dataDir, String signInPath) {
        var e = infra.endpoints();
        System.out.printf("""

            ==============================================================
             Quaero dev stack is up.
               Open this to sign in as admin (one use, valid 1 hour):
                 http://localhost:%d%s
               Browser, REST API and streams:  http://localhost:%d/
               Kafka bootstrap:                %s
               PostgreSQL:                     %s (user %s)
               Data:                           %s
             Scripts: set QUAERO_DEV_ADMIN_TOKEN before starting, then
               curl -N -H "Authorization: Bearer $QUAERO_DEV_ADMIN_TOKEN" http://localhost:%d/api/jobs/<job-id>/logs/stream
             Ctrl-C stops everything.
            ==============================================================
            %n""", httpPort, signInPath, httpPort, e.kafkaBootstrap(), e.jdbcUrl(), e.dbUser(), dataDir, httpPort);
    }

    private static void requireFree(String variable, int port) {
        if (port == 0) {
            return;
        }
        try (var s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            System.err.printf("Port %d is already in use. Stop what uses it, or set %s to another port.%n", port, variable);
            System.exit(2);
        }
    }
}
