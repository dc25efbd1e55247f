package io.quaero.bench;

import java.net.URI;
import java.time.Duration;
import java.util.function.IntFunction;
import java.util.List;
import java.util.Map;

/**
 * One measured run against a started gateway: connect the clients, produce through the warm-up
 * and the measured window, let the tail drain, then collect what every client saw.
 *
 * @param producedPerJob   lines of each job produced (acknowledged) during the run, seed excluded
 * @param windowStart      CPU counters when the measured window opened (after the warm-up)
 * @param windowEnd        CPU counters when the producer stopped
 * @param measuredEntries  entries all clients received inside the window
 * @param drainSeconds     from the producer's stop until every client had its job's lines (or the drain limit)
 */
record GatewayRun(
    double connectSeconds,
    long[] producedPerJob,
    double produceSeconds,
    long failedSends,
    GatewayCpuSample windowStart,
    GatewayCpuSample windowEnd,
    long measuredEntries,
    GatewayLatencyHistogram latency,
    List<ClientOutcome> clients,
    double drainSeconds,
    boolean caughtUp,
    long maxRssKib,
    long peakRssKib) {

    /** What one client got of its job, and at what latency. */
    record ClientOutcome(int index, int job, long received, long expected, int resets, Map<String, Integer> resetReasons,
                         int reconnects, long p99Micros) {
    }

    /**
     * @param serverPid   the measured server's process (the gateway, or nginx's worker)
     * @param streamOfJob the stream URL of job {@code i}
     * @param postgresPid the postmaster's pid, or -1 when the database is not ours to watch
     */
    static GatewayRun execute(GatewayBenchmark.Settings s, long serverPid, IntFunction<URI> streamOfJob, GatewayLoad producer,
                              Duration drain, long postgresPid) throws InterruptedException {
        var phase = new GatewayRunPhase();
        long connectStart = System.nanoTime();
        var clients = GatewayClients.open(streamOfJob, producer.jobs().length, s.clients(), phase);
        try {
            clients.awaitReady(Duration.ofSeconds(120));
            double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
            System.out.printf("%,d streams live (backlog received) in %.1f s; producing%n", s.clients(), connectSeconds);
            long[] seeded = new long[s.jobs()];
            for (int j = 0; j < s.jobs(); j++) {
                seeded[j] = producer.acked(j);
            }
            long gatewayPid = serverPid;
            var window = new GatewayCpuSample[2];
            long[] produced = new long[s.jobs()];
            double produceSeconds;
            double drainSeconds;
            boolean caughtUp;
            long maxRssKib;
            try (var monitor = new GatewayMonitor(gatewayPid, clients)) {
                phase.startRun(GatewayRunPhase.nowMicros());
                long produceStart = System.nanoTime();
                producer.run(s.logsPerSecond(), Duration.ofSeconds(s.warmupSeconds() + s.seconds()).toNanos(),
                    Duration.ofSeconds(s.warmupSeconds()).toNanos(), () -> {
                        window[0] = GatewayCpuSample.take(gatewayPid, postgresPid);
                        phase.startMeasuring(GatewayRunPhase.nowMicros());
                    });
                phase.stopMeasuring();
                window[1] = GatewayCpuSample.take(gatewayPid, postgresPid);
                long produceEnd = System.nanoTime();
                produceSeconds = (produceEnd - produceStart) / 1e9;
                for (int j = 0; j < s.jobs(); j++) {
                    produced[j] = producer.acked(j) - seeded[j];
                }
                long drainDeadline = produceEnd + drain.toNanos();
                while (!(caughtUp = clients.caughtUp(produced)) && System.nanoTime() < drainDeadline) {
                    Thread.sleep(20);
                }
                drainSeconds = (System.nanoTime() - produceEnd) / 1e9;
                maxRssKib = monitor.maxRssKib();
            }
            long peakRssKib = GatewayProcStats.peakRssKib(gatewayPid);
            clients.stop();
            List<ClientOutcome> outcomes = clients.all().stream()
                .map(c -> new ClientOutcome(c.index(), c.jobIndex(), c.runEntries(), produced[c.jobIndex()], c.resets(),
                    c.resetReasons(), c.reconnects(), c.latency().percentileMicros(99)))
                .toList();
            return new GatewayRun(connectSeconds, produced, produceSeconds, producer.failed(), window[0], window[1],
                clients.measuredEntries(), clients.latency(), outcomes, drainSeconds, caughtUp, maxRssKib, peakRssKib);
        } finally {
            clients.stop();
        }
    }

    long producedTotal() {
        long total = 0;
        for (long p : producedPerJob) {
            total += p;
        }
        return total;
    }

    double windowSeconds() {
        return windowEnd.secondsSince(windowStart);
    }
}
