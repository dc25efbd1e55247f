package io.quaero.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 10: a created job always starts or ends with a reason. Here no worker runs at all (as if
 * its run command were lost or stuck), so only the reaper's backstop can end the job: after
 * {@code pending-timeout} it is failed, saying that no worker started it.
 */
@JobServiceWithIngestTest
@TestPropertySource(properties = {"quaero.jobs.workers-enabled=false", "quaero.jobs.dispatch-wait=1s",
    "quaero.jobs.pending-timeout=3s", "quaero.jobs.reaper-interval=1s"})
class Issue10PendingJobTest {

    @LocalServerPort
    int port;

    @Test
    void aBuiltInJobNoWorkerStartsIsFailedWithTheReasonInsteadOfStayingPendingForEver() throws Exception {
        var api = new JobsApi(port);
        UUID id = api.create("{\"type\":\"demo\"}");

        await().atMost(Duration.ofSeconds(60)).until(() -> api.status(id).equals("failed"));
        JsonNode job = api.job(id);
        assertThat(job.get("reason").stringValue()).startsWith("no worker started it (created ");
    }
}
