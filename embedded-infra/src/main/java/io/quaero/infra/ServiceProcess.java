package io.quaero.infra;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a Quaero service as its own JVM on this JVM's class path, pointed at {@code endpoints}
 * through the {@code QUAERO_*} variables: for tests that kill a service mid-work (a process, not
 * a context, is what dies in production), and for benchmarks that measure one process alone.
 */
public final class ServiceProcess {

    private ServiceProcess() {
    }

    /**
     * @param main the service's {@code @SpringBootApplication} class
     * @param log  where its output goes (stdout and stderr)
     * @param args Spring arguments, e.g. {@code --server.port=0}
     */
    public static Process start(Class<?> main, Endpoints endpoints, File log, List<String> args) throws IOException {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.add("--spring.main.banner-mode=off");
        // Also as arguments: they outrank whichever application.properties comes first on a
        // class path that holds several services.
        endpoints.springProperties().forEach((k, v) -> command.add("--" + k + "=" + v));
        command.addAll(args);
        var pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
        pb.environment().putAll(Map.of(
            "QUAERO_KAFKA_BOOTSTRAP", endpoints.kafkaBootstrap(),
            "QUAERO_DB_URL", endpoints.jdbcUrl(),
            "QUAERO_DB_USER", endpoints.dbUser(),
            "QUAERO_DB_PASSWORD", endpoints.dbPassword()));
        return pb.start();
    }
}
