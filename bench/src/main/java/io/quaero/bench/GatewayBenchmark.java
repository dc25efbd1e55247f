package io.quaero.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.quaero.contracts.Topics;
import io.quaero.infra.Endpoints;
import io.quaero.infra.InfraSettings;
import io.quaero.infra.Infrastructure;
import io.quaero.ingest.LogIngestApplication;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Issue 4's benchmark: one stream gateway, N concurrent SSE clients watching J jobs that together
 * log R lines a second; prints delivered entries/s, publish→receive latency, the gateway's CPU and
 * RSS, and whether any client fell behind. Goal on 2 cores at 1,000 clients × 10 jobs × 10,000
 * logs/s: p99 ≤ 300 ms, no client behind, RSS < 1 GiB.
 *
 * <p>The gateway runs as its own process (its executable jar, as deployed) so its CPU and memory
 * are its own; everything else — broker, database, log-ingest-service, the producer and the
 * clients — shares this JVM and the same cores, as in the dev stack. The reference measured in
 * the same run is what one plain Kafka consumer reads of the same topic, and the gateway's CPU per
 * delivered entry is set against nginx+nchan's ≈0.5 µs measured on this machine (design doc).
 */
final class GatewayBenchmark {

    /** nginx+nchan's CPU per entry measured on this machine before (issue 4): used only when nchan cannot run here. */
    static final double NCHAN_CPU_MICROS_PER_ENTRY = 0.5;
    /** How long the tail may take to deliver the last lines after the producer stops. */
    private static final Duration DRAIN = Duration.ofSeconds(5);
    private static final Path DEFAULT_JAR = Path.of("stream-gateway-service/target/stream-gateway-service-0.1.0-SNAPSHOT-exec.jar");

    /** The command line: {@code [clients] [jobs] [logs-per-second] [seconds] [warm-up-seconds]}. */
    record Settings(int clients, int jobs, int logsPerSecond, int seconds, int warmupSeconds) {

        static Settings parse(String[] args) {
            int clients = arg(args, 0, 1_000);
            int jobs = arg(args, 1, 10);
            var s = new Settings(clients, jobs, arg(args, 2, 10_000), arg(args, 3, 60), arg(args, 4, 10));
            if (s.clients < 1 || s.jobs < 1 || s.jobs > s.clients || s.logsPerSecond < 1 || s.seconds < 1 || s.warmupSeconds < 0) {
                throw new IllegalArgumentException("need 1 <= jobs <= clients, logs-per-second >= 1, seconds >= 1, warm-up >= 0: " + s);
            }
            return s;
        }

        private static int arg(String[] args, int i, int dflt) {
            return args.length > i ? Integer.parseInt(args[i].replace("_", "").replace(",", "")) : dflt;
        }
    }

    private GatewayBenchmark() {
    }

    static void main(String[] args) throws Exception {
        var settings = Settings.parse(args);
        Path jar = gatewayJar();
        Path data = Files.createTempDirectory("quaero-bench-gateway");
        System.out.printf("gateway benchmark: %,d clients on %d jobs, %,d logs/s for %d s after a %d s warm-up, %d cores,"
                + " data in %s%n", settings.clients, settings.jobs, settings.logsPerSecond, settings.seconds,
            settings.warmupSeconds, Runtime.getRuntime().availableProcessors(), data);
        System.out.printf("machine %.0f%% busy before the start (other work here shares the cores with this run)%n",
            machineBusyPercent(Duration.ofSeconds(1)));
        try (var stores = new BenchStores(data); var infra = Infrastructure.start(InfraSettings.fromEnvironment(data, 0, 0))) {
            Endpoints e = infra.endpoints();
            try (var admin = Admin.create(Map.of("bootstrap.servers", e.kafkaBootstrap()))) {
                admin.createTopics(List.of(new NewTopic(Topics.JOB_EVENTS, 6, (short) 1))).all().get();
            }
            GatewayRun run;
            boolean ingestDuringRun = "1".equals(System.getenv("QUAERO_BENCH_WITH_INGEST"));
            try (var ingest = new IngestHolder(startIngest(e));
                 var producer = new GatewayLoadProducer(e.kafkaBootstrap(), settings.jobs)) {
                producer.seed();
                awaitJobsStored(e, producer.jobs(), Duration.ofSeconds(60));
                if (!ingestDuringRun) {
                    // Storing 10,000 lines/s is most of this machine's two cores (see the ingest
                    // benchmark): left running it would measure PostgreSQL, not the gateway. The
                    // gateway needs history only at connect and on resume, and bridges from Kafka
                    // what is not stored yet.
                    ingest.close();
                    System.out.println("log-ingest-service stopped after storing the jobs (QUAERO_BENCH_WITH_INGEST=1 keeps it running)");
                }
                Path log = data.resolve("gateway.log");
                // A private copy: a rebuild of the module during the run must not change what runs.
                Instant built = Files.getLastModifiedTime(jar).toInstant().truncatedTo(ChronoUnit.SECONDS);
                Path copy = Files.copy(jar, data.resolve("stream-gateway-service.jar"));
                // The schema is there (ingest migrated it): the run's admin and token, as job-service would make them.
                BenchCaller.register(e);
                try (var gateway = ServiceJarProcess.start(copy, e, log)) {
                    System.out.printf("gateway: %s (built %s) %s, pid %d, log %s%n", jar, built, ServiceJarProcess.HEAP,
                        gateway.pid(), log);
                    gateway.awaitUp("gatewayTail", Duration.ofSeconds(120));
                    UUID[] ids = producer.jobs();
                    run = GatewayRun.execute(settings, gateway.pid(), j -> gateway.base().resolve("/api/jobs/" + ids[j] + "/logs/stream"),
                        producer, DRAIN, postmasterPid(data));
                }
            }
            // The peer in the same run: nginx+nchan with the same clients, lines and batching.
            GatewayRun peer = null;
            String noPeer = NchanPeer.unavailable();
            if (noPeer == null) {
                try (var nchan = NchanPeer.start(data, settings.clients)) {
                    var publisher = new NchanPublisher(nchan.base(), settings.jobs);
                    publisher.seed();
                    System.out.printf("%nnginx+nchan: worker pid %d (one worker process, as the gateway is one process)%n",
                        nchan.workerPid());
                    peer = GatewayRun.execute(settings, nchan.workerPid(), publisher::stream, publisher, DRAIN, -1);
                }
            } else {
                System.out.println("nginx+nchan not measured: " + noPeer);
            }
            var ceiling = GatewayConsumeCeiling.measure(e.kafkaBootstrap());
            GatewayReport.print(settings, run, ceiling, peer, noPeer);
        }
    }

