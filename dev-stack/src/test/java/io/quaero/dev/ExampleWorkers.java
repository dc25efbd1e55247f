package io.quaero.dev;

import io.quaero.access.TestCallers;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.zip.CRC32;

import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.contracts.sse.StatusPayload;
import io.quaero.contracts.sse.StepView;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The example workers of {@code examples/} (Node.js, Python) run against the test's stack, and
 * what their tests check alike. Both workers run the same made-up ETL job: for the same
 * {@code --lines} they publish the same lines, steps and statuses, so what Quaero must show for
 * them is the same, whatever the client library and its partitioner.
 */
final class ExampleWorkers {

    /** Upper bound of every wait; nothing here is expected to take more than a few seconds. */
    static final Duration WAIT = Duration.ofSeconds(60);
    /** The test's working directory is dev-stack/, the examples are beside it. */
    static final Path EXAMPLES = Path.of("../examples");
    private static final Pattern JOB_ID = Pattern.compile("job id: ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");

    private final int port;
    private final JdbcTemplate jdbc;
    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ExampleWorkers(int port, JdbcTemplate jdbc) {
        this.port = port;
        this.jdbc = jdbc;
    }

    // -----------------------------------------------------------------------------------------
    // The worker process

    /** Starts a worker against this stack; its stdout and stderr go to {@code target/<name>.log}. */
    Run start(String name, List<String> command) throws IOException {
        Path log = Path.of("target", name + ".log");
        Files.createDirectories(log.getParent());
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("QUAERO_URL", origin());
        builder.environment().put("QUAERO_TOKEN", TestCallers.ADMIN_TOKEN);
        builder.environment().put("QUAERO_KAFKA_BOOTSTRAP", TestInfrastructure.shared().endpoints().kafkaBootstrap());
        return new Run(log, builder.start());
    }

    /** A running worker. Closing it kills the process if it is still running. */
    final class Run implements AutoCloseable {

        private final Path log;
        private final Process process;

        private Run(Path log, Process process) {
            this.log = log;
            this.process = process;
        }

        /** The job id the worker printed, once it did; checks its job page line too. */
        UUID jobId() {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> jobIdIn(output()).isPresent() || !process.isAlive());
            UUID job = jobIdIn(output()).orElseThrow(() -> new AssertionError(
                "the worker printed no job id; its output (" + log.toAbsolutePath() + "):\n" + output()));
            assertThat(output()).contains("job page: " + origin() + "/jobs/" + job);
            return job;
        }

        /** Waits for the worker to end, at most {@link #WAIT}; returns its exit code. */
        int exitCode() throws InterruptedException {
            assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("worker still running after %s:\n%s", WAIT, output()).isTrue();
            return process.exitValue();
        }

        boolean isAlive() {
            return process.isAlive();
        }

        String output() {
            try {
                return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                return "(could not read " + log + ": " + e + ")";
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }

        private static Optional<UUID> jobIdIn(String output) {
            Matcher m = JOB_ID.matcher(output);
            return m.find() ? Optional.of(UUID.fromString(m.group(1))) : Optional.empty();
        }
    }

    // -----------------------------------------------------------------------------------------
    // The job's SSE stream

    /** What the job's SSE stream showed: its lines (de-duplicated by id, in line order) and status events. */
    record Seen(List<LogEntry> lines, List<StatusPayload> statuses) {

        /** The steps as a viewer sees them after merging every status event by id, in first-seen order. */
        Map<String, String> steps() {
            var steps = new LinkedHashMap<String, String>();
            statuses.stream().filter(s -> s.steps() != null).flatMap(s -> s.steps().stream())
                .forEach((StepView s) -> steps.put(s.id(), s.status()));
            return steps;
        }

        /** The job's status after the last status event that named it. */
        Optional<String> jobStatus() {
            return statuses.stream().filter(s -> s.job() != null).map(s -> s.job().status()).reduce((a, b) -> b);
        }
    }

    /**
     * Reads the job's stream until {@code lines} lines arrived and a status event set the job to
     * {@code finalStatus}; then asserts that both arrived. See {@link JobStream#read}.
     */
    Seen watch(UUID job, Run run, int lines, String finalStatus, String lastEventId) throws Exception {
        try (var stream = stream(job, lastEventId)) {
            return stream.read(run, lines, finalStatus);
        }
    }

