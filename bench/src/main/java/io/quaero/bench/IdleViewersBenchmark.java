package io.quaero.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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

    private IdleViewersBenchmark() {
    }

    static void main(String[] args) throws Exception {
        int viewers = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        System.out.printf("idle-viewers benchmark: %d viewers on a finished load job, the dev stack as its own process, "
            + "%d cores, %s windows%n", viewers, Runtime.getRuntime().availableProcessors(), WINDOW);
        try (var stack = DevStackProcess.start("idle"); var http = HttpClient.newHttpClient()) {
            URI base = stack.base();
            Thread.sleep(10_000);
            double idle = cores(stack.pid());

            String job = stack.create(http, "{\"type\":\"load\",\"params\":{\"rate\":1000,\"duration_s\":5}}");
            List<Viewer> open = new ArrayList<>();
            for (int i = 0; i < viewers; i++) {
                open.add(Viewer.open(http, base.resolve("/api/jobs/" + job + "/logs/stream")));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!stack.status(http, job).equals("completed") && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            Thread.sleep(3_000);
            long bytesBefore = open.stream().mapToLong(v -> v.bytes.get()).sum();
            double withViewers = cores(stack.pid());
            long bytesIdle = open.stream().mapToLong(v -> v.bytes.get()).sum() - bytesBefore;
            List<Double> postMs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                String demo = stack.create(http, "{\"type\":\"demo\"}");
                postMs.add((System.nanoTime() - t0) / 1e6);
                // Cancelled at once, so its work does not count in the window after.
                http.send(BenchCaller.request(base.resolve("/api/jobs/" + demo + "/cancel"))
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

    /** One EventSource-like client: reads and counts the stream's bytes on a virtual thread until closed. */
    private record Viewer(InputStream body, AtomicLong bytes) {

        static Viewer open(HttpClient http, URI uri) throws Exception {
            InputStream in = http.send(BenchCaller.request(uri).header("Accept", "text/event-stream").build(),
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
