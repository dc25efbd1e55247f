package io.quaero.dev;

import io.quaero.access.TestCallers;
import static io.quaero.dev.ExampleWorkers.EXAMPLES;
import static io.quaero.dev.ExampleWorkers.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import io.quaero.contracts.Cursor;
import io.quaero.gateway.hub.JobEventTail;
import io.quaero.infra.RealInfrastructure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

/**
 * The Node.js example worker ({@code examples/node-worker}) against the real stack: it creates an
 * external job over REST and publishes with kafkajs, and what it publishes is stored by ingest,
 * streamed by the gateway and shown by the jobs API exactly as a Java producer's events are.
 * Needs {@code node} and {@code npm ci --prefix examples/node-worker}; skipped without them,
 * except in CI ({@code CI=true}), where they must be there.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = DevStackApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = RealInfrastructure.class)
class NodeWorkerTest {

    private static final Path WORKER_DIR = EXAMPLES.resolve("node-worker");
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
    void theNodeWorkersJobIsStreamedAndCompletesLikeAJavaOne() throws Exception {
        Path node = requireNode();
        await().atMost(WAIT).until(tail::isTailing);

        try (var run = workers.start("node-worker", List.of(node.toString(), WORKER_DIR.resolve("worker.js").toString(),
            "--lines", String.valueOf(LINES), "--delay-ms", "100"))) {
            UUID job = run.jobId();
            var seen = workers.watch(job, run, LINES, "completed", null);

            assertThat(run.exitCode()).as("worker exit code; output:\n%s", run.output()).isZero();
            assertThat(run.output()).contains("job " + job + " completed");

            // Every event of the job is in one partition, the one Java's partitioner would pick too:
            // kafkajs 2.x's default (DefaultPartitioner) is murmur2, as in Java.
            int partition = ExampleWorkers.murmur2Partition(job, ExampleWorkers.jobEventPartitions());
            String why = "partition of the worker's records; Java's default partitioner puts job " + job + " in partition "
                + partition + " (kafkajs: createPartitioner: Partitioners.DefaultPartitioner)";
            assertThat(seen.lines()).extracting(l -> Cursor.parse(l.cursor()).partition()).as(why).containsOnly(partition);

            workers.assertCompletedEtlJob(job, run, seen, LINES, "node-etl", "node-worker");
            assertThat(workers.storedPartitions(job)).as(why).containsExactly(partition);
        }
    }

    /**
     * The node executable, when it and the worker's dependencies are installed. Without them the
     * test is skipped, except in CI, where .ci/run installs both and their absence is a failure.
     */
    private static Path requireNode() {
        var node = ExampleWorkers.onPath("node");
        ExampleWorkers.require(node.isPresent(), "node (Node.js 20 or newer) on PATH; .ci/run installs it");
        ExampleWorkers.require(Files.exists(WORKER_DIR.resolve("node_modules/kafkajs")),
            "the worker's dependencies: npm ci --prefix examples/node-worker (.ci/run runs it)");
        return node.orElseThrow();
    }
}
