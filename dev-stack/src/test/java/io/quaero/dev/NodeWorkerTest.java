package io.quaero.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.contracts.sse.StatusPayload;
import io.quaero.contracts.sse.StepView;
import io.quaero.gateway.tail.JobEventTail;
import io.quaero.infra.RealInfrastructure;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Node.js example worker ({@code examples/node-worker}) against the real stack: it creates an
 * external job over REST and publishes with kafkajs, and what it publishes is stored by ingest,
 * streamed by the gateway and shown by the jobs API exactly as a Java producer's events are.
 * Needs {@code node} and {@code npm ci --prefix examples/node-worker}; skipped without them,
 * except in CI ({@code CI=true}), where they must be there.
 */
@SpringBootTest(classes = DevStackApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = RealInfrastructure.class)
class NodeWorkerTest {

    /** Upper bound of every wait; nothing here is expected to take more than a few seconds. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The test's working directory is dev-stack/. */
    private static final Path WORKER_DIR = Path.of("../examples/node-worker");
    private static final Path WORKER_LOG = Path.of("target/node-worker.log");
    private static final int LINES = 30;
    private static final Pattern JOB_ID = Pattern.compile("job id: ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobEventTail tail;

    @Test
    void theNodeWorkersJobIsStreamedAndCompletesLikeAJavaOne() throws Exception {
        Path node = requireNode();
        await().atMost(WAIT).until(tail::isTailing);

        Files.createDirectories(WORKER_LOG.getParent());
        var command = new ProcessBuilder(node.toString(), WORKER_DIR.resolve("worker.js").toString(),
            "--lines", String.valueOf(LINES), "--delay-ms", "100")
            .redirectErrorStream(true)
            .redirectOutput(WORKER_LOG.toFile());
        command.environment().put("QUAERO_URL", "http://127.0.0.1:" + port);
        command.environment().put("QUAERO_KAFKA_BOOTSTRAP", TestInfrastructure.shared().endpoints().kafkaBootstrap());
        Process worker = command.start();
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> jobIdIn(workerOutput()).isPresent() || !worker.isAlive());
            UUID job = jobIdIn(workerOutput()).orElseThrow(() -> new AssertionError(
                "the worker printed no job id; its output (" + WORKER_LOG.toAbsolutePath() + "):\n" + workerOutput()));
            assertThat(workerOutput()).contains("job page: http://127.0.0.1:" + port + "/jobs/" + job);

            Seen seen = watch(job);

            assertThat(worker.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("worker still running after %s:\n%s", WAIT, workerOutput()).isTrue();
            assertThat(worker.exitValue()).as("worker exit code; output:\n%s", workerOutput()).isZero();
            assertThat(workerOutput()).contains("job " + job + " completed");

            List<LogEntry> lines = seen.lines();
            assertThat(lines).extracting(LogEntry::line).containsExactlyElementsOf(LongStream.rangeClosed(1, LINES).boxed().toList());
            assertThat(lines).extracting(LogEntry::source).containsOnly("node-worker");
            assertThat(lines).extracting(LogEntry::level).contains("info", "debug", "warn", "error");
            assertThat(lines).filteredOn(l -> l.level().equals("error")).singleElement()
                .satisfies(l -> {
                    assertThat(l.message()).isEqualTo("Row 1187 rejected: invalid date '2026-13-01' in shipped_at");
                    assertThat(l.stepId()).isEqualTo("transform");
                });
            assertThat(lines.getFirst().message()).isEqualTo("Connecting to source orders-db (read replica)");
            assertThat(lines.getLast().message()).isEqualTo("Loaded " + (250 * LINES - 1) + " rows into sales_daily");
            assertThat(lines).extracting(LogEntry::stepId).containsSubsequence("extract", "transform", "load")
                .containsOnly("extract", "transform", "load");
            assertThat(lines).extracting(LogEntry::stepName).containsOnly("Extract orders", "Transform rows", "Load warehouse");

            // Every event of the job is in the partition Java's default (murmur2) partitioner picks:
            // kafkajs must be configured with its DefaultPartitioner for this.
            int partition = javaPartitionOf(job);
            String why = "partition of the worker's records; Java's default partitioner puts job " + job + " in partition "
                + partition + " (kafkajs: createPartitioner: Partitioners.DefaultPartitioner)";
            assertThat(lines).extracting(l -> Cursor.parse(l.cursor()).partition()).as(why).containsOnly(partition);

            assertThat(seen.statuses()).filteredOn(s -> s.job() != null).last()
                .satisfies(s -> {
                    assertThat(s.job().status()).isEqualTo("completed");
                    assertThat(s.job().progress()).isEqualTo(100);
                });
            assertThat(seen.steps()).containsExactly(
                Map.entry("extract", "completed"), Map.entry("transform", "completed"), Map.entry("load", "completed"));

            // The jobs API shows what ingest stored; it may trail the stream by a moment. Ingest
            // stores a partition in order, so once it has the final status it has every line.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> "completed".equals(getJob(job).path("status").asString()));
            assertThat(jdbc.queryForList("SELECT DISTINCT kafka_partition FROM job_logs WHERE job_id = ?", Integer.class, job))
                .as(why).containsExactly(partition);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job)).isEqualTo(LINES);
            JsonNode body = getJob(job);
            assertThat(body.path("id").asString()).isEqualTo(job.toString());
            assertThat(body.path("type").asString()).isEqualTo("node-etl");
            assertThat(body.path("executor").asString()).isEqualTo("external");
            assertThat(body.path("progress").asInt()).isEqualTo(100);
            assertThat(body.path("params").path("lines").asInt()).isEqualTo(LINES);
            assertThat(body.path("finished_at").isString()).as("finished_at in %s", body).isTrue();
            List<String> steps = new ArrayList<>();
            body.path("steps").forEach(s -> steps.add(s.path("id").asString() + "=" + s.path("status").asString()));
            assertThat(steps).containsExactly("extract=completed", "transform=completed", "load=completed");
        } finally {
            if (worker.isAlive()) {
                worker.destroyForcibly();
            }
        }
    }

    /** What the job's SSE stream showed: its lines (de-duplicated by id, in line order) and status events. */
    private record Seen(List<LogEntry> lines, List<StatusPayload> statuses) {

        /** The steps as a viewer sees them after merging every status event by id, in first-seen order. */
        Map<String, String> steps() {
            var steps = new LinkedHashMap<String, String>();
            statuses.stream().filter(s -> s.steps() != null).flatMap(s -> s.steps().stream())
                .forEach((StepView s) -> steps.put(s.id(), s.status()));
            return steps;
        }
    }

    /**
     * Reads the job's stream until all {@link #LINES} lines and a {@code completed} status arrived,
     * the server ended the stream (it may, once the job has ended), or {@link #WAIT} passed.
     */
    private Seen watch(UUID job) throws Exception {
        var lines = new LinkedHashMap<String, LogEntry>();
        var statuses = new ArrayList<StatusPayload>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (var sse = SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream?limit=1000"))) {
            assertThat(sse.status()).as("stream status; body: %s", sse.status() == 200 ? "" : sse.body()).isEqualTo(200);
            while (lines.size() < LINES || !completed(statuses)) {
                long left = deadline - System.nanoTime();
                SseFrame frame = left > 0 ? sse.next(Duration.ofNanos(left)) : null;
                if (frame == null) {
                    break;
                }
                switch (frame.event()) {
                    case SseEvents.LOGS -> frame.data(LogsPayload.class).logs().forEach(l -> lines.putIfAbsent(l.id(), l));
                    case SseEvents.STATUS -> statuses.add(frame.data(StatusPayload.class));
                    case SseEvents.RESET -> fail("the gateway reset the stream: " + frame.data() + "; worker output:\n" + workerOutput());
                    default -> {
                        // ping
                    }
                }
            }
        }
        assertThat(lines).as("lines received over SSE within %s; worker output:\n%s", WAIT, workerOutput()).hasSize(LINES);
        assertThat(completed(statuses)).as("a completed status over SSE within %s; got %s", WAIT, statuses).isTrue();
        return new Seen(lines.values().stream().sorted(Comparator.comparingLong(LogEntry::line)).toList(), statuses);
    }

    private static boolean completed(List<StatusPayload> statuses) {
        return statuses.stream().anyMatch(s -> s.job() != null && s.job().status().equals("completed"));
    }

    private JsonNode getJob(UUID job) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    /** The partition of {@code quaero.job-events} a Java producer with the default partitioner picks for the job. */
    private static int javaPartitionOf(UUID job) throws Exception {
        try (var admin = Admin.create(Map.of("bootstrap.servers", TestInfrastructure.shared().endpoints().kafkaBootstrap()))) {
            int partitions = admin.describeTopics(List.of(Topics.JOB_EVENTS)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(Topics.JOB_EVENTS).partitions().size();
            return Utils.toPositive(Utils.murmur2(Topics.jobKey(job).getBytes(StandardCharsets.UTF_8))) % partitions;
        }
    }

    private static Optional<UUID> jobIdIn(String output) {
        Matcher m = JOB_ID.matcher(output);
        return m.find() ? Optional.of(UUID.fromString(m.group(1))) : Optional.empty();
    }

    private static String workerOutput() {
        try {
            return Files.exists(WORKER_LOG) ? Files.readString(WORKER_LOG, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(could not read " + WORKER_LOG + ": " + e + ")";
        }
    }

    /**
     * The node executable, when it and the worker's dependencies are installed. Without them the
     * test is skipped, except in CI, where .ci/run installs both and their absence is a failure.
     */
    private static Path requireNode() {
        Optional<Path> node = onPath("node");
        Path kafkajs = WORKER_DIR.resolve("node_modules/kafkajs");
        if (!"true".equals(System.getenv("CI"))) {
            assumeThat(node).as("node (Node.js 20 or newer) on PATH; .ci/run installs it").isPresent();
            assumeThat(kafkajs).as("the worker's dependencies: npm ci --prefix examples/node-worker (.ci/run runs it)").exists();
        }
        assertThat(node).as("node must be on PATH in CI (.ci/run installs it)").isPresent();
        assertThat(kafkajs).as("examples/node-worker/node_modules must be installed in CI (.ci/run runs npm ci --prefix examples/node-worker)")
            .exists();
        return node.orElseThrow();
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        return path == null ? Optional.empty() : Arrays.stream(path.split(File.pathSeparator))
            .filter(dir -> !dir.isBlank())
            .map(dir -> Path.of(dir, name))
            .filter(Files::isExecutable)
            .findFirst();
    }
}
