package io.quaero.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.LogEvent;
import io.quaero.infra.Endpoints;
import io.quaero.infra.InfraSettings;
import io.quaero.infra.Infrastructure;
import io.quaero.ingest.LogIngestApplication;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Issue 3's benchmark: pre-load N log events into {@code quaero.job-events}, start
 * log-ingest-service and time how long it takes to store them all; then, in the same run, time the
 * ceiling — a raw {@code COPY} of exactly those rows into the same (emptied) table with the same
 * indexes — and, for the choice COPY vs INSERT, a batched multi-row INSERT of the same rows; last,
 * the COPY without and with the trigram index {@code job_logs} had until issue 16.
 *
 * <p>Everything runs on this machine: broker, database, service and this driver share the cores,
 * as in the dev stack. Absolute rates drift with the machine's load; the ratio is the figure.
 */
final class IngestBenchmark {

    /** Jobs the events are spread over; steps per job. */
    private static final int JOBS = 100;
    private static final int STEPS = 3;
    /** Rows per transaction for the INSERT comparison: the service's max-poll-records until issue 16 (comparable runs). */
    private static final int INSERT_BATCH = 2000;

    private IngestBenchmark() {
    }

    static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        // Instances of log-ingest-service in one consumer group against the one database (each a
        // Spring context of its own in this JVM: they share its cores, as two processes would).
        int instances = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path data = Files.createTempDirectory("quaero-bench-ingest");
        System.out.printf("ingest benchmark: %,d events, %d jobs x %d steps, %d ingest instance(s), %d cores, data in %s%n",
            events, JOBS, STEPS, instances, Runtime.getRuntime().availableProcessors(), data);
        try (var stores = new BenchStores(data); var infra = Infrastructure.start(InfraSettings.fromEnvironment(data, 0, 0))) {
            Endpoints e = infra.endpoints();
            try (var admin = Admin.create(Map.of("bootstrap.servers", e.kafkaBootstrap()))) {
                admin.createTopics(List.of(new NewTopic(Topics.JOB_EVENTS, 6, (short) 1))).all().get();
            }
            double produceRate = preload(e, events);
            System.out.printf("preloaded into Kafka: %,.0f events/s%n", produceRate);

            long cpuBefore = processCpuNanos();
            long dbCpuBefore = postgresCpuNanos(data);
            double dbCpuSeconds;
            long stored;
            long start = System.nanoTime();
            // As command-line arguments: they outrank the service's own application.properties.
            var appArgs = new java.util.ArrayList<String>();
            e.springProperties().forEach((k, v) -> appArgs.add("--" + k + "=" + v));
            appArgs.addAll(List.of("--server.port=0", "--spring.main.banner-mode=off"));
            // Further arguments are the service's settings, e.g. --quaero.ingest.consumers=1.
            appArgs.addAll(List.of(args).subList(Math.min(args.length, 2), args.length));
            var apps = new java.util.ArrayList<org.springframework.context.ConfigurableApplicationContext>();
            try {
                for (int i = 0; i < instances; i++) {
                    apps.add(new SpringApplicationBuilder(LogIngestApplication.class).run(appArgs.toArray(String[]::new)));
                }
                waitForStored(e, events);
                stored = System.currentTimeMillis();
                // Before the services close their connections: a closed backend's CPU reaches the
                // postmaster's count only once it is reaped.
                dbCpuSeconds = (postgresCpuNanos(data) - dbCpuBefore) / 1e9;
            } finally {
                apps.forEach(org.springframework.context.ConfigurableApplicationContext::close);
            }
            double ingestSeconds = (System.nanoTime() - start) / 1e9;
            double ingestRate = events / ingestSeconds;
            double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
            System.out.printf("log-ingest-service: %,d events stored in %.1f s = %,.0f events/s "
                + "(this JVM incl. broker: %.1f CPU-s = %.1f µs/event; PostgreSQL: %.1f CPU-s = %.1f µs/event)%n",
                events, ingestSeconds, ingestRate, cpuSeconds, cpuSeconds * 1e6 / events, dbCpuSeconds, dbCpuSeconds * 1e6 / events);
            // The rate of a running instance, what a fleet's lag depends on: from the start of the
            // transaction that stored the first rows (stored_at, the database's clock, this
            // machine's) to the moment all were seen stored. The figure above also holds the
            // service's start: a Spring context, JIT warm-up and a consumer group's first join, a
            // few seconds on 2 busy cores, paid once per instance.
            double steadySeconds;
            try (Connection db = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword());
                 var first = db.createStatement().executeQuery("SELECT min(stored_at) FROM job_logs")) {
                first.next();
                steadySeconds = (stored - first.getTimestamp(1).getTime()) / 1e3;
            }
            double steadyRate = events / steadySeconds;
            System.out.printf("  of which %.1f s to start (context, consumer group, first batch); from the first rows stored: "
                + "%.1f s = %,.0f events/s%n", ingestSeconds - steadySeconds, steadySeconds, steadyRate);

