package io.quaero.bench;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Prints a {@link GatewayRun}: the figures, the goal check, and one {@code RESULT gateway} line. */
final class GatewayReport {

    private static final double GOAL_P99_MILLIS = 300;
    private static final long GOAL_RSS_KIB = 1024 * 1024;
    private static final int LAGGARDS_LISTED = 10;
    private static final int THREAD_GROUPS_LISTED = 6;

    private GatewayReport() {
    }

    /**
     * @param peer    the same clients and load against nginx+nchan in this run, or null
     * @param noPeer  why there is no peer run (then the figure measured before is used)
     */
    static void print(GatewayBenchmark.Settings s, GatewayRun run, GatewayConsumeCeiling.Rates ceiling, GatewayRun peer,
                      String noPeer) {
        double nchanMicros = peer != null ? serverMicrosPerEntry(peer) : GatewayBenchmark.NCHAN_CPU_MICROS_PER_ENTRY;
        String nchanSource = peer != null ? "measured in this run" : "measured before; not in this run: " + noPeer;
        double windowSeconds = run.windowSeconds();
        double producedPerSecond = run.producedTotal() / run.produceSeconds();
        double deliveredPerSecond = run.measuredEntries() / windowSeconds;
        double expectedPerSecond = 0;
        for (var c : run.clients()) {
            expectedPerSecond += run.producedPerJob()[c.job()] / run.produceSeconds();
        }
        GatewayLatencyHistogram latency = run.latency();
        double gatewayCpuSeconds = run.windowEnd().gatewayCpuSecondsSince(run.windowStart());
        double gatewayCorePercent = 100 * gatewayCpuSeconds / windowSeconds;
        double cpuMicrosPerEntry = serverMicrosPerEntry(run);
        double driverCpuSeconds = run.windowEnd().driverCpuSecondsSince(run.windowStart());
        List<GatewayRun.ClientOutcome> laggards = run.clients().stream().filter(c -> c.received() < c.expected()).toList();
        long duplicated = run.clients().stream().filter(c -> c.received() > c.expected()).count();
        int resets = run.clients().stream().mapToInt(GatewayRun.ClientOutcome::resets).sum();
        int reconnects = run.clients().stream().mapToInt(GatewayRun.ClientOutcome::reconnects).sum();
        var worst = run.clients().stream().max((a, b) -> Long.compare(a.p99Micros(), b.p99Micros())).orElseThrow();

        System.out.printf("%nresults over the %.1f s measured window (after the %d s warm-up). The clients scan each entry's"
            + " \"timestamp\" bytes instead of parsing JSON, to leave the cores to the gateway.%n", windowSeconds, s.warmupSeconds());
        System.out.printf("  produced        %,.0f logs/s (%,d lines in %.1f s incl. warm-up, %d failed sends)%n",
            producedPerSecond, run.producedTotal(), run.produceSeconds(), run.failedSends());
        System.out.printf("  delivered       %,.0f entries/s to %,d clients (expected: each client gets its job's lines, %,.0f/s)%n",
            deliveredPerSecond, s.clients(), expectedPerSecond);
        if (latency.count() == 0) {
            System.out.println("  latency         no entries received in the window");
        } else {
            System.out.printf("  latency         publish→receive over %,d entries: p50 %s, p90 %s, p99 %s, p99.9 %s, max %s"
                    + " (1 ms buckets; includes the producer's 5 ms linger and the gateway's 150 ms batching)%n",
                latency.count(), millis(latency.percentileMicros(50)), millis(latency.percentileMicros(90)),
                millis(latency.percentileMicros(99)), millis(latency.percentileMicros(99.9)), millis(latency.maxMicros()));
            System.out.printf("                  worst client's p99 %s (client %d, job %d)%s%n", millis(worst.p99Micros()),
                worst.index(), worst.job(),
                latency.negativeCount() > 0 ? "; " + latency.negativeCount() + " received before published (clock step)" : "");
        }
        Map<String, Integer> reasons = new TreeMap<>();
        run.clients().forEach(c -> c.resetReasons().forEach((r, n) -> reasons.merge(r, n, Integer::sum)));
        System.out.printf("  completeness    %,d of %,d clients got every line of their job (%s in %.1f s after the producer"
                + " stopped); %d resets%s, %d reconnects, %d clients got lines twice%n",
            s.clients() - laggards.size(), s.clients(), run.caughtUp() ? "drained" : "NOT drained", run.drainSeconds(),
            resets, reasons.isEmpty() ? "" : " " + reasons, reconnects, duplicated);
        // The furthest behind first.
        laggards.stream().sorted(Comparator.comparingDouble(c -> (double) c.received() / Math.max(1, c.expected())))
            .limit(LAGGARDS_LISTED).forEach(c -> System.out.printf(
            "    behind: client %d (job %d) got %,d of %,d lines, %d resets%n", c.index(), c.job(), c.received(), c.expected(), c.resets()));
        if (laggards.size() > LAGGARDS_LISTED) {
            System.out.printf("    … and %,d more clients behind%n", laggards.size() - LAGGARDS_LISTED);
        }
        System.out.printf("  gateway CPU     %.1f CPU-s in %.1f s = %.0f%% of one core = %.2f CPU-µs per delivered entry"
                + " = %.1f× nginx+nchan's %.2f µs (%s)%n", gatewayCpuSeconds, windowSeconds, gatewayCorePercent, cpuMicrosPerEntry,
            cpuMicrosPerEntry / nchanMicros, nchanMicros, nchanSource);
        System.out.printf("  gateway RSS     max %,d MiB sampled each second; peak %,d MiB (VmHWM, incl. start-up); heap %s%n",
            run.maxRssKib() / 1024, run.peakRssKib() / 1024, ServiceJarProcess.HEAP);
        System.out.printf("  gateway threads %s%n", threads(run.windowStart().gatewayThreadTicks(), run.windowEnd().gatewayThreadTicks(),
            windowSeconds));
        System.out.printf("  driver JVM      broker, producer, clients (ingest too if kept running): %.1f CPU-s = %.0f%% of one core; %s%n",
            driverCpuSeconds, 100 * driverCpuSeconds / windowSeconds,
            threads(run.windowStart().driverThreadTicks(), run.windowEnd().driverThreadTicks(), windowSeconds));
        int cores = Runtime.getRuntime().availableProcessors();
        double machineBusyPercent = run.windowEnd().machineBusyPercentSince(run.windowStart());
        double driverCorePercent = 100 * driverCpuSeconds / windowSeconds;
        double postgresCorePercent = 100 * run.windowEnd().postgresCpuSecondsSince(run.windowStart()) / windowSeconds;
        // All in "% of one core": what is left went to other work on this shared machine (and the kernel).
        double otherCorePercent = machineBusyPercent * cores - gatewayCorePercent - driverCorePercent - postgresCorePercent;
        System.out.printf("  machine         %.0f%% of all %d cores busy = %.0f%% of one core: gateway %.0f%%, driver JVM %.0f%%,"
                + " PostgreSQL %.0f%%, the rest (kernel, other work on this machine) %.0f%%%n", machineBusyPercent, cores, machineBusyPercent * cores,
            gatewayCorePercent, driverCorePercent, postgresCorePercent, Math.max(0, otherCorePercent));
        System.out.printf("  ceiling         one plain Kafka consumer reads the topic's %,d events at %,.0f events/s (%,.0f/s decoding"
                + " them as the tail does): the gateway's %,.0f events/s in are %.1f%% of that%n",
            ceiling.events(), ceiling.rawEventsPerSecond(), ceiling.decodedEventsPerSecond(), producedPerSecond,
            100 * producedPerSecond / ceiling.decodedEventsPerSecond());

        double p99Millis = latency.percentileMicros(99) / 1000.0;
        boolean latencyMet = latency.count() > 0 && p99Millis <= GOAL_P99_MILLIS;
        boolean completeMet = laggards.isEmpty() && resets == 0;
        boolean rssMet = run.maxRssKib() < GOAL_RSS_KIB && run.peakRssKib() < GOAL_RSS_KIB;
        System.out.printf("  goal            p99 ≤ %.0f ms: %s; no client behind (and no reset): %s; RSS < 1 GiB: %s%n",
            GOAL_P99_MILLIS, met(latencyMet), met(completeMet), met(rssMet));
        System.out.printf("RESULT gateway %,d clients x %d jobs: %,.0f logs/s in, %,.0f entries/s out; p50 %s p99 %s;"
                + " %.0f%% CPU = %.2f µs/entry = %.1fx nchan; RSS max %,d MiB; %d resets, %d behind; goal %s%n",
            s.clients(), s.jobs(), producedPerSecond, deliveredPerSecond, millis(latency.percentileMicros(50)), millis(latency.percentileMicros(99)),
            gatewayCorePercent, cpuMicrosPerEntry, cpuMicrosPerEntry / nchanMicros,
            run.maxRssKib() / 1024, resets, laggards.size(), latencyMet && completeMet && rssMet ? "MET" : "NOT MET");
        if (peer != null) {
            printPeer(s, peer, cpuMicrosPerEntry);
        }
    }

