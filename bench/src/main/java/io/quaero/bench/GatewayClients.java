package io.quaero.bench;

import java.net.URI;
import java.util.function.IntFunction;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The benchmark's browsers: {@code count} SSE clients spread evenly over the jobs (client i
 * watches job i mod jobs). One {@link HttpClient} per {@value #STREAMS_PER_HTTP_CLIENT} streams:
 * each HTTP/1.1 stream holds a connection for its whole life, and each HttpClient moves all of
 * its connections' bytes through one selector thread, which at ~300 MB/s in all would otherwise be
 * the bottleneck of the driver rather than of the gateway.
 */
final class GatewayClients {

    static final int STREAMS_PER_HTTP_CLIENT = 100;

    private final List<HttpClient> httpClients = new ArrayList<>();
    private final List<GatewaySseClient> clients = new ArrayList<>();
    private final GatewayRunPhase phase;
    private boolean stopped;

    private GatewayClients(GatewayRunPhase phase) {
        this.phase = phase;
    }

    /**
     * Starts the clients, one a millisecond, so the gateway's accept queue and history reads see
     * a quick ramp rather than one burst of a thousand SYNs.
     */
    static GatewayClients open(IntFunction<URI> streamOfJob, int jobs, int count, GatewayRunPhase phase) throws InterruptedException {
        var group = new GatewayClients(phase);
        for (int i = 0; i < count; i++) {
            if (i % STREAMS_PER_HTTP_CLIENT == 0) {
                group.httpClients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build());
            }
            int job = i % jobs;
            var client = new GatewaySseClient(i, job, streamOfJob.apply(job), group.httpClients.getLast(), phase);
            group.clients.add(client);
            client.start();
            Thread.sleep(1);
        }
        return group;
    }

    /** Waits until every stream delivered its initial backlog; fails with the first client's error. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long ready = clients.stream().filter(GatewaySseClient::ready).count();
            if (ready == clients.size()) {
                return;
            }
            String failure = clients.stream().map(GatewaySseClient::failure).filter(f -> f != null).findFirst().orElse(null);
            if (failure != null) {
                throw new IllegalStateException("a stream was refused: " + failure);
            }
            Thread.sleep(100);
        }
        long ready = clients.stream().filter(GatewaySseClient::ready).count();
        int connectFailures = clients.stream().mapToInt(GatewaySseClient::connectFailures).sum();
        throw new IllegalStateException("only " + ready + " of " + clients.size() + " streams were live after " + timeout
            + " (" + connectFailures + " failed connects)");
    }

    /** Entries published during the run and received so far, over all clients. */
    long runEntries() {
        return clients.stream().mapToLong(GatewaySseClient::runEntries).sum();
    }

    /** Entries received during the measured window, over all clients. */
    long measuredEntries() {
        return clients.stream().mapToLong(GatewaySseClient::measuredEntries).sum();
    }

    /** True when every client has received at least what was produced for its job. */
    boolean caughtUp(long[] producedPerJob) {
        return clients.stream().allMatch(c -> c.runEntries() >= producedPerJob[c.jobIndex()]);
    }

    /** Ends every stream and waits for the clients' threads, so their counters are final. Idempotent. */
    void stop() throws InterruptedException {
        if (stopped) {
            return;
        }
        stopped = true;
        phase.stop();
        clients.forEach(GatewaySseClient::close);
        for (var c : clients) {
            if (!c.awaitEnd(Duration.ofSeconds(10))) {
                System.out.printf("  (client %d did not stop within 10 s)%n", c.index());
            }
        }
        httpClients.forEach(HttpClient::shutdownNow);
    }

    List<GatewaySseClient> all() {
        return List.copyOf(clients);
    }

    /** All clients' latencies; call after {@link #stop()}. */
    GatewayLatencyHistogram latency() {
        var all = new GatewayLatencyHistogram();
        clients.forEach(c -> all.add(c.latency()));
        return all;
    }
}