    /**
     * Opens the job's stream; its frames queue up (unbounded) until {@link JobStream#read} takes
     * them. {@code lastEventId}, when given, is sent as {@code Last-Event-ID}: the stream resumes
     * after that cursor.
     */
    JobStream stream(UUID job, String lastEventId) {
        Map<String, String> headers = lastEventId == null ? Map.of() : Map.of("Last-Event-ID", lastEventId);
        var sse = SseClient.open(URI.create(origin() + "/api/jobs/" + job + "/logs/stream?limit=1000"), headers);
        try {
            assertThat(sse.status()).as("stream status of job %s (Last-Event-ID %s); body: %s", job, lastEventId,
                sse.status() == 200 ? "" : sse.body()).isEqualTo(200);
        } catch (AssertionError e) {
            sse.close();
            throw e;
        }
        return new JobStream(sse, lastEventId);
    }

    /** An open SSE stream of one job. */
    static final class JobStream implements AutoCloseable {

        /**
         * How long lines may still come after the final status. The gateway sends a job's lines
         * before the status that followed them, so a line missing by then is lost; this is slack.
         */
        private static final Duration AFTER_FINAL_STATUS = Duration.ofSeconds(5);

        private final SseClient sse;
        private final String lastEventId;

        private JobStream(SseClient sse, String lastEventId) {
            this.sse = sse;
            this.lastEventId = lastEventId;
        }

        /**
         * Reads until {@code lines} lines arrived and a status event set the job to
         * {@code finalStatus}, the server ended the stream (it may, once the job has ended),
         * {@link #AFTER_FINAL_STATUS} passed after that status, or {@link #WAIT} passed; then
         * asserts that both arrived.
         */
        Seen read(Run run, int lines, String finalStatus) throws Exception {
            var seen = new LinkedHashMap<String, LogEntry>();
            var statuses = new ArrayList<StatusPayload>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (seen.size() < lines || !hasStatus(statuses, finalStatus)) {
                long left = deadline - System.nanoTime();
                SseFrame frame = left > 0 ? sse.next(Duration.ofNanos(left)) : null;
                if (frame == null) {
                    break;
                }
                switch (frame.event()) {
                    case SseEvents.LOGS -> frame.data(LogsPayload.class).logs().forEach(l -> seen.putIfAbsent(l.id(), l));
                    case SseEvents.STATUS -> {
                        statuses.add(frame.data(StatusPayload.class));
                        if (hasStatus(statuses, finalStatus)) {
                            deadline = Math.min(deadline, System.nanoTime() + AFTER_FINAL_STATUS.toNanos());
                        }
                    }
                    case SseEvents.RESET -> fail("the gateway reset the stream: " + frame.data() + "; worker output:\n" + run.output());
                    default -> {
                        // ping
                    }
                }
            }
            List<LogEntry> sorted = seen.values().stream().sorted(Comparator.comparingLong(LogEntry::line)).toList();
            assertThat(sorted).as("lines received over SSE (resuming after %s); worker output:\n%s", lastEventId, run.output())
                .hasSize(lines);
            assertThat(hasStatus(statuses, finalStatus)).as("a %s status over SSE within %s; got %s", finalStatus, WAIT, statuses).isTrue();
            return new Seen(sorted, statuses);
        }

        @Override
        public void close() {
            sse.close();
        }
    }

    private static boolean hasStatus(List<StatusPayload> statuses, String status) {
        return statuses.stream().anyMatch(s -> s.job() != null && s.job().status().equals(status));
    }

    // -----------------------------------------------------------------------------------------
    // The example ETL job, completed

