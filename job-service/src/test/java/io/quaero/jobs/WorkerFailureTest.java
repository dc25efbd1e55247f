package io.quaero.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A worker that dies mid-job never leaves the job {@code running}. The worker here is a real
 * job-service process (its own JVM, in the workers' consumer group); this context serves the API
 * and runs the lease reaper but no workers, so the child is the only one that can take the job.
 */
@JobServiceWithIngestTest
@TestPropertySource(properties = "quaero.jobs.workers-enabled=false")
class WorkerFailureTest {

    private static final Duration WITHIN = Duration.ofSeconds(90);

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    JobsApi api;
    private final List<Process> children = new ArrayList<>();

    @BeforeEach
    void client() {
        api = new JobsApi(port);
    }

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process p : children) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void aJobWhoseWorkerIsKilledIsFailedWhenItsLeaseLapses() throws Exception {
        Process worker = startWorker("killed-worker");
        UUID id = api.create("{\"type\":\"load\",\"params\":{\"rate\":100,\"duration_s\":600,\"steps\":3}}");
        awaitRunningOn(id, "killed-worker");

        worker.destroyForcibly().waitFor();

        await().atMost(WITHIN).until(() -> api.status(id).equals("failed"));
        JsonNode job = api.job(id);
        assertThat(job.get("reason").stringValue()).startsWith("worker killed-worker stopped renewing its lease");
        assertThat(job.get("steps").valueStream().map(s -> s.get("status").stringValue())).containsExactly("failed");
        assertThat(lastLine(id)).startsWith("4 Job failed: worker killed-worker stopped renewing its lease");
    }

    @Test
    void aJobWhoseWorkerShutsDownIsFailedAtOnceSayingSo() throws Exception {
        Process worker = startWorker("stopped-worker");
        UUID id = api.create("{\"type\":\"load\",\"params\":{\"rate\":100,\"duration_s\":600,\"steps\":3}}");
        awaitRunningOn(id, "stopped-worker");

        worker.destroy();
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // Ended by the worker itself, before any lease lapsed: no reason from job-service.
        await().atMost(WITHIN).until(() -> api.status(id).equals("failed"));
        assertThat(api.job(id).get("reason")).isNull();
        assertThat(lastLine(id)).isEqualTo("4 Worker stopped-worker shut down while the job was running");
    }

    private void awaitRunningOn(UUID id, String worker) {
        await().atMost(WITHIN).until(() -> {
            JsonNode job = api.job(id);
            return job.get("status").stringValue().equals("running") && job.has("worker")
                && job.get("worker").stringValue().equals(worker)
                && jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, id) > 20;
        });
    }

    private String lastLine(UUID id) {
        return jdbc.queryForObject("SELECT level || ' ' || message FROM job_logs WHERE job_id = ? ORDER BY line DESC LIMIT 1",
            String.class, id);
    }

    private Process startWorker(String workerId) throws Exception {
        Process p = WorkerProcess.start(workerId);
        children.add(p);
        return p;
    }
}