            try (Connection db = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword())) {
                byte[] rows = dump(db);
                double copyRate = timeCopy(db, rows, events);
                double insertRate = timeInsert(db, rows, events);
                System.out.printf("ceiling, one raw COPY of the same rows:    %,.0f rows/s%n", copyRate);
                System.out.printf("multi-row INSERT, %d rows a transaction: %,.0f rows/s%n", INSERT_BATCH, insertRate);
                // What the search index costs: the same COPY without the trigram index (since issue 16
                // the table has none, and this is the ceiling measured again), then with it, as before.
                try (var st = db.createStatement()) {
                    st.execute("DROP INDEX IF EXISTS job_logs_message_trgm");
                }
                double copyNoSearch = timeCopy(db, rows, events);
                System.out.printf("raw COPY without the trigram search index: %,.0f rows/s%n", copyNoSearch);
                try (var st = db.createStatement()) {
                    st.execute("CREATE INDEX job_logs_message_trgm ON job_logs USING gin (message gin_trgm_ops)");
                }
                double copyWithSearch = timeCopy(db, rows, events);
                System.out.printf("raw COPY with the trigram search index (job_logs until issue 16): %,.0f rows/s%n", copyWithSearch);
                System.out.printf("RESULT ingest %,.0f events/s = %.2f of raw COPY (%,.0f rows/s); INSERT/COPY = %.2f%n",
                    ingestRate, ingestRate / copyRate, copyRate, insertRate / copyRate);
                System.out.printf("RESULT ingest running %,.0f events/s (from the first rows stored) = %.2f of raw COPY, "
                    + "%.2f of raw COPY without the trigram search index%n", steadyRate, steadyRate / copyRate, steadyRate / copyNoSearch);
            }
        }
    }

    /** Produces the events as a worker would (idempotent producer, acks=all, batched, lz4). */
    private static double preload(Endpoints e, int events) throws Exception {
        var codec = new EventCodec();
        var random = new Random(42);
        UUID[] jobs = new UUID[JOBS];
        for (int i = 0; i < JOBS; i++) {
            jobs[i] = UUID.randomUUID();
        }
        Level[] levels = {Level.DEBUG, Level.INFO, Level.INFO, Level.INFO, Level.INFO, Level.WARN, Level.ERROR};
        long start = System.nanoTime();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
            "bootstrap.servers", e.kafkaBootstrap(), "acks", "all", "enable.idempotence", "true",
            "linger.ms", "20", "batch.size", "262144", "compression.type", "lz4"),
            new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < events; i++) {
                UUID job = jobs[i % JOBS];
                int step = random.nextInt(STEPS);
                var log = new LogEvent(UUID.randomUUID(), job, Instant.now(), levels[random.nextInt(levels.length)],
                    "processed item " + i + " of batch " + (i / 1000) + " in " + random.nextInt(900) + " ms, checksum "
                        + Long.toHexString(random.nextLong()),
                    "step-" + step, "Step " + step, "bench-worker-" + (i % 4));
                producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, Topics.jobKey(job), codec.encode(log)));
            }
            producer.flush();
        }
        return events / ((System.nanoTime() - start) / 1e9);
    }

    private static void waitForStored(Endpoints e, long events) throws Exception {
        try (Connection db = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword());
             var count = db.prepareStatement("SELECT coalesce(sum(lines), 0) FROM job_log_counts")) {
            long stored = 0;
            long lastReport = System.nanoTime();
            while (stored < events) {
                Thread.sleep(200);
                try (var rs = count.executeQuery()) {
                    rs.next();
                    stored = rs.getLong(1);
                }
                if (System.nanoTime() - lastReport > 5_000_000_000L) {
                    System.out.printf("  ... %,d stored%n", stored);
                    lastReport = System.nanoTime();
                }
            }
        }
    }

    /** The stored rows, in COPY text format, exactly as the service wrote them. */
    private static byte[] dump(Connection db) throws Exception {
        var out = new ByteArrayOutputStream(256 << 20);
        db.unwrap(PGConnection.class).getCopyAPI().copyOut(
            "COPY (SELECT " + COLUMNS + " FROM job_logs) TO STDOUT", out);
        return out.toByteArray();
    }

    private static final String COLUMNS =
        "job_id, line, event_id, kafka_partition, kafka_offset, ts, level, step_id, step_name, source, message";

    private static double timeCopy(Connection db, byte[] rows, int events) throws Exception {
        truncate(db);
        long start = System.nanoTime();
        db.setAutoCommit(false);
        db.unwrap(PGConnection.class).getCopyAPI().copyIn(
            "COPY job_logs (" + COLUMNS + ") FROM STDIN", new ByteArrayInputStream(rows));
        db.commit();
        db.setAutoCommit(true);
        return events / ((System.nanoTime() - start) / 1e9);
    }

    /** The same rows through INSERT, batched and rewritten by the driver into multi-row statements. */
    private static double timeInsert(Connection db, byte[] rows, int events) throws Exception {
        truncate(db);
        String[] lines = new String(rows, java.nio.charset.StandardCharsets.UTF_8).split("\n");
        try (Connection rewrite = DriverManager.getConnection(db.getMetaData().getURL() + "?reWriteBatchedInserts=true",
            db.getMetaData().getUserName(), "")) {
            rewrite.setAutoCommit(false);
            long start = System.nanoTime();
            try (var ps = rewrite.prepareStatement("INSERT INTO job_logs (" + COLUMNS
                + ") VALUES (?::uuid, ?, ?::uuid, ?, ?, ?::timestamptz, ?, ?, ?, ?, ?)")) {
                int n = 0;
                for (String line : lines) {
                    String[] f = line.split("\t", -1);
                    for (int c = 0; c < f.length; c++) {
                        String v = f[c].equals("\\N") ? null : unescape(f[c]);
                        switch (c) {
                            case 1, 4 -> ps.setLong(c + 1, Long.parseLong(v));
                            case 3, 6 -> ps.setInt(c + 1, Integer.parseInt(v));
                            default -> ps.setString(c + 1, v);
                        }
                    }
                    ps.addBatch();
                    if (++n % INSERT_BATCH == 0) {
                        ps.executeBatch();
                        rewrite.commit();
                    }
                }
                ps.executeBatch();
                rewrite.commit();
            }
            return events / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static String unescape(String s) {
        return s.indexOf('\\') < 0 ? s
            : s.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r").replace("\\\\", "\\");
    }

    private static void truncate(Connection db) throws Exception {
        try (var s = db.createStatement()) {
            s.execute("TRUNCATE job_logs");
            s.execute("VACUUM ANALYZE job_logs");
        }
    }

    /**
     * CPU time of this run's PostgreSQL, from {@code /proc}: every process whose binary is unpacked
     * under the run's data directory, with the CPU of its ended children (the postmaster reaps the
     * backends of closed connections, and their time moves to its {@code cutime}). Linux only; 0 elsewhere.
     */
    private static long postgresCpuNanos(Path data) {
        String binaries = data.toAbsolutePath().toString();
        long ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                try {
                    if (!Files.readSymbolicLink(proc.resolve("exe")).toString().startsWith(binaries)) {
                        continue;
                    }
                    String stat = Files.readString(proc.resolve("stat"));
                    // Fields after the command's closing parenthesis: utime, stime, cutime, cstime are 14..17.
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                } catch (java.io.IOException | RuntimeException gone) {
                    // not a process, not ours, or ended meanwhile
                }
            }
        } catch (java.io.IOException noProc) {
            return 0;
        }
        return ticks * 10_000_000L; // USER_HZ = 100
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }
}
