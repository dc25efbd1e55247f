package io.quaero.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.gateway.hub.JobEventTail;
import io.quaero.infra.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A gateway that stops tells its browsers to come back (elsewhere) after a jittered delay, and
 * ends their streams (job streams and jobs feeds alike) promptly: no thundering herd, no client
 * cut off without a word, no shutdown held up by open streams. Tomcat's async timeout never
 * applies (streams are not async).
 */
class GracefulShutdownTest {

    @Test
    void stoppingAGatewaySendsEachStreamAJitteredRetryAndEndsIt() throws Exception {
        var args = new ArrayList<String>(List.of("--server.port=0", "--spring.main.banner-mode=off",
            "--spring.application.name=stopping-gateway"));
        TestInfrastructure.shared().endpoints().springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
        // With ingest alongside, as in the dev stack: it owns the schema and the topics.
        var gateway = new SpringApplicationBuilder(StreamGatewayApplication.class, io.quaero.ingest.LogIngestApplication.class)
            .run(args.toArray(String[]::new));
        UUID job = UUID.randomUUID();
        gateway.getBean(JdbcTemplate.class).update("INSERT INTO jobs (id) VALUES (?)", job);
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.getBean(JobEventTail.class).isTailing());
        int port = Integer.parseInt(gateway.getEnvironment().getProperty("local.server.port"));

        List<SseClient> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            var sse = SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream"));
            assertThat(sse.next(SseEvents.LOGS, Duration.ofSeconds(10))).isNotNull();
            clients.add(sse);
        }
        for (int i = 0; i < 2; i++) {
            var feed = SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/job-status/stream"));
            assertThat(feed.status()).isEqualTo(200);
            clients.add(feed);
        }
        long start = System.nanoTime();
        gateway.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("shutdown time").isLessThan(Duration.ofSeconds(20));

        List<Long> retries = new ArrayList<>();
        for (var sse : clients) {
            SseFrame f = sse.next(Duration.ofSeconds(5));
            while (f != null && f.retry() == null) {
                f = sse.next(Duration.ofSeconds(5));
            }
            assertThat(f).as("a retry hint before the stream ends").isNotNull();
            retries.add(f.retry());
            assertThat(sse.next(Duration.ofSeconds(5))).as("then the end of the stream").isNull();
            assertThat(sse.ended()).isTrue();
            sse.close();
        }
        assertThat(retries).allSatisfy(ms -> assertThat(ms).isBetween(1_000L, 5_000L));
    }
}
