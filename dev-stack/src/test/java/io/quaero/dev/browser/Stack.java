package io.quaero.dev.browser;

import io.quaero.access.TestCallers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quaero.contracts.JobStatus;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.JobState;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.contracts.event.StatusEvent;
import io.quaero.contracts.event.StepState;
import io.quaero.contracts.publish.QuaeroProducer;
import io.quaero.dev.DevStackApplication;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dev stack (every service, one port) for browser tests, on the JVM's shared real Kafka and
 * Postgres, on a fixed port so it can be stopped and started again under the same origin (the
 * browser's EventSource reconnects to the new instance). Plus what tests use to make things
 * happen: the jobs API, and a producer of job events and service log lines.
 */
final class Stack implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private final QuaeroProducer producer;
    private final KafkaProducer<String, byte[]> serviceLogs;
    private final EventCodec codec = new EventCodec();
    private ConfigurableApplicationContext context;

    private Stack(int port) {
        this.port = port;
        String bootstrap = TestInfrastructure.shared().endpoints().kafkaBootstrap();
        this.producer = QuaeroProducer.connect(bootstrap, Map.of());
        this.serviceLogs = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"),
            new StringSerializer(), new ByteArraySerializer());
    }

    static Stack start() {
        var stack = new Stack(freePort());
        stack.startServices();
        return stack;
    }

    /** Starts every service (again) on this stack's port. */
    void startServices() {
        var args = new ArrayList<String>();
        TestInfrastructure.shared().endpoints().springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
        args.add("--server.port=" + port);
        args.add("--spring.main.banner-mode=off");
        // The dev stack's admin, with the tests' API token (as QUAERO_DEV_ADMIN_TOKEN would give it).
        args.add("--quaero.access.dev-admin-token=" + TestCallers.ADMIN_TOKEN);
        // Gateways started beside it (ClusterBrowserTest) check its sessions with the same keys.
        args.add("--quaero.access.session-keys=" + TestCallers.SESSION_KEYS);
        context = new SpringApplicationBuilder(DevStackApplication.class).run(args.toArray(String[]::new));
    }

    /** Stops every service, as a deploy or a crash of the gateway would; the infrastructure stays. */
    void stopServices() {
        context.close();
    }

    /** Signs {@code browser} in as the dev stack's admin, through a one-time sign-in link (as a newcomer would). */
    void signIn(Browser browser) {
        // The admin the token belongs to: the dev stack's, or one an earlier test in this JVM made.
        String admin = send(HttpRequest.newBuilder(URI.create(url("/api/session")))
            .header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).build()).get("name").stringValue();
        JsonNode link = send(HttpRequest.newBuilder(URI.create(url("/api/admin/signin-links")))
            .header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + admin + "\"}")).build());
        // Lands on the sign-in page, which opens no stream: a test counting connections starts from none.
        browser.open(url(link.get("link").stringValue() + "&next=%2Fsignin"));
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    JdbcTemplate jdbc() {
        return context.getBean(JdbcTemplate.class);
    }

    /** Creates a job over REST, as the run form does. */
    UUID createJob(String json) {
        JsonNode body = send(HttpRequest.newBuilder(URI.create(url("/api/jobs"))).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
        return UUID.fromString(body.get("id").stringValue());
    }

    String status(UUID job) {
        return send(HttpRequest.newBuilder(URI.create(url("/api/jobs/" + job))).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).build()).get("status").stringValue();
    }

    /** An admin deletes the job's logs ({@code DELETE /api/admin/jobs/{id}/logs}). */
    void deleteLogs(UUID job) {
        send(HttpRequest.newBuilder(URI.create(url("/api/admin/jobs/" + job + "/logs")))
            .header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).DELETE().build());
    }

    /** Publishes log lines of a job (made up here, as an external worker would) and waits for Kafka. */
    void publishLogs(UUID job, Level level, String step, List<String> messages) {
        var sent = messages.stream()
            .map(m -> producer.publish(new LogEvent(UUID.randomUUID(), job, Instant.now(), level, m, step,
                step == null ? null : "Step " + step, "browser-test")))
            .toList();
        sent.forEach(f -> f.join());
    }

    /** Publishes log lines of a job stamped {@code at}, one millisecond apart, and waits for Kafka. */
    void publishLogsAt(UUID job, Instant at, Level level, String step, List<String> messages) {
        var sent = new ArrayList<java.util.concurrent.CompletableFuture<?>>();
        for (int i = 0; i < messages.size(); i++) {
            sent.add(producer.publish(new LogEvent(UUID.randomUUID(), job, at.plusMillis(i), level, messages.get(i), step,
                step == null ? null : "Step " + step, "browser-test")));
        }
        sent.forEach(f -> f.join());
    }

    /** Publishes a status change stamped {@code at}: the job's state (or none) and the given steps' states. */
    void publishStatusAt(UUID job, Instant at, JobStatus status, Integer progress, StepState... steps) {
        producer.publish(new StatusEvent(UUID.randomUUID(), job, at, status == null ? null : new JobState(status, progress),
            List.of(steps))).join();
    }

    /** Publishes a status change of a job (and of the given steps, all in the job's status). */
    void publishStatus(UUID job, JobStatus status, Integer progress, String... steps) {
        var changed = java.util.Arrays.stream(steps).map(id -> new StepState(id, "Step " + id, status)).toList();
        producer.publish(new StatusEvent(UUID.randomUUID(), job, Instant.now(), new JobState(status, progress), changed)).join();
    }

    /** Publishes one service log line, as a service's appender would. */
    void publishServiceLog(Level level, String message) {
        var event = new ServiceLogEvent(UUID.randomUUID(), Instant.now(), level, message, "browser-test", "tester", null, null);
        try {
            serviceLogs.send(new ProducerRecord<>(Topics.SERVICE_LOGS, Topics.serviceKey("browser-test", "tester"),
                codec.encode(event))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** SSE connections the gateway serves right now (job streams, service streams, feeds). */
    int gatewayConnections() {
        return context.getBean(io.quaero.gateway.hub.Hub.class).connectionCount();
    }

    long storedLines(UUID job) {
        return jdbc().queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job);
    }

    private JsonNode send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(request.uri() + ": " + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (context != null && context.isActive()) {
            context.close();
        }
        producer.close();
        serviceLogs.close(Duration.ofSeconds(5));
    }
}
