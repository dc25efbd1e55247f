package io.quaero.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.quaero.infra.Endpoints;
import io.quaero.infra.InfraSettings;
import io.quaero.infra.Infrastructure;
import io.quaero.ingest.LogIngestApplication;
import io.quaero.jobs.JobServiceApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 5's benchmark: a {@code load} job at {@code rate} lines/s for {@code seconds}, through the
 * real path (REST → dispatch → built-in worker → Kafka → log-ingest → PostgreSQL), checking that
 * exactly rate × seconds lines are stored, once each and gapless, and how far storage lagged.
 *
 * <p>The ceiling, measured in the same run afterwards: the same job type asked for far more than
 * the machine can do (100,000 lines/s for 5 s), which shows the most this worker publishes and
 * ingest stores here, so the paced run's rate can be read as a share of it.
 */
final class LoadBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LoadBenchmark() {
    }

    static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 5_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path data = Files.createTempDirectory("quaero-bench-load");
        System.out.printf("load benchmark: a load job at %,d lines/s for %d s (= %,d lines), %d cores, data in %s%n",
            rate, seconds, (long) rate * seconds, Runtime.getRuntime().availableProcessors(), data);
        try (var stores = new BenchStores(data); var infra = Infrastructure.start(InfraSettings.fromEnvironment(data, 0, 0))) {
            Endpoints e = infra.endpoints();
            var appArgs = new ArrayList<String>();
            e.springProperties().forEach((k, v) -> appArgs.add("--" + k + "=" + v));
            appArgs.addAll(List.of("--server.port=0", "--spring.main.banner-mode=off", "--logging.level.root=WARN",
                "--quaero.limits.exempt-users=" + BenchCaller.EXEMPT_USERS,
                // A load job of whatever size the benchmark is told (the cap applies to exempt users too).
                "--quaero.jobs.max-planned-lines=" + Long.MAX_VALUE, "--quaero.jobs.max-unfinished-planned-lines=" + Long.MAX_VALUE));
            try (var app = new SpringApplicationBuilder(LogIngestApplication.class, JobServiceApplication.class)
                .run(appArgs.toArray(String[]::new));
                 Connection db = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword())) {
                // job-service has migrated the schema: the benchmark's caller can be written now.
                BenchCaller.register(e);
                String base = "http://127.0.0.1:" + ((WebServerApplicationContext) app).getWebServer().getPort();
                Run paced = run(base, db, rate, seconds, true);
                Run ceiling = run(base, db, 100_000, 5, false);
                report(rate, seconds, paced, ceiling);
            }
        }
    }

    /** What one load job did. */
    record Run(long expected, long stored, long distinct, long gapless, double publishSeconds,
               double storedSeconds, long maxLagLines, double cpuSeconds) {

        double publishRate() {
            return expected / publishSeconds;
        }

        double storeRate() {
            return expected / storedSeconds;
        }
    }

    private static Run run(String base, Connection db, int rate, int seconds, boolean sampleLag) throws Exception {
        long expected = (long) rate * seconds;
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        UUID id = create(base, "{\"type\":\"load\",\"params\":{\"rate\":" + rate + ",\"duration_s\":" + seconds + ",\"steps\":5,\"error_every\":1000}}");
        long maxLag = 0;
        Instant startedAt = null;
        // Sampled once a second: lines stored so far vs lines the job should have published by now.
        while (true) {
            JsonNode job = get(base + "/api/jobs/" + id);
            long stored = storedLines(db, id);
            if (startedAt == null && job.has("started_at")) {
                startedAt = Instant.parse(job.get("started_at").stringValue());
            }
            if (sampleLag && startedAt != null) {
                long due = Math.min(expected, (long) (rate * Duration.between(startedAt, Instant.now()).toMillis() / 1000.0));
                maxLag = Math.max(maxLag, due - stored);
            }
            if (stored >= expected + 1 || job.get("status").stringValue().equals("failed")) {
                break;
            }
            Thread.sleep(sampleLag ? 1000 : 200);
        }
        double storedSeconds = (System.nanoTime() - start) / 1e9;
        JsonNode job = get(base + "/api/jobs/" + id);
        if (!job.get("status").stringValue().equals("completed")) {
            throw new IllegalStateException("job ended " + job);
        }
        double publishSeconds = Duration.between(Instant.parse(job.get("started_at").stringValue()),
            Instant.parse(job.get("finished_at").stringValue())).toMillis() / 1000.0;
        long[] check = check(db, id);
        return new Run(expected, check[0], check[1], check[2], publishSeconds, storedSeconds, maxLag,
            (processCpuNanos() - cpuBefore) / 1e9);
    }

    private static void report(int rate, int seconds, Run paced, Run ceiling) {
        System.out.printf("%nload job %,d lines/s x %d s:%n", rate, seconds);
        System.out.printf("  stored: %,d generated lines (expected %,d), %,d distinct, line numbers gapless: %s%n",
            paced.stored(), paced.expected(), paced.distinct(), paced.gapless() == paced.stored() + 1 ? "yes" : "NO");
        System.out.printf("  published in %.1f s = %,.0f lines/s (%.3f of the rate asked)%n",
            paced.publishSeconds(), paced.publishRate(), paced.publishRate() / rate);
        System.out.printf("  all stored %.1f s after the request; storage lagged the job by at most %,d lines (%.2f s)%n",
            paced.storedSeconds(), paced.maxLagLines(), paced.maxLagLines() / (double) rate);
        System.out.printf("  CPU of this JVM (broker, job-service and ingest; PostgreSQL runs apart): %.1f CPU-s = %.2f cores%n",
            paced.cpuSeconds(), paced.cpuSeconds() / paced.storedSeconds());
        System.out.printf("ceiling, same run: load job asked for 100,000 lines/s x 5 s:%n");
        System.out.printf("  published %,d lines at %,.0f lines/s; stored all at %,.0f lines/s (%s)%n",
            ceiling.expected(), ceiling.publishRate(), ceiling.storeRate(),
            ceiling.stored() == ceiling.expected() && ceiling.distinct() == ceiling.expected() ? "exactly once" : "MISMATCH");
        boolean exact = paced.stored() == paced.expected() && paced.distinct() == paced.expected()
            && paced.gapless() == paced.stored() + 1;
        System.out.printf("RESULT load: %,d/%,d stored exactly once %s; publish %.3f of asked rate; "
                + "paced rate = %.2f of the store ceiling (%,.0f lines/s); max storage lag %.2f s%n",
            paced.stored(), paced.expected(), exact ? "yes" : "NO", paced.publishRate() / rate,
            rate / ceiling.storeRate(), ceiling.storeRate(), paced.maxLagLines() / (double) rate);
    }

    private static UUID create(String base, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(BenchCaller.request(URI.create(base + "/api/jobs"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("POST /api/jobs: " + r.statusCode() + " " + r.body());
        }
        return UUID.fromString(JSON.readTree(r.body()).get("id").stringValue());
    }

    private static JsonNode get(String url) throws Exception {
        return JSON.readTree(HTTP.send(BenchCaller.request(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** All lines stored for the job, from the counters (no scan). */
    private static long storedLines(Connection db, UUID id) throws Exception {
        try (PreparedStatement ps = db.prepareStatement("SELECT coalesce(sum(lines), 0) FROM job_log_counts WHERE job_id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Generated lines stored, distinct generated messages, and the span of line numbers. */
    private static long[] check(Connection db, UUID id) throws Exception {
        try (PreparedStatement ps = db.prepareStatement("""
            SELECT count(*) FILTER (WHERE message LIKE 'load line %'),
                   count(DISTINCT message) FILTER (WHERE message LIKE 'load line %'),
                   max(line) - min(line) + 1
              FROM job_logs WHERE job_id = ?""")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