    /** Closes the ingest service at most once: early when it is not part of the run, else at the end. */
    static final class IngestHolder implements AutoCloseable {

        private AutoCloseable app;

        IngestHolder(AutoCloseable app) {
            this.app = app;
        }

        @Override
        public void close() throws Exception {
            if (app != null) {
                app.close();
                app = null;
            }
        }
    }

    /** log-ingest-service in this JVM, so jobs exist and backlogs and resumes read real history. */
    static AutoCloseable startIngest(Endpoints e) {
        // As command-line arguments: they outrank the service's own application.properties.
        var appArgs = new ArrayList<String>();
        e.springProperties().forEach((k, v) -> appArgs.add("--" + k + "=" + v));
        appArgs.addAll(List.of("--server.port=0", "--spring.main.banner-mode=off"));
        return new SpringApplicationBuilder(LogIngestApplication.class).run(appArgs.toArray(String[]::new));
    }

    /** The embedded PostgreSQL's postmaster, from its pid file; -1 when the database is external. */
    static long postmasterPid(Path data) {
        try {
            return Long.parseLong(Files.readAllLines(data.resolve("postgres/postmaster.pid")).getFirst().trim());
        } catch (Exception external) {
            return -1;
        }
    }

    private static double machineBusyPercent(Duration over) throws InterruptedException {
        long[] before = GatewayProcStats.machineTicks();
        Thread.sleep(over);
        long[] after = GatewayProcStats.machineTicks();
        return 100.0 * (after[0] - before[0]) / Math.max(1, after[1] - before[1]);
    }

    static void awaitJobsStored(Endpoints e, UUID[] jobs, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection db = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword());
             var count = db.prepareStatement("SELECT count(*) FROM jobs WHERE id = ANY(?)")) {
            count.setArray(1, db.createArrayOf("uuid", jobs));
            while (System.nanoTime() < deadline) {
                try (var rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == jobs.length) {
                        return;
                    }
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("log-ingest-service did not store the " + jobs.length + " jobs within " + timeout);
    }

    /**
     * The gateway's executable jar: {@code QUAERO_GATEWAY_JAR} or the module's build output. The
     * bench module does not depend on the gateway (it must not run in this JVM), so
     * {@code bench/run} does not build it; a jar older than its sources is measured but flagged.
     */
    static Path gatewayJar() throws Exception {
        String configured = System.getenv("QUAERO_GATEWAY_JAR");
        Path jar = configured == null || configured.isBlank() ? DEFAULT_JAR : Path.of(configured);
        String build = "./mvnw -B -q -DskipTests install -pl stream-gateway-service -am";
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no gateway jar at " + jar.toAbsolutePath() + "; build it with: " + build
                + " (or point QUAERO_GATEWAY_JAR at one)");
        }
        if (jar.equals(DEFAULT_JAR)) {
            var built = Files.getLastModifiedTime(jar).toInstant();
            Instant newestSource = newest(Path.of("stream-gateway-service/src/main"), Path.of("shared-contracts/src/main"));
            if (newestSource.isAfter(built)) {
                System.out.printf("WARNING: %s (built %s) is older than its sources (changed %s): rebuild with %s%n",
                    jar, built, newestSource, build);
            }
        }
        return jar;
    }

    private static Instant newest(Path... dirs) throws Exception {
        Instant newest = Instant.EPOCH;
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    Instant t = Files.getLastModifiedTime(f).toInstant();
                    newest = t.isAfter(newest) ? t : newest;
                }
            }
        }
        return newest;
    }
}