    /**
     * Everything Quaero must show for a completed run of {@code --lines lines}: the stream (what
     * {@code seen} holds, then a resumed stream), the database and the jobs API. Returns the job as
     * the API shows it.
     */
    JsonNode assertCompletedEtlJob(UUID job, Run run, Seen seen, int lines, String type, String source) throws Exception {
        List<LogEntry> entries = seen.lines();
        assertThat(entries).extracting(LogEntry::line).containsExactlyElementsOf(oneTo(lines));
        assertThat(entries).extracting(LogEntry::source).containsOnly(source);
        assertThat(entries).extracting(LogEntry::level).contains("info", "debug", "warn", "error");
        assertThat(entries).filteredOn(l -> l.level().equals("error")).singleElement()
            .satisfies(l -> {
                assertThat(l.message()).isEqualTo("Row 1187 rejected: invalid date '2026-13-01' in shipped_at");
                assertThat(l.stepId()).isEqualTo("transform");
            });
        assertThat(entries.getFirst().message()).isEqualTo("Connecting to source orders-db (read replica)");
        assertThat(entries.getLast().message()).isEqualTo("Loaded " + (250 * lines - 1) + " rows into sales_daily");
        assertThat(entries).extracting(LogEntry::stepId).containsSubsequence("extract", "transform", "load")
            .containsOnly("extract", "transform", "load");
        assertThat(entries).extracting(LogEntry::stepName).containsOnly("Extract orders", "Transform rows", "Load warehouse");

        assertThat(seen.statuses()).filteredOn(s -> s.job() != null).last()
            .satisfies(s -> {
                assertThat(s.job().status()).isEqualTo("completed");
                assertThat(s.job().progress()).isEqualTo(100);
            });
        assertThat(seen.steps()).containsExactly(
            Map.entry("extract", "completed"), Map.entry("transform", "completed"), Map.entry("load", "completed"));

        // The jobs API shows what ingest stored; it may trail the stream by a moment. Ingest
        // stores a partition in order, so once it has the final status it has every line.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
            .untilAsserted(() -> assertThat(getJob(job).path("status").asString()).as("status in GET /api/jobs/%s", job).isEqualTo("completed"));
        assertStoredOnceGapless(job, lines);
        JsonNode body = getJob(job);
        assertThat(body.path("id").asString()).isEqualTo(job.toString());
        assertThat(body.path("type").asString()).isEqualTo(type);
        assertThat(body.path("executor").asString()).isEqualTo("external");
        assertThat(body.path("progress").asInt()).isEqualTo(100);
        assertThat(body.path("params").path("lines").asInt()).isEqualTo(lines);
        assertThat(body.path("finished_at").isString()).as("finished_at in %s", body).isTrue();
        assertThat(steps(body)).containsExactly("extract=completed", "transform=completed", "load=completed");

        // A viewer that reconnects after line 10 gets lines 11.. exactly once, and the final state.
        int resumeAfter = 10;
        Seen resumed = watch(job, run, lines - resumeAfter, "completed", entries.get(resumeAfter - 1).cursor());
        assertThat(resumed.lines()).extracting(LogEntry::id).as("lines after a resume from line %d", resumeAfter)
            .containsExactlyElementsOf(entries.subList(resumeAfter, lines).stream().map(LogEntry::id).toList());
        assertThat(resumed.lines()).extracting(LogEntry::line).containsExactlyElementsOf(oneTo(lines).subList(resumeAfter, lines));
        return body;
    }

