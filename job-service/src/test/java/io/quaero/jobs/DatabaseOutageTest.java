package io.quaero.jobs;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.quaero.infra.LocalPostgres;
import io.quaero.infra.RealInfrastructure;
import io.quaero.infra.TestInfrastructure;
import io.quaero.ingest.LogIngestApplication;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;

/**
 * A database outage is not a dead worker. While PostgreSQL is away no worker can renew a lease,
 * so every running job's lease lapses; when it is back, the reaper gives the workers a lease-ttl
 * (20 s here) to renew before it judges leases again, and the job runs on. The worker is a real
 * job-service process (3 s lease); this context runs the reaper and no workers.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = {JobServiceApplication.class, LogIngestApplication.class},
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "quaero.jobs.workers-enabled=false",
        "quaero.jobs.lease-ttl=20s",
        "quaero.jobs.heartbeat-interval=500ms",
        "quaero.jobs.reaper-interval=500ms"})
@ContextConfiguration(initializers = RealInfrastructure.class)
@DirtiesContext
class DatabaseOutageTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    private Process worker;

    @AfterEach
    void stopWorker() throws InterruptedException {
        if (worker != null) {
            worker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRunningJobOutlivesADatabaseOutageLongerThanItsLease() throws Exception {
        LocalPostgres pg = TestInfrastructure.shared().localPostgres().orElse(null);
        assumeThat(pg).as("needs the embedded Postgres to stop and start").isNotNull();
        var api = new JobsApi(port);
        worker = WorkerProcess.start("outage-worker");
        UUID id = api.create("{\"type\":\"load\",\"params\":{\"rate\":100,\"duration_s\":600,\"steps\":3}}");
        await().atMost(Duration.ofSeconds(90)).until(() -> api.job(id).path("worker").asString("").equals("outage-worker"));
        // Running for real: its lines are stored, so the worker's producer has the topic's metadata.
        // (Frozen while still fetching it, its first send would time out on waking and stop the job.)
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
            "SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, id) > 10);

        // The database is away for longer than the worker's 3 s lease; the worker is held
        // (SIGSTOP) until 8 s after it is back, so the reaper's first passes find the lapsed lease
        // before any heartbeat could renew it.
        signal(worker, "STOP");
        pg.stop();
        Thread.sleep(12_000);
        pg.start();
        Thread.sleep(8_000);
        signal(worker, "CONT");

        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
            "SELECT lease_expires_at > now() FROM jobs WHERE id = ?", Boolean.class, id));
        // Past the reaper's 20 s of grace: leases are judged again, and this one is held.
        Thread.sleep(15_000);
        JsonNode job = api.job(id);
        assertThat(job.path("status").asString()).isEqualTo("running");
        assertThat(job.get("reason")).isNull();
    }

    private static void signal(Process p, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor()).isZero();
    }
}
