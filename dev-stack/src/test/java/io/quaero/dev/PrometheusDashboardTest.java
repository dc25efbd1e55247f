package io.quaero.dev;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quaero.contracts.Topics;
import io.quaero.contracts.sse.SseClient;
import io.quaero.infra.FreePorts;
import io.quaero.infra.RealInfrastructure;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard of deploy/grafana asks only for what the services really export: a real
 * Prometheus (Debian's) scrapes the running stack's {@code /actuator/prometheus}, and every panel's
 * query, run by Debian's {@code promtool} against it, is valid PromQL and returns series. A
 * renamed metric or tag fails here instead of leaving an operator with an empty panel.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = DevStackApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = RealInfrastructure.class)
class PrometheusDashboardTest {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path DASHBOARD = Path.of("../deploy/grafana/quaero.json");

    private final HttpClient http = HttpClient.newHttpClient();
    private Process prometheus;

    @LocalServerPort
    int port;

    @AfterEach
    void stopPrometheus() {
        if (prometheus != null) {
            prometheus.destroy();
        }
    }

    @Test
    void everyPanelOfTheDashboardQueriesSeriesThatALiveScrapeHas() throws Exception {
        if (!"true".equals(System.getenv("CI"))) {
            assumeThat(PROMTOOL).as("Debian package prometheus; .ci/run installs it").isExecutable();
        }
        makeSomethingHappen();
        String server = startPrometheus();
        // Two scrapes at least, so that rate() over a window has two samples.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
            .until(() -> !query(server, "count_over_time(up{job=\"quaero\"}[1m]) >= 3").isBlank());

        var failures = new ArrayList<String>();
        for (JsonNode panel : JsonMapper.builder().build().readTree(DASHBOARD.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asString();
                String result = query(server, expr);
                if (result.isBlank()) {
                    failures.add(panel.path("title").asString() + ": no series for " + expr);
                }
            }
        }
        assertThat(failures).as("panels whose query finds nothing in a live scrape").isEmpty();
    }

    /** A job with a stream open on it, and a record ingest must dead-letter. */
    private void makeSomethingHappen() throws Exception {
        var created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs")).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"demo\",\"params\":{\"pages\":5,\"delay_ms\":10}}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JsonMapper.builder().build().readTree(created.body()).path("id").asString();
        try (var sse = SseClient.open(URI.create("http://127.0.0.1:" + port + "/api/jobs/" + id + "/logs/stream"))) {
            assertThat(sse.next("logs", Duration.ofSeconds(30))).isNotNull();
        }
        Map<String, Object> config = Map.of("bootstrap.servers", TestInfrastructure.shared().endpoints().kafkaBootstrap());
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, id, "not an event".getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    /** Debian's Prometheus, scraping this stack every second, its data in a temporary folder. */
    private String startPrometheus() throws IOException {
        Path dir = Files.createTempDirectory("quaero-prometheus");
        Files.writeString(dir.resolve("prometheus.yml"), """
            global: { scrape_interval: 1s, evaluation_interval: 1s }
            scrape_configs:
              - job_name: quaero
                metrics_path: /actuator/prometheus
                static_configs: [ { targets: ["127.0.0.1:%d"] } ]
            """.formatted(port));
        int webPort = FreePorts.pick();
        prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + dir.resolve("prometheus.yml"),
            "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + webPort)
            .redirectErrorStream(true).redirectOutput(Path.of("target/prometheus.log").toFile()).start();
        return "http://127.0.0.1:" + webPort;
    }

    /** {@code promtool query instant}: its output, blank when the query found no series; fails on invalid PromQL. */
    private static String query(String server, String expr) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PROMTOOL.toString(), "query", "instant", server, expr).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0 && !out.contains("connection refused")) {
            throw new AssertionError("promtool rejected " + expr + ": " + out);
        }
        return p.exitValue() == 0 ? out.strip() : "";
    }
}
