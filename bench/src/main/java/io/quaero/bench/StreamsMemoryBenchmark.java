package io.quaero.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quaero.contracts.Topics;
import io.quaero.infra.Endpoints;
import io.quaero.infra.InfraSettings;
import io.quaero.infra.Infrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * What an idle stream costs the gateway in memory (issue 12's goal: heap + native ≤ 30 KB per
 * connection at 10,000 streams, Centrifugo's figure). The gateway runs from its jar as its own
 * process with Native Memory Tracking; N clients each open a stream of one of 10 quiet jobs (the
 * initial {@code status} and {@code logs}, then a ping every 5 s). Heap used after a full GC, RSS
 * and NMT's committed total are read before and with the N streams open; the difference divided
 * by N is the cost of one.
 */
final class StreamsMemoryBenchmark {

    private static final double GOAL_KB = 30;
    private static final int JOBS = 10;
    private static final Pattern HEAP_USED = Pattern.compile("garbage-first heap\\s+total reserved \\d+K, committed (\\d+)K, used (\\d+)K");
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");

    private StreamsMemoryBenchmark() {
    }

    /** What the gateway holds at one instant, after a full GC. */
    record Memory(long heapUsedKib, long rssKib, long nativeCommittedKib, int threads) {
    }

    static void main(String[] args) throws Exception {
        int streams = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 10_000;
        Path jar = GatewayBenchmark.gatewayJar();
        Path data = Files.createTempDirectory("quaero-bench-streams-memory");
        try (var stores = new BenchStores(data); var infra = Infrastructure.start(InfraSettings.fromEnvironment(data, 0, 0))) {
            Endpoints e = infra.endpoints();
            try (var admin = Admin.create(Map.of("bootstrap.servers", e.kafkaBootstrap()))) {
                admin.createTopics(List.of(new NewTopic(Topics.JOB_EVENTS, 6, (short) 1))).all().get();
            }
            UUID[] jobs;
            try (var ingest = new GatewayBenchmark.IngestHolder(GatewayBenchmark.startIngest(e));
                 var producer = new GatewayLoadProducer(e.kafkaBootstrap(), JOBS)) {
                producer.seed();
                jobs = producer.jobs();
                GatewayBenchmark.awaitJobsStored(e, jobs, Duration.ofSeconds(60));
            }
            Path copy = Files.copy(jar, data.resolve("stream-gateway-service.jar"));
            try (var gateway = ServiceJarProcess.start(copy, e, data.resolve("gateway.log"),
                List.of("-XX:NativeMemoryTracking=summary"), List.of("--quaero.stream.max-connections=" + (streams + 1_000),
                    // Tomcat accepts 8,192 connections by default: beyond that, connects queue and time out.
                    "--server.tomcat.max-connections=" + (streams + 1_000)))) {
                gateway.awaitUp("gatewayTail", Duration.ofSeconds(120));
                long pid = gateway.pid();
                // Warm-up: a round of streams opened and closed, so classes, JIT and pools are in place.
                var warm = GatewayClients.open(j -> gateway.base().resolve("/api/jobs/" + jobs[j] + "/logs/stream"), JOBS,
                    Math.min(500, streams), new GatewayRunPhase());
                warm.awaitReady(Duration.ofSeconds(60));
                warm.stop();
                Thread.sleep(5_000);
                Memory before = measure(pid);
                System.out.printf("baseline: heap used %,d KB, RSS %,d KB, native committed %,d KB, %d threads%n",
                    before.heapUsedKib(), before.rssKib(), before.nativeCommittedKib(), before.threads());

                long start = System.nanoTime();
                var clients = GatewayClients.open(j -> gateway.base().resolve("/api/jobs/" + jobs[j] + "/logs/stream"), JOBS,
                    streams, new GatewayRunPhase());
                try {
                    clients.awaitReady(Duration.ofSeconds(300));
                    System.out.printf("%,d streams open in %.1f s; idle for 10 s (pings flow)%n", streams,
                        (System.nanoTime() - start) / 1e9);
                    long[] cpu0 = {GatewayProcStats.cpuTicks(pid), System.nanoTime()};
                    Thread.sleep(10_000);
                    double idleCores = (double) (GatewayProcStats.cpuTicks(pid) - cpu0[0]) / GatewayProcStats.TICKS_PER_SECOND
                        / ((System.nanoTime() - cpu0[1]) / 1e9);
                    Memory with = measure(pid);
                    System.out.printf("with %,d streams: heap used %,d KB, RSS %,d KB, native committed %,d KB, %d threads;"
                        + " gateway CPU while idle %.1f%% of a core%n", streams, with.heapUsedKib(), with.rssKib(),
                        with.nativeCommittedKib(), with.threads(), 100 * idleCores);
                    double heap = (double) (with.heapUsedKib() - before.heapUsedKib()) / streams;
                    double rss = (double) (with.rssKib() - before.rssKib()) / streams;
                    double nativeKb = (double) (with.nativeCommittedKib() - before.nativeCommittedKib()) / streams;
                    System.out.printf("per stream: heap %.1f KB, RSS %.1f KB, native (NMT committed, heap included) %.1f KB%n",
                        heap, rss, nativeKb);
                    System.out.println("top heap classes with the streams open: jcmd " + pid + " GC.class_histogram");
                    System.out.print(histogramHead(pid, 25));
                    System.out.printf("RESULT streams-memory %,d idle streams: heap %.1f KB/stream, RSS %.1f KB/stream,"
                            + " native (NMT committed) %.1f KB/stream; idle CPU %.1f%% of a core; goal %.0f KB: %s%n", streams, heap, rss,
                        nativeKb, 100 * idleCores, GOAL_KB, Math.max(rss, nativeKb) <= GOAL_KB ? "MET" : "NOT MET");
                } finally {
                    clients.stop();
                }
            }
        }
    }

    private static Memory measure(long pid) throws Exception {
        jcmd(pid, "GC.run");
        Thread.sleep(1_000);
        Matcher heap = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
        Matcher nmt = NMT_TOTAL.matcher(jcmd(pid, "VM.native_memory", "summary"));
        if (!heap.find() || !nmt.find()) {
            throw new IllegalStateException("could not read the gateway's heap or native memory (jcmd)");
        }
        long threads;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            threads = tasks.count();
        }
        return new Memory(Long.parseLong(heap.group(2)), GatewayProcStats.rssKib(pid), Long.parseLong(nmt.group(2)), (int) threads);
    }

    private static String histogramHead(long pid, int lines) throws Exception {
        return jcmd(pid, "GC.class_histogram").lines().limit(lines + 3).map(l -> "  " + l + "\n").reduce("", String::concat);
    }

    private static String jcmd(long pid, String... command) throws Exception {
        var args = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
            Long.toString(pid)));
        args.addAll(List.of(command));
        var process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return out;
    }
}