    /** The job's lines in the database: numbered 1..{@code lines} without gaps, each event stored once. */
    void assertStoredOnceGapless(UUID job, long lines) {
        assertThat(jdbc.queryForList("SELECT line FROM job_logs WHERE job_id = ? ORDER BY line", Long.class, job))
            .as("stored line numbers of job %s", job).containsExactlyElementsOf(oneTo(lines));
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT event_id) FROM job_logs WHERE job_id = ?", Long.class, job))
            .as("distinct events stored for job %s", job).isEqualTo(lines);
    }

    /** The job's lines stored so far. */
    long stored(UUID job) {
        return jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job);
    }

    /** The partitions of quaero.job-events that hold the job's stored lines. */
    List<Integer> storedPartitions(UUID job) {
        return jdbc.queryForList("SELECT DISTINCT kafka_partition FROM job_logs WHERE job_id = ?", Integer.class, job);
    }

    // -----------------------------------------------------------------------------------------
    // The jobs API

    JsonNode getJob(UUID job) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(origin() + "/api/jobs/" + job)).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN)
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    /** {@code POST /api/jobs/{id}/cancel}; asserts the API accepted it (202). */
    void cancel(UUID job) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(origin() + "/api/jobs/" + job + "/cancel")).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN)
            .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST /api/jobs/%s/cancel: %s", job, response.body()).isEqualTo(202);
    }

    /** The job's steps as {@code id=status}, in the API's order. */
    static List<String> steps(JsonNode job) {
        List<String> steps = new ArrayList<>();
        job.path("steps").forEach(s -> steps.add(s.path("id").asString() + "=" + s.path("status").asString()));
        return steps;
    }

    // -----------------------------------------------------------------------------------------
    // Kafka: where a client's partitioner put the job

    /** The number of partitions of quaero.job-events. */
    static int jobEventPartitions() throws Exception {
        try (var admin = Admin.create(Map.of("bootstrap.servers", TestInfrastructure.shared().endpoints().kafkaBootstrap()))) {
            return admin.describeTopics(List.of(Topics.JOB_EVENTS)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(Topics.JOB_EVENTS).partitions().size();
        }
    }

    /** The partition Kafka's Java client (and kafkajs 2.x) picks for the job: murmur2 of the key. */
    static int murmur2Partition(UUID job, int partitions) {
        return Utils.toPositive(Utils.murmur2(key(job))) % partitions;
    }

    /** The partition librdkafka's default partitioner, consistent_random, picks for the job: CRC32 of the key. */
    static int crc32Partition(UUID job, int partitions) {
        var crc = new CRC32();
        crc.update(key(job));
        return (int) (crc.getValue() % partitions);
    }

    private static byte[] key(UUID job) {
        return Topics.jobKey(job).getBytes(StandardCharsets.UTF_8);
    }

    /** One record of a job on quaero.job-events, where Kafka holds it. */
    record KafkaRecord(int partition, long offset, JsonNode value) {

        String type() {
            return value.path("type").asString();
        }

        String source() {
            return value.path("source").asString("");
        }

        String jobStatus() {
            return value.path("job").path("status").asString("");
        }

        boolean hasSteps() {
            return value.path("steps").isArray() && !value.path("steps").isEmpty();
        }
    }

    /** The end offsets of every partition of quaero.job-events now: take them before a run, read its records after. */
    static Map<TopicPartition, Long> jobEventsEnd() throws Exception {
        try (var consumer = consumer()) {
            return new HashMap<>(consumer.endOffsets(partitions(consumer)));
        }
    }

    /** The records keyed by the job on quaero.job-events from {@code from} up to the end offsets now, in partition order. */
    List<KafkaRecord> jobEventsSince(UUID job, Map<TopicPartition, Long> from) throws Exception {
        String key = Topics.jobKey(job);
        var records = new ArrayList<KafkaRecord>();
        try (var consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            partitions.forEach(tp -> consumer.seek(tp, from.getOrDefault(tp, 0L)));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s up to %s", Topics.JOB_EVENTS, end).isLessThan(deadline);
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) {
                        records.add(new KafkaRecord(r.partition(), r.offset(), json.readTree(r.value())));
                    }
                }
            }
        }
        return records;
    }

    private static KafkaConsumer<String, String> consumer() {
        // No group: partitions are assigned, nothing is committed.
        return new KafkaConsumer<>(Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.shared().endpoints().kafkaBootstrap(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer) {
        return consumer.partitionsFor(Topics.JOB_EVENTS, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    // -----------------------------------------------------------------------------------------
    // Tools

    /**
     * Skips the test unless {@code present}, except in CI ({@code CI=true}), where .ci/run installs
     * what the test needs and its absence is a failure.
     */
    static void require(boolean present, String what) {
        if (!"true".equals(System.getenv("CI"))) {
            assumeThat(present).as(what).isTrue();
        }
        assertThat(present).as("in CI: " + what).isTrue();
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        return path == null ? Optional.empty() : Arrays.stream(path.split(File.pathSeparator))
            .filter(dir -> !dir.isBlank())
            .map(dir -> Path.of(dir, name))
            .filter(Files::isExecutable)
            .findFirst();
    }

    static List<Long> oneTo(long n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    private String origin() {
        return "http://127.0.0.1:" + port;
    }
}
