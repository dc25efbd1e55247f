package io.quaero.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real dev stack ({@code ./quaero dev}'s jar: every service, an embedded Kafka broker and
 * PostgreSQL) as its own process, on free ports, so its CPU can be read alone from {@code /proc}
 * and a client here talks to it only over the network.
 */
final class DevStackProcess implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("/api/jobs/([0-9a-f-]{36})");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z]+)\"");

    private final Process process;
    private final URI base;
    private final int kafkaPort;
    private final Path data;

    private DevStackProcess(Process process, URI base, int kafkaPort, Path data) {
        this.process = process;
        this.base = base;
        this.kafkaPort = kafkaPort;
        this.data = data;
    }

    /** Starts the stack and waits until its health is UP (at most 3 minutes). */
    static DevStackProcess start(String name) throws Exception {
        Path jar = Path.of("dev-stack/target/dev-stack-0.1.0-SNAPSHOT-exec.jar");
        Path data = Files.createTempDirectory("quaero-bench-" + name);
        int port = freePort();
        int kafkaPort = freePort();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        var builder = new ProcessBuilder(java.toString(), "--sun-misc-unsafe-memory-access=allow", "-jar", jar.toString())
            .redirectErrorStream(true).redirectOutput(data.resolve("stack.log").toFile());
        builder.environment().put("QUAERO_DATA_DIR", data.resolve("data").toString());
        builder.environment().put("QUAERO_PORT", String.valueOf(port));
        builder.environment().put("QUAERO_DEV_ADMIN_TOKEN", BenchCaller.TOKEN);
        builder.environment().put("QUAERO_EXEMPT_USERS", BenchCaller.EXEMPT_USERS);
        builder.environment().put("QUAERO_KAFKA_PORT", String.valueOf(kafkaPort));
        builder.environment().put("QUAERO_DB_PORT", String.valueOf(freePort()));
        Process process = builder.start();
        // Ctrl-C on the benchmark must not leave a stack running.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        var stack = new DevStackProcess(process, URI.create("http://127.0.0.1:" + port), kafkaPort, data);
        stack.awaitUp();
        return stack;
    }

    URI base() {
        return base;
    }

    String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    long pid() {
        return process.pid();
    }

    /** {@code POST /api/jobs} with {@code body}; returns the new job's id. */
    String create(HttpClient http, String body) throws Exception {
        var r = http.send(BenchCaller.request(base.resolve("/api/jobs")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = ID.matcher(r.headers().firstValue("Location").orElseThrow(
            () -> new IllegalStateException("POST /api/jobs answered " + r.statusCode() + " " + r.body())));
        if (!m.find()) {
            throw new IllegalStateException("no job id in " + r.headers());
        }
        return m.group(1);
    }

    /** The job's status as {@code GET /api/jobs/{id}} says. */
    String status(HttpClient http, String job) throws Exception {
        String body = http.send(BenchCaller.request(base.resolve("/api/jobs/" + job)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = STATUS.matcher(body);
        return m.find() ? m.group(1) : "";
    }

    private void awaitUp() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        try (var http = HttpClient.newHttpClient()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the dev stack exited; see " + data.resolve("stack.log"));
                }
                try {
                    var r = http.send(HttpRequest.newBuilder(base.resolve("/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // still starting
                }
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("the dev stack did not come up; see " + data.resolve("stack.log"));
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        // The stack's broker and database; its log (stack.log) stays.
        new BenchStores(data.resolve("data")).close();
    }
}
