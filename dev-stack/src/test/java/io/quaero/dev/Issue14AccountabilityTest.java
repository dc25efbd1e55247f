package io.quaero.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.quaero.access.Role;
import io.quaero.access.TestCallers;
import io.quaero.contracts.Level;
import io.quaero.contracts.Topics;
import io.quaero.contracts.event.EventCodec;
import io.quaero.contracts.event.ServiceLogEvent;
import io.quaero.contracts.event.JobEvent;
import io.quaero.contracts.event.LogEvent;
import io.quaero.contracts.event.LogsDeletedEvent;
import io.quaero.contracts.event.MaskEvent;
import io.quaero.contracts.publish.QuaeroProducer;
import io.quaero.contracts.sse.LogEntry;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.ResetPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.gateway.StreamGatewayApplication;
import io.quaero.infra.RealInfrastructure;
import io.quaero.infra.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 14, accountability and data control, on every service of the dev stack with a real Kafka
 * producer as the worker: a declared secret and an admin's pattern are {@code ***} live, stored
 * and downloaded, also on a gateway that starts reading the job after the secret was declared
 * while ingest is paused; an admin deletes a job's logs (lines still on their way included) and
 * its viewers start over; the audit log records who did what, and only admins read it.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = DevStackApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = RealInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Issue14AccountabilityTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TEAM = "accountability";
    private static final String OPERATOR = "qt_accountability-operator-00000000000000000000";
    private static final String VIEWER = "qt_accountability-viewer-0000000000000000000000";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private QuaeroProducer worker;
    private KafkaProducer<String, byte[]> serviceLogs;
    private final EventCodec codec = new EventCodec();
    private ConfigurableApplicationContext secondGateway;

    @BeforeAll
    void usersAWorkerAndASecondGateway() {
        TestCallers.create(jdbc, "accountability-operator", Role.OPERATOR, Set.of(TEAM), OPERATOR);
        TestCallers.create(jdbc, "accountability-viewer", Role.VIEWER, Set.of(TEAM), VIEWER);
        worker = QuaeroProducer.connect(TestInfrastructure.shared().endpoints().kafkaBootstrap(), Map.of());
        serviceLogs = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            TestInfrastructure.shared().endpoints().kafkaBootstrap()), new StringSerializer(), new ByteArraySerializer());
        var args = new ArrayList<String>(List.of("--server.port=0", "--spring.main.banner-mode=off",
            "--spring.application.name=late-gateway"));
        TestInfrastructure.shared().endpoints().springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
        secondGateway = new SpringApplicationBuilder(StreamGatewayApplication.class).run(args.toArray(String[]::new));
    }

    @AfterAll
    void closeThem() {
        worker.close();
        serviceLogs.close();
        secondGateway.close();
    }

    // ------------------------------------------------------------------------------------------ masking

    @Test
    void aValueTheWorkerDeclaresIsThreeStarsLiveStoredAndDownloadedAndTheDeclarationIsNeverShown() throws Exception {
        String secret = "s3cret-" + UUID.randomUUID();
        UUID job = externalJob();
        publish(line(job, "a line before the mask"));
        await().atMost(WAIT).until(() -> stored(job).size() == 1);

        try (var live = SseClient.open(stream(port, job), TestCallers.bearer(VIEWER))) {
            assertThat(live.status()).isEqualTo(200);
            assertThat(entries(live, 1)).extracting(LogEntry::message).containsExactly("a line before the mask");
            publish(mask(job, secret), line(job, "using " + secret + " to sign in"), line(job, secret + secret));
            assertThat(entries(live, 2)).as("live, the mask event itself shows nothing").extracting(LogEntry::message)
                .containsExactly("using *** to sign in", "***");
        }

        await().atMost(WAIT).until(() -> stored(job).size() == 3);
        assertThat(stored(job)).containsExactly("a line before the mask", "using *** to sign in", "***");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM job_logs WHERE message LIKE ?", Integer.class, "%" + secret + "%"))
            .isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM job_masks WHERE job_id = ? AND octet_length(digest) = 32",
            Integer.class, job)).as("the value is kept as a digest").isEqualTo(1);

        var download = send("GET", "/api/jobs/" + job + "/logs/download", VIEWER, null);
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).contains("using *** to sign in").doesNotContain(secret);

        JsonNode audited = await().atMost(WAIT).until(() -> audit("?job=" + job + "&action=logs-downloaded"),
            entries -> entries.size() == 1).get(0);
        assertThat(audited.path("actor").asString()).isEqualTo("accountability-viewer");
        assertThat(audited.path("via").asString()).startsWith("token:");
        assertThat(audited.path("team").asString()).isEqualTo(TEAM);
        assertThat(audited.path("client").asString()).isEqualTo("127.0.0.1");
    }

    @Test
    void aGatewayThatStartsReadingTheJobAfterTheMaskWentByMasksFromKafkaWhileIngestLagsAndFromStorageAfter()
        throws Exception {
        String secret = "lagging-" + UUID.randomUUID();
        UUID job = externalJob();
        publish(line(job, "first line"));
        await().atMost(WAIT).until(() -> stored(job).size() == 1);
        int secondPort = secondGateway.getEnvironment().getRequiredProperty("local.server.port", Integer.class);

        MessageListenerContainer ingest = listeners.getListenerContainer("ingest-job-events");
        ingest.pause();
        try {
            await().atMost(WAIT).until(ingest::isContainerPaused);
            publish(mask(job, secret), line(job, "lagging " + secret));
            // The second gateway never read this job: its tail takes the partition now, after the
            // mask went by, and ingest has stored neither the mask nor the line.
            try (var late = SseClient.open(stream(secondPort, job), TestCallers.bearer(VIEWER))) {
                assertThat(late.status()).isEqualTo(200);
                assertThat(entries(late, 2)).extracting(LogEntry::message).containsExactly("first line", "lagging ***");
                publish(line(job, "live " + secret));
                assertThat(entries(late, 1)).extracting(LogEntry::message).containsExactly("live ***");
            }
            assertThat(stored(job)).as("ingest was paused all along").containsExactly("first line");
        } finally {
            ingest.resume();
        }

        await().atMost(WAIT).until(() -> stored(job).size() == 3);
        assertThat(stored(job)).as("stored as shown live").containsExactly("first line", "lagging ***", "live ***");
        try (var fresh = SseClient.open(stream(secondPort, job), TestCallers.bearer(VIEWER))) {
            assertThat(entries(fresh, 3)).extracting(LogEntry::message).containsExactly("first line", "lagging ***", "live ***");
            publish(line(job, "again " + secret));
            assertThat(entries(fresh, 1)).as("the mask, now read from storage").extracting(LogEntry::message)
                .containsExactly("again ***");
        }
    }

    @Test
    void anAdminsPatternMasksTokenLookingStringsInJobAndServiceLogsLiveStoredAndDownloadedFromTheInstantItTakesEffect()
        throws Exception {
        var refused = send("PUT", "/api/admin/mask-patterns", OPERATOR, "{\"patterns\":[\"x\"]}");
        assertThat(refused.statusCode()).isEqualTo(403);
        var invalid = send("PUT", "/api/admin/mask-patterns", TestCallers.ADMIN_TOKEN, "{\"patterns\":[\"qtk_[0-9]+\",\"(a\"]}");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("\"field\":\"patterns[1]\"");
        var catastrophic = send("PUT", "/api/admin/mask-patterns", TestCallers.ADMIN_TOKEN, "{\"patterns\":[\"(a)\\\\1\"]}");
        assertThat(catastrophic.body()).as("no back-references (RE2)").contains("\"field\":\"patterns[0]\"");

        var set = send("PUT", "/api/admin/mask-patterns", TestCallers.ADMIN_TOKEN, "{\"patterns\":[\"qtk_[a-z0-9]{16}\"]}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        Instant effective = Instant.parse(json.readTree(set.body()).path("effective_at").asString());
        try {
            await().atMost(WAIT).until(() -> jdbc.queryForObject("SELECT clock_timestamp()", Timestamp.class).toInstant()
                .isAfter(effective));
            UUID job = externalJob();
            publish(line(job, "first line"));
            await().atMost(WAIT).until(() -> stored(job).size() == 1);
            try (var live = SseClient.open(stream(port, job), TestCallers.bearer(VIEWER))) {
                assertThat(entries(live, 1)).hasSize(1);
                publish(line(job, "pushed with qtk_0123456789abcdef and qtk_short"));
                assertThat(entries(live, 1)).extracting(LogEntry::message).containsExactly("pushed with *** and qtk_short");
            }
            await().atMost(WAIT).until(() -> stored(job).size() == 2);
            assertThat(stored(job)).last().isEqualTo("pushed with *** and qtk_short");
            assertThat(send("GET", "/api/jobs/" + job + "/logs/download", VIEWER, null).body())
                .contains("pushed with *** and qtk_short");
            // The service logs too: stored and served masked.
            String instance = "accountability-" + UUID.randomUUID();
            serviceLogs.send(new ProducerRecord<>(Topics.SERVICE_LOGS, Topics.serviceKey("accountability", instance),
                codec.encode(new ServiceLogEvent(UUID.randomUUID(), Instant.now(), Level.WARN,
                    "service saw qtk_fedcba9876543210", "accountability", instance, null, null)))).get();
            await().atMost(WAIT).until(() -> !jdbc.queryForList("SELECT message FROM service_logs WHERE instance = ?", String.class,
                instance).isEmpty());
            assertThat(jdbc.queryForObject("SELECT message FROM service_logs WHERE instance = ?", String.class, instance))
                .isEqualTo("service saw ***");
            assertThat(send("GET", "/api/service/logs?q=service%20saw&limit=100", TestCallers.ADMIN_TOKEN, null).body())
                .contains("service saw ***").doesNotContain("qtk_fedcba9876543210");
            assertThat(audit("?action=mask-patterns-set")).first()
                .satisfies(e -> assertThat(e.path("details").path("patterns").get(0).asString()).isEqualTo("qtk_[a-z0-9]{16}"));
        } finally {
            assertThat(send("PUT", "/api/admin/mask-patterns", TestCallers.ADMIN_TOKEN, "{\"patterns\":[]}").statusCode()).isEqualTo(200);
        }
    }

    // ------------------------------------------------------------------------------------------ deleting a job's logs

    @Test
    void anAdminDeletesAJobsLogsLinesStillOnTheirWayIncludedAndItsViewersStartOverWithWhatIsLeft() throws Exception {
        UUID job = externalJob();
        publish(line(job, "leaked 1"), line(job, "leaked 2"), line(job, "leaked 3"));
        await().atMost(WAIT).until(() -> stored(job).size() == 3);
        assertThat(send("DELETE", "/api/admin/jobs/" + job + "/logs", OPERATOR, null).statusCode()).isEqualTo(403);

        MessageListenerContainer ingest = listeners.getListenerContainer("ingest-job-events");
        try (var viewer = SseClient.open(stream(port, job), TestCallers.bearer(VIEWER))) {
            assertThat(entries(viewer, 3)).hasSize(3);
            ingest.pause();
            try {
                await().atMost(WAIT).until(ingest::isContainerPaused);
                publish(line(job, "leaked 4, in Kafka, not stored yet"));
                var deleted = send("DELETE", "/api/admin/jobs/" + job + "/logs", TestCallers.ADMIN_TOKEN, null);
                assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
                assertThat(json.readTree(deleted.body()).path("deleted_lines").asLong()).isEqualTo(3);
                assertThat(stored(job)).isEmpty();

                SseFrame reset = viewer.next(SseEvents.RESET, WAIT);
                assertThat(reset).as("the viewer is told").isNotNull();
                assertThat(reset.data(ResetPayload.class)).isEqualTo(new ResetPayload("logs-deleted", null));
            } finally {
                ingest.resume();
            }
        }
        // A worker cannot delete: a logs-deleted event naming no deletion job-service recorded is refused.
        publish(new LogsDeletedEvent(UUID.randomUUID(), job, Instant.now(), UUID.randomUUID()), line(job, "after the deletion"));
        await().atMost(WAIT).until(() -> stored(job).contains("after the deletion"));
        assertThat(stored(job)).as("the line on its way was deleted when ingest reached the deletion")
            .containsExactly("after the deletion");
        assertThat(jdbc.queryForObject("SELECT line FROM job_logs WHERE job_id = ?", Long.class, job))
            .as("numbers go on after the deleted lines").isEqualTo(5);
        assertThat(jdbc.queryForObject("SELECT sum(lines) FROM job_log_counts WHERE job_id = ?", Long.class, job)).isEqualTo(1);

        try (var again = SseClient.open(stream(port, job), TestCallers.bearer(VIEWER))) {
            assertThat(entries(again, 1)).extracting(LogEntry::message).containsExactly("after the deletion");
        }
        assertThat(audit("?job=" + job + "&action=logs-deleted")).singleElement().satisfies(e -> {
            assertThat(e.path("actor").asString()).isEqualTo("test-admin");
            assertThat(e.path("details").path("deleted_lines").asLong()).isEqualTo(3);
        });
    }

    // ------------------------------------------------------------------------------------------ the audit log

    @Test
    void theAuditLogRecordsWhoCreatedCancelledAndManagedUsersAndTokensAndOnlyAdminsReadIt() throws Exception {
        UUID job = externalJob();
        assertThat(send("POST", "/api/jobs/" + job + "/cancel", OPERATOR, null).statusCode()).isEqualTo(202);
        String user = "audited-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(send("POST", "/api/admin/users", TestCallers.ADMIN_TOKEN,
            "{\"name\":\"" + user + "\",\"password\":\"correct horse battery\",\"role\":\"viewer\",\"teams\":[\"" + TEAM + "\"]}")
            .statusCode()).isEqualTo(201);
        assertThat(send("POST", "/api/admin/tokens", TestCallers.ADMIN_TOKEN, "{\"user\":\"" + user + "\"}").statusCode()).isEqualTo(201);
        long tokenId = json.readTree(send("GET", "/api/admin/tokens", TestCallers.ADMIN_TOKEN, null).body()).path("tokens")
            .valueStream().filter(t -> t.path("user").asString().equals(user)).findFirst().orElseThrow().path("id").asLong();
        assertThat(send("DELETE", "/api/admin/tokens/" + tokenId, TestCallers.ADMIN_TOKEN, null).statusCode()).isEqualTo(204);
        assertThat(send("POST", "/api/admin/signin-links", TestCallers.ADMIN_TOKEN, "{\"user\":\"" + user + "\"}").statusCode())
            .isEqualTo(201);

        assertThat(audit("?job=" + job)).as("newest first").extracting(e -> e.path("action").asString())
            .containsExactly("job-cancelled", "job-created");
        assertThat(audit("?job=" + job)).allSatisfy(e -> {
            assertThat(e.path("actor").asString()).isEqualTo("accountability-operator");
            assertThat(e.path("via").asString()).startsWith("token:");
            assertThat(e.path("target").asString()).isEqualTo(job.toString());
            assertThat(e.path("team").asString()).isEqualTo(TEAM);
        });
        assertThat(audit("?action=user-created")).anySatisfy(e -> {
            assertThat(e.path("target").asString()).isEqualTo(user);
            assertThat(e.path("details").path("role").asString()).isEqualTo("viewer");
        });
        assertThat(audit("?action=token-created")).anySatisfy(e -> assertThat(e.path("target").asString()).isEqualTo(String.valueOf(tokenId)));
        assertThat(audit("?action=token-revoked")).anySatisfy(e -> assertThat(e.path("target").asString()).isEqualTo(String.valueOf(tokenId)));
        assertThat(audit("?action=signin-link-created")).anySatisfy(e -> assertThat(e.path("target").asString()).isEqualTo(user));

        // Paged by a cursor: one entry a page, the next from next_cursor, until none.
        JsonNode first = json.readTree(send("GET", "/api/admin/audit?actor=test-admin&limit=1", TestCallers.ADMIN_TOKEN, null).body());
        assertThat(first.path("entries")).hasSize(1);
        String next = first.path("next_cursor").asString();
        JsonNode second = json.readTree(send("GET", "/api/admin/audit?actor=test-admin&limit=1&before=" + next,
            TestCallers.ADMIN_TOKEN, null).body());
        assertThat(second.path("entries").get(0).path("id").asString()).isNotEqualTo(first.path("entries").get(0).path("id").asString());

        assertThat(send("GET", "/api/admin/audit", OPERATOR, null).statusCode()).isEqualTo(403);
        for (String[] bad : new String[][] {{"action=nope", "action"}, {"limit=0", "limit"}, {"limit=201", "limit"},
            {"job=x", "job"}, {"before=abc", "before"}, {"actor=a%20b", "actor"}}) {
            var answer = send("GET", "/api/admin/audit?" + bad[0], TestCallers.ADMIN_TOKEN, null);
            assertThat(answer.statusCode()).as(bad[0]).isEqualTo(400);
            assertThat(answer.body()).contains("\"field\":\"" + bad[1] + "\"");
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private UUID externalJob() throws Exception {
        var made = send("POST", "/api/jobs", OPERATOR, "{\"type\":\"accountability\",\"executor\":\"external\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        return UUID.fromString(json.readTree(made.body()).path("id").asString());
    }

    /** Published one after the other, each acknowledged: one key, so one partition, in this order. */
    private void publish(JobEvent... events) throws Exception {
        for (JobEvent e : events) {
            worker.publish(e).get();
        }
    }

    private static LogEvent line(UUID job, String message) {
        return new LogEvent(UUID.randomUUID(), job, Instant.now(), Level.INFO, message, null, null, "accountability-worker");
    }

    private static MaskEvent mask(UUID job, String value) {
        return new MaskEvent(UUID.randomUUID(), job, Instant.now(), value);
    }

    private List<String> stored(UUID job) {
        return jdbc.queryForList("SELECT message FROM job_logs WHERE job_id = ? ORDER BY kafka_offset", String.class, job);
    }

    /** The next {@code n} entries of the stream's {@code logs} events. */
    private static List<LogEntry> entries(SseClient sse, int n) throws InterruptedException {
        List<LogEntry> seen = new ArrayList<>();
        while (seen.size() < n) {
            SseFrame f = sse.next(SseEvents.LOGS, WAIT);
            assertThat(f).as("entries (%s of %s so far)", seen.size(), n).isNotNull();
            seen.addAll(f.data(LogsPayload.class).logs());
        }
        return seen;
    }

    private List<JsonNode> audit(String query) throws Exception {
        var answer = send("GET", "/api/admin/audit" + query, TestCallers.ADMIN_TOKEN, null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json.readTree(answer.body()).path("entries").valueStream().toList();
    }

    private HttpResponse<String> send(String method, String path, @Nullable String token, @Nullable String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).method(method,
            body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI stream(int port, UUID job) {
        return URI.create("http://127.0.0.1:" + port + "/api/jobs/" + job + "/logs/stream?limit=1000");
    }
}
