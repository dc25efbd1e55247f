package io.quaero.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 10's measurement: what viewers left on a finished job cost the stack. The real dev stack
 * ({@code ./quaero dev}'s jar) runs as its own process; its CPU comes from {@code /proc}, so this
 * client's own work is not counted. A {@code load} job (1,000 lines/s × 5 s) runs with
 * {@code viewers} streams open; once it has ended they stay, then leave. Printed: the stack's
 * cores used while idle before (the peer of the same run), with the viewers on the finished job,
 * and after they left; and how long {@code POST /api/jobs} takes meanwhile.
 */
final class IdleViewersBenchmark {

    private static final Duration WINDOW = Duration.ofSeconds(20);
    private static final Pattern ID = Pattern.compile("/api/jobs/([0-9a-f-]{36})");

    private IdleViewersBenchmark() {
    }

    static void main(String[] args) throws Exception {
        int viewers = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path jar = Path.of("dev-stack/target/dev-stack-0.1.0-SNAPSHOT-exec.jar");
        Path data = Files.createTempDirectory("quaero-bench-idle");
        int port = freePort();
        System.out.printf("idle-viewers benchmark: %d viewers on a finished load job, the dev stack as its own process, "
            + "%d cores, %s windows%n", viewers, Runtime.getRuntime().availableProcessors(), WINDOW);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        var builder = new ProcessBuilder(java.toString(), "--sun-misc-unsafe-memory-access=allow", "-jar", jar.toString())
            .redirectErrorStream(true).redirectOutput(data.resolve("stack.log").toFile());
        builder.environment().put("QUAERO_DATA_DIR", data.resolve("data").toString());
        builder.environment().put("QUAERO_PORT", String.valueOf(port));
        builder.environment().put("QUAERO_KAFKA_PORT", String.valueOf(freePort()));
        builder.environment().put("QUAERO_DB_PORT", String.valueOf(freePort()));
        Process stack = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(stack::destroyForcibly));
        URI base = URI.create("http://127.0.0.1:" + port);
        try (var http = HttpClient.newHttpClient()) {
            awaitUp(http, base, stack, data);
            Thread.sleep(10_000);
            double idle = cores(stack.pid());

            String job = create(http, base, "{\"type\":\"load\",\"params\":{\"rate\":1000,\"duration_s\":5}}");
            List<Viewer> open = new ArrayList<>();
            for (int i = 0; i < viewers; i++) {
                open.add(Viewer.open(http, base.resolve("/api/jobs/" + job + "/logs/stream")));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!status(http, base, job).equals("completed") && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            Thread.sleep(3_000);
            long bytesBefore = open.stream().mapToLong(v -> v.bytes.get()).sum();
            double withViewers = cores(stack.pid());
            long bytesIdle = open.stream().mapToLong(v -> v.bytes.get()).sum() - bytesBefore;
            List<Double> postMs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                String demo = create(http, base, "{\"type\":\"demo\"}");
                postMs.add((System.nanoTime() - t0) / 1e6);
                // Cancelled at once, so its work does not count in the window after.
                http.send(HttpRequest.newBuilder(base.resolve("/api/jobs/" + demo + "/cancel"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            }
            open.forEach(Viewer::close);
            Thread.sleep(3_000);
            double after = cores(stack.pid());

            System.out.printf("  stack idle before:                   %.3f cores%n", idle);
            System.out.printf("  %2d viewers on the finished job:      %.3f cores (%.2f x idle; %,d bytes sent to them in %s: pings)%n",
                viewers, withViewers, withViewers / idle, bytesIdle, WINDOW);
            System.out.printf("  after they left:                     %.3f cores (%.2f x idle)%n", after, after / idle);
            System.out.printf("  POST /api/jobs meanwhile:            median %.1f ms, max %.1f ms (5 requests)%n",
                postMs.stream().sorted().toList().get(2), postMs.stream().mapToDouble(d -> d).max().orElse(0));
        } finally {
            stack.destroy();
            if (!stack.waitFor(30, TimeUnit.SECONDS)) {
                stack.destroyForcibly();
            }
        }
    }

    /** Cores the process used on average over {@link #WINDOW}. */
    private static double cores(long pid) throws InterruptedException {
        long t0 = GatewayProcStats.treeTicks(pid);
        long start = System.nanoTime();
        Thread.sleep(WINDOW);
        long ticks = GatewayProcStats.treeTicks(pid) - t0;
        return ticks / (double) GatewayProcStats.TICKS_PER_SECOND / ((System.nanoTime() - start) / 1e9);
    }

    private static void awaitUp(HttpClient http, URI base, Process stack, Path data) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!stack.isAlive()) {
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
        throw new IllegalStateException("the dev stack did not come up; see " + data.resolve("stack.log"));
    }

    private static String create(HttpClient http, URI base, String body) throws Exception {
        var r = http.send(HttpRequest.newBuilder(base.resolve("/api/jobs")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = ID.matcher(r.headers().firstValue("Location").orElseThrow(
            () -> new IllegalStateException("POST /api/jobs answered " + r.statusCode() + " " + r.body())));
        if (!m.find()) {
            throw new IllegalStateException("no job id in " + r.headers());
        }
        return m.group(1);
    }

    private static String status(HttpClient http, URI base, String job) throws Exception {
        String body = http.send(HttpRequest.newBuilder(base.resolve("/api/jobs/" + job)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("\"status\"\\s*:\\s*\"([a-z]+)\"").matcher(body);
        return m.find() ? m.group(1) : "";
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** One EventSource-like client: reads and counts the stream's bytes on a virtual thread until closed. */
    private record Viewer(InputStream body, AtomicLong bytes) {

        static Viewer open(HttpClient http, URI uri) throws Exception {
            InputStream in = http.send(HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream()).body();
            var v = new Viewer(in, new AtomicLong());
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[16 * 1024];
                try {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        v.bytes.addAndGet(n);
                    }
                } catch (IOException closed) {
                    // closed by the benchmark
                }
            });
            return v;
        }

        void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
