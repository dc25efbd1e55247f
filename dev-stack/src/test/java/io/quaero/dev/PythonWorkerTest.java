package io.quaero.dev;

import io.quaero.access.TestCallers;
import static io.quaero.dev.ExampleWorkers.EXAMPLES;
import static io.quaero.dev.ExampleWorkers.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.quaero.contracts.Cursor;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.dev.ExampleWorkers.KafkaRecord;
import io.quaero.dev.ExampleWorkers.Seen;
import io.quaero.gateway.hub.JobEventTail;
import io.quaero.infra.RealInfrastructure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

/**
 * The Python example worker ({@code examples/python-worker}) against the real stack: it creates an
 * external job over REST and publishes with confluent-kafka (librdkafka) and its <em>default</em>
 * partitioner, consistent_random, which puts a key on the partition of its CRC32, not of its
 * murmur2 as Java's client and job-service do. What it publishes must still be stored, streamed,
 * resumed and shown by the jobs API exactly as a Java producer's events are: the point of this
 * test is a worker on a non-Java partitioner.
 *
 * <p>Needs Debian's {@code python3-confluent-kafka} for {@code /usr/bin/python3}; skipped without
 * it, except in CI ({@code CI=true}), where .ci/run installs it.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = DevStackApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = RealInfrastructure.class)
class PythonWorkerTest {

    private static final Logger log = LoggerFactory.getLogger(PythonWorkerTest.class);

    /**
     * Debian's interpreter, not the first {@code python3} on PATH: python3-confluent-kafka is
     * installed for it, and another interpreter (pyenv, a virtualenv) does not see it.
     */
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path WORKER = EXAMPLES.resolve("python-worker/worker.py");
    private static final int LINES = 30;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JobEventTail tail;

    private ExampleWorkers workers;

    @BeforeEach
    void setUp() {
        workers = new ExampleWorkers(port, jdbc);
    }

    @Test
    void thePythonWorkersJobOnLibrdkafkasDefaultPartitionerIsStreamedAndCompletesLikeAJavaOne() throws Exception {
        requirePython();
        await().atMost(WAIT).until(tail::isTailing);
        var before = ExampleWorkers.jobEventsEnd();

        try (var run = workers.start("python-worker", List.of(PYTHON.toString(), WORKER.toString(),
            "--lines", String.valueOf(LINES), "--delay-ms", "100"))) {
            UUID job = run.jobId();
            Partitions where = Partitions.of(job);
            Seen seen;
            // Watched live from the start; read once Kafka was checked (the stream queues meanwhile).
            try (var stream = workers.stream(job, null)) {
                assertThat(run.exitCode()).as("worker exit code; output:\n%s", run.output()).isZero();
                assertThat(run.output()).contains("job " + job + " completed");

                // Where the job's events are, read from Kafka itself: all the worker's (job-service
                // publishes nothing for an external job until it has to), on the CRC32 partition.
                List<KafkaRecord> records = workers.jobEventsSince(job, before);
                List<KafkaRecord> fromWorker = records;
                assertThat(fromWorker).extracting(KafkaRecord::partition).as(where.describe(records)).containsOnly(where.crc32());
                assertThat(fromWorker).filteredOn(r -> r.type().equals("log")).hasSize(LINES)
                    .extracting(KafkaRecord::source).containsOnly("python-worker");
                assertThat(fromWorker).last().extracting(KafkaRecord::jobStatus).isEqualTo("completed");

                seen = stream.read(run, LINES, "completed");
            }

            // One job, one partition: every line's cursor names the same one, and so does storage.
            assertThat(seen.lines()).extracting(l -> Cursor.parse(l.cursor()).partition()).as(where.describe(List.of()))
                .containsOnly(Cursor.parse(seen.lines().getFirst().cursor()).partition());
            workers.assertCompletedEtlJob(job, run, seen, LINES, "python-etl", "python-worker");
            assertThat(workers.storedPartitions(job)).as(where.describe(List.of())).hasSize(1);
        }
    }

    @Test
    void aCancelOverTheApiStopsThePythonWorkerAndItsJobEndsCancelled() throws Exception {
        requirePython();
        await().atMost(WAIT).until(tail::isTailing);
        var before = ExampleWorkers.jobEventsEnd();

        // 1,000 lines 50 ms apart: the job would run for 50 s; the cancel comes after a few lines.
        try (var run = workers.start("python-worker-cancel", List.of(PYTHON.toString(), WORKER.toString(),
            "--lines", "1000", "--delay-ms", "50"))) {
            UUID job = run.jobId();
            Partitions where = Partitions.of(job);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> workers.stored(job) >= 5 || !run.isAlive());
            assertThat(run.isAlive()).as("worker running before the cancel; output:\n%s", run.output()).isTrue();
            workers.cancel(job);

            assertThat(run.exitCode()).as("worker exit code (3: cancelled by request); output:\n%s", run.output()).isEqualTo(3);
            assertThat(run.output()).contains("cancel requested, stopping", "job " + job + " cancelled (Cancel requested)");

            // The worker's last line is stored once ingest has caught up with its partition.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(
                jdbc.queryForList("SELECT message FROM job_logs WHERE job_id = ? AND source = 'python-worker' ORDER BY line DESC LIMIT 1",
                    String.class, job)).as("the worker's last stored line").containsExactly("Cancel requested: stopping"));
            int lines = Math.toIntExact(workers.stored(job));
            workers.assertStoredOnceGapless(job, lines);
            assertThat(jdbc.queryForList("SELECT source || ': ' || message FROM job_logs WHERE job_id = ? AND message LIKE 'Cancel%'",
                String.class, job))
                .containsExactlyInAnyOrder("python-worker: Cancel requested: stopping", "job-service: Cancelled by request (cancelled by request)");

            var body = workers.getJob(job);
            assertThat(body.path("status").asString()).as("GET /api/jobs/%s: %s", job, body).isEqualTo("cancelled");
            List<String> steps = ExampleWorkers.steps(body);
            assertThat(steps).as("steps in %s", body).isNotEmpty();
            assertThat(steps.getLast()).as("the step running when the cancel came, in %s", body).endsWith("=cancelled");
            assertThat(steps.subList(0, steps.size() - 1)).allSatisfy(s -> assertThat(s).endsWith("=completed"));

            List<KafkaRecord> records = workers.jobEventsSince(job, before);
            assertThat(records).as("the worker's records and job-service's cancel, all in the job's partition: the worker's")
                .isNotEmpty()
                .extracting(KafkaRecord::partition).as(where.describe(records)).containsOnly(where.crc32());

            var seen = workers.watch(job, run, lines, "cancelled", null);
            assertThat(seen.lines()).extracting(LogEntry::line).containsExactlyElementsOf(ExampleWorkers.oneTo(lines));
            assertThat(seen.jobStatus()).hasValue("cancelled");
            assertThat(seen.steps().values()).last().isEqualTo("cancelled");
            // One job, one partition, job-service's cancel line included: a cursor resumes it exactly.
            assertThat(seen.lines()).extracting(l -> Cursor.parse(l.cursor()).partition()).as(where.describe(records))
                .containsOnly(Cursor.parse(seen.lines().getFirst().cursor()).partition());
        }
    }

    /**
     * Where the job's key goes on quaero.job-events: librdkafka's default (CRC32) and Java's
     * default (murmur2). For most job ids they differ (5 in 6 with 6 partitions); when they happen
     * to agree, this run does not tell the two apart, and the log says so.
     */
    private record Partitions(UUID job, int count, int crc32, int murmur2) {

        static Partitions of(UUID job) throws Exception {
            int count = ExampleWorkers.jobEventPartitions();
            var where = new Partitions(job, count, ExampleWorkers.crc32Partition(job, count), ExampleWorkers.murmur2Partition(job, count));
            log.info("{}", where.describe(List.of()));
            return where;
        }

        String describe(List<KafkaRecord> records) {
            return "job " + job + " of " + count + " partitions: librdkafka's consistent_random (CRC32 of the key) picks "
                + crc32 + ", Java's murmur2 " + murmur2 + (crc32 == murmur2 ? " (the same this time)" : " (they differ)")
                + (records.isEmpty() ? "" : "; the job's records (partition@offset type status source): " + records.stream()
                    .map(r -> r.partition() + "@" + r.offset() + " " + r.type() + " " + r.jobStatus() + " " + r.source()).toList());
        }
    }

    /** Skips the test without python3-confluent-kafka, except in CI, where .ci/run installs it. */
    private static void requirePython() throws Exception {
        ExampleWorkers.require(Files.isExecutable(PYTHON), PYTHON + " (Debian's python3); .ci/run installs python3-confluent-kafka, which brings it");
        var check = new ProcessBuilder(PYTHON.toString(), "-c", "import confluent_kafka").redirectErrorStream(true).start();
        boolean ended = check.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            check.destroyForcibly();
        }
        ExampleWorkers.require(ended && check.exitValue() == 0,
            "confluent_kafka for " + PYTHON + ": apt-get install python3-confluent-kafka (.ci/run installs it)");
    }
}
