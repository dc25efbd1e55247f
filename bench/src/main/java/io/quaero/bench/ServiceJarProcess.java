package io.quaero.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.quaero.infra.Endpoints;

/**
 * A Quaero service as a child process, started from its executable jar exactly as in production:
 * a separate JVM, so its CPU and RSS can be read alone from {@code /proc} (and it can be killed
 * alone), configured only through its documented environment variables plus a free port.
 */
final class ServiceJarProcess implements AutoCloseable {

    /** The heap a service is given; the gateway's RSS goal (1 GiB) leaves room for metaspace, threads, buffers. */
    static final String HEAP = "-Xmx512m";

    private final Process process;
    private final int port;
    private final Path log;

    private ServiceJarProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static ServiceJarProcess start(Path jar, Endpoints e, Path log) throws IOException {
        return start(jar, e, log, List.of(), List.of());
    }

    /**
     * @param jvmOptions  extra JVM options (before {@code -jar})
     * @param appSettings extra {@code --name=value} settings of the service
     */
    static ServiceJarProcess start(Path jar, Endpoints e, Path log, List<String> jvmOptions, List<String> appSettings)
        throws IOException {
        int port = DevStackProcess.freePort();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--sun-misc-unsafe-memory-access=allow", HEAP));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port, "--spring.main.banner-mode=off",
            // The health response must name its components, so the driver can wait for the tail.
            "--management.endpoint.health.show-components=always"));
        command.addAll(appSettings);
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("QUAERO_KAFKA_BOOTSTRAP", e.kafkaBootstrap());
        builder.environment().put("QUAERO_DB_URL", e.jdbcUrl());
        builder.environment().put("QUAERO_DB_USER", e.dbUser());
        builder.environment().put("QUAERO_DB_PASSWORD", e.dbPassword());
        builder.environment().put("QUAERO_TOPICS_REPLICATION_FACTOR", String.valueOf(Endpoints.TOPIC_REPLICATION_FACTOR));
        builder.environment().put("QUAERO_EXEMPT_USERS", BenchCaller.EXEMPT_USERS);
        Process process = builder.start();
        // Ctrl-C on the benchmark must not leave a service running.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return new ServiceJarProcess(process, port, log);
    }

    long pid() {
        return process.pid();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Waits until the service reports itself UP including health component {@code component}
     * (the gateway's {@code gatewayTail}: from then on the tail is positioned on every partition
     * and no event produced afterwards is missed).
     */
    void awaitUp(String component, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        try (var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            var request = HttpRequest.newBuilder(base().resolve("/actuator/health")).timeout(Duration.ofSeconds(5)).build();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the service exited with " + process.exitValue() + "; its log:\n" + tail());
                }
                try {
                    var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    last = response.statusCode() + " " + response.body();
                    String body = response.body().replace(" ", "");
                    if (response.statusCode() == 200 && body.contains("\"" + component + "\":{\"status\":\"UP\"")) {
                        return;
                    }
                } catch (IOException notListeningYet) {
                    last = notListeningYet.toString();
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException(component + " was not UP within " + timeout + " (last health: " + last
            + "); its log:\n" + tail());
    }

    /** The last lines of the service's own output, for a failure message. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGKILL: the process ends at once, mid-whatever, as on a power loss or OOM kill. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM (a graceful shutdown, as in production), then SIGKILL if it takes too long. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