    /** The nchan peer's figures, measured as the gateway's, and the ratio of the two. */
    private static void printPeer(GatewayBenchmark.Settings s, GatewayRun peer, double gatewayMicros) {
        double windowSeconds = peer.windowSeconds();
        double cpuSeconds = peer.windowEnd().gatewayCpuSecondsSince(peer.windowStart());
        double micros = serverMicrosPerEntry(peer);
        GatewayLatencyHistogram latency = peer.latency();
        long behind = peer.clients().stream().filter(c -> c.received() < c.expected()).count();
        System.out.printf("%nnginx+nchan, the same clients, lines and 150 ms batches (one worker process):%n");
        System.out.printf("  produced        %,.0f logs/s (%,d lines in %.1f s incl. warm-up, %d failed sends)%n",
            peer.producedTotal() / peer.produceSeconds(), peer.producedTotal(), peer.produceSeconds(), peer.failedSends());
        System.out.printf("  delivered       %,.0f entries/s; latency p50 %s, p99 %s over %,d entries; %,d of %,d clients got every line%n",
            peer.measuredEntries() / windowSeconds, millis(latency.percentileMicros(50)), millis(latency.percentileMicros(99)),
            latency.count(), s.clients() - behind, s.clients());
        System.out.printf("  nginx CPU       %.1f CPU-s in %.1f s = %.0f%% of one core = %.2f CPU-µs per delivered entry%n",
            cpuSeconds, windowSeconds, 100 * cpuSeconds / windowSeconds, micros);
        System.out.printf("RESULT nchan %,d clients x %d jobs: %,.0f entries/s out; p50 %s p99 %s; %.0f%% CPU = %.2f µs/entry;"
                + " RSS max %,d MiB; %d behind%n", s.clients(), s.jobs(), peer.measuredEntries() / windowSeconds,
            millis(latency.percentileMicros(50)), millis(latency.percentileMicros(99)), 100 * cpuSeconds / windowSeconds, micros,
            peer.maxRssKib() / 1024, behind);
        System.out.printf("RESULT ratio gateway/nchan = %.2f (CPU-µs per delivered entry, same run)%n", gatewayMicros / micros);
    }

    private static double serverMicrosPerEntry(GatewayRun run) {
        double cpuSeconds = run.windowEnd().gatewayCpuSecondsSince(run.windowStart());
        return run.measuredEntries() == 0 ? Double.NaN : cpuSeconds * 1e6 / run.measuredEntries();
    }

    private static String threads(Map<String, Long> before, Map<String, Long> after, double seconds) {
        return "busiest threads: " + GatewayProcStats.busiest(before, after, THREAD_GROUPS_LISTED).entrySet().stream()
            .map(e -> String.format("%s %.0f%%", e.getKey(), 100.0 * e.getValue() / GatewayProcStats.TICKS_PER_SECOND / seconds))
            .collect(Collectors.joining(", "));
    }

    private static String millis(long micros) {
        return micros < 10_000 ? String.format("%.1f ms", micros / 1000.0) : String.format("%,d ms", micros / 1000);
    }

    private static String met(boolean met) {
        return met ? "met" : "NOT met";
    }
}
