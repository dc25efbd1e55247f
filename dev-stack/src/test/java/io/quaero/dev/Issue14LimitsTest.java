package io.quaero.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.quaero.access.Role;
import io.quaero.access.TestCallers;
import io.quaero.contracts.sse.SseClient;
import io.quaero.gateway.hub.Hub;
import io.quaero.infra.RealInfrastructure;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 14's limits, against every service of the dev stack over real HTTP (docs/SECURITY.md,
 * "Limits"): streams per user and per client address on every kind of stream (429 naming what ran
 * out, the slot back when a stream ends), the client address behind a trusted proxy and not
 * otherwise, exempt users, channels per shared connection, the per-user rate of job creation, the
 * lines load jobs may plan (per job, and per user counted from the database), and the request body
 * limit (413 before anything is parsed, declared or chunked).
 *
 * <p>Small limits make each reachable: 2 streams per user, 3 per address, 3 channels; 3 jobs at
 * once and then one an hour; 1,000 planned lines per job and 1,500 per user. The requests come
 * from several loopback addresses (Linux routes all of 127/8 to this host): 127.0.0.1 is the
 * trusted proxy, as nginx is in {@code ./quaero cluster}; 127.0.0.2 and up are clients that are not.
 * Streams opened through the "proxy" each name a client address of their own unless a test says
 * otherwise, so that only the limit a test is about is reached.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = DevStackApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "quaero.stream.max-streams-per-user=2",
        "quaero.stream.max-streams-per-address=3",
        "quaero.stream.max-channels=3",
        // A closed stream is noticed at the server's next write: a ping, at the latest.
        "quaero.stream.ping-interval=500ms",
        "quaero.limits.trusted-proxies=127.0.0.1/32",
        "quaero.limits.exempt-users=" + Issue14LimitsTest.EXEMPT,
        "quaero.jobs.creation-burst=3",
        "quaero.jobs.creation-interval=1h",
        "quaero.jobs.max-planned-lines=1000",
        "quaero.jobs.max-unfinished-planned-lines=1500"})
@ContextConfiguration(initializers = RealInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Issue14LimitsTest {

    static final String EXEMPT = "limits-bench";
    private static final String TEAM = "limits";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The default body limit, quaero.limits.max-body. */
    private static final int MAX_BODY = 64 * 1024;

    private static final InetAddress PROXY = InetAddress.ofLiteral("127.0.0.1");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Hub hub;

    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, String> tokens = new HashMap<>();
    private final Map<InetAddress, HttpClient> clients = new HashMap<>();
    private final List<SseClient> open = new ArrayList<>();
    private final AtomicInteger nextClientAddress = new AtomicInteger();
    private UUID job;

    @BeforeAll
    void usersAndAJob() {
        for (String name : List.of("alice", "bob", "carol", "dave", "erin", "frank", "gina", "hank", "ivan", "jack", "kate",
            "lena", EXEMPT)) {
            String token = "qt_limits-" + name + "-000000000000000000000000000000000000";
            TestCallers.create(jdbc, name, Role.OPERATOR, Set.of(TEAM), token);
            tokens.put(name, token);
        }
        TestCallers.create(jdbc, "olga", Role.ADMIN, Set.of(TEAM), "qt_limits-olga-000000000000000000000000000000000000");
        tokens.put("olga", "qt_limits-olga-000000000000000000000000000000000000");
        job = UUID.randomUUID();
        jdbc.update("INSERT INTO jobs (id, team, kafka_partition) VALUES (?, ?, 0)", job, TEAM);
    }

    /** Every test ends with its streams closed, every slot back, and nobody left in the counters. */
    @AfterEach
    void everySlotComesBackAndTheCountersEmpty() {
        open.forEach(SseClient::close);
        open.clear();
        await().atMost(WAIT).until(() -> hub.connectionCount() == 0);
        assertThat(hub.admission().usersCounted()).as("users at zero leave the per-user map").isZero();
        assertThat(hub.admission().addressesCounted()).as("addresses at zero leave the per-address map").isZero();
    }

    // ---- Streams per user ------------------------------------------------------------------

    @Test
    void aUserPastTheirStreamsGets429NamingTheUserOnEveryKindOfStreamAndAnotherUserDoesNot() throws Exception {
        assertThat(stream("olga", "/api/service/logs/stream").status()).isEqualTo(200);
        assertThat(stream("olga", jobStream()).status()).isEqualTo(200);
        for (String path : List.of(jobStream(), "/api/job-status/stream", sharedStream(1), "/api/service/logs/stream")) {
            SseClient refused = stream("olga", path);
            assertThat(refused.status()).as(path).isEqualTo(429);
            assertThat(refused.response().headers().firstValue("Retry-After").map(Long::parseLong))
                .hasValueSatisfying(s -> assertThat(s).isBetween(1L, 5L));
            JsonNode error = json.readTree(refused.body());
            assertThat(error.path("error").asString()).isEqualTo("too_many_streams");
            assertThat(error.path("field").asString()).isEqualTo("user");
            assertThat(error.path("message").asString()).contains("user olga has 2 streams open");
        }
        assertThat(stream("alice", "/api/job-status/stream").status()).as("another user").isEqualTo(200);
        assertThat(stream("alice", sharedStream(1)).status()).isEqualTo(200);
        assertThat(hub.connectionCount()).as("refused streams hold no slot").isEqualTo(4);
    }

    @Test
    void aStreamThatEndsGivesItsSlotBack() throws Exception {
        SseClient first = stream("bob", jobStream());
        assertThat(first.status()).isEqualTo(200);
        assertThat(stream("bob", "/api/job-status/stream").status()).isEqualTo(200);
        assertThat(stream("bob", sharedStream(2)).status()).isEqualTo(429);

        first.close();
        // The server notices the client left at its next write (a ping, within 500 ms here).
        await().atMost(WAIT).until(() -> {
            SseClient again = stream("bob", sharedStream(2));
            return again.status() == 200;
        });
    }

    // ---- Streams per address: who says where a request is from -----------------------------

    @Test
    void aCallerThatIsNotATrustedProxyCannotSpreadItsStreamsOverAddressesItNames() throws Exception {
        InetAddress client = InetAddress.ofLiteral("127.0.0.2");
        assertThat(stream(client, "carol", jobStream(), "198.51.100.10").status()).isEqualTo(200);
        assertThat(stream(client, "carol", "/api/job-status/stream", "198.51.100.11").status()).isEqualTo(200);
        assertThat(stream(client, "dave", jobStream(), "198.51.100.12").status()).isEqualTo(200);

        SseClient refused = stream(client, "dave", jobStream(), "198.51.100.13");
        assertThat(refused.status()).as("a fourth stream from 127.0.0.2, whatever X-Forwarded-For says").isEqualTo(429);
        JsonNode error = json.readTree(refused.body());
        assertThat(error.path("error").asString()).isEqualTo("too_many_streams");
        assertThat(error.path("field").asString()).isEqualTo("address");
        assertThat(error.path("message").asString()).contains("address 127.0.0.2 has 3 streams open");

        assertThat(stream(InetAddress.ofLiteral("127.0.0.4"), "dave", jobStream(), null).status())
            .as("the same user from another address").isEqualTo(200);
    }

    @Test
    void behindATrustedProxyTheRightmostHopItAppendedIsTheClientAndWhatTheClientWroteIsNot() throws Exception {
        // Two clients that wrote addresses of their own before the one the proxy appended.
        assertThat(stream(PROXY, "erin", jobStream(), "6.6.6.6, 198.51.100.20").status()).isEqualTo(200);
        assertThat(stream(PROXY, "erin", "/api/job-status/stream", "7.7.7.7, 198.51.100.20").status()).isEqualTo(200);
        assertThat(stream(PROXY, "frank", jobStream(), "198.51.100.20").status()).isEqualTo(200);

        SseClient refused = stream(PROXY, "frank", jobStream(), "198.51.100.20");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(json.readTree(refused.body()).path("message").asString()).contains("address 198.51.100.20 has 3 streams open");

        assertThat(stream(PROXY, "frank", jobStream(), "198.51.100.21").status())
            .as("another client behind the same proxy").isEqualTo(200);
        assertThat(stream(PROXY, "gina", jobStream(), "198.51.100.20, 198.51.100.22").status())
            .as("a full address written by the client, left of the one the proxy appended, is not counted").isEqualTo(200);
    }

    @Test
    void anExemptUserIsLimitedNeitherAsAUserNorAtTheirAddress() throws Exception {
        InetAddress client = InetAddress.ofLiteral("127.0.0.3");
        for (int i = 0; i < 6; i++) {
            assertThat(stream(client, EXEMPT, i % 2 == 0 ? jobStream() : sharedStream(3), null).status()).isEqualTo(200);
        }
        assertThat(hub.admission().usersCounted()).isZero();
        assertThat(hub.admission().addressesCounted()).isZero();
        assertThat(stream(client, "hank", jobStream(), null).status()).as("the address's streams are all still there").isEqualTo(200);
        assertThat(stream(client, "ivan", jobStream(), null).status()).isEqualTo(200);
    }

    @Test
    void aSharedConnectionCarriesAtMostMaxChannelsAndMoreIs400NamingChannels() throws Exception {
        assertThat(stream("ivan", sharedStream(3)).status()).isEqualTo(200);
        SseClient refused = stream("ivan", sharedStream(4));
        assertThat(refused.status()).isEqualTo(400);
        JsonNode error = json.readTree(refused.body());
        assertThat(error.path("field").asString()).isEqualTo("channels");
        assertThat(error.path("message").asString()).contains("1..3 channels");
    }

    // ---- Creating jobs ---------------------------------------------------------------------

    @Test
    void creatingJobsPastTheUserRateIs429WithRetryAfterAndNeitherAnotherUserNorAnExemptOneIsHeldUp() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(createJob("hank", external()).statusCode()).isEqualTo(201);
        }
        HttpResponse<String> refused = createJob("hank", external());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After").map(Long::parseLong))
            .as("the next token, an hour after the burst began").hasValueSatisfying(s -> assertThat(s).isBetween(3_500L, 3_600L));
        JsonNode error = json.readTree(refused.body());
        assertThat(error.path("error").asString()).isEqualTo("too_many_jobs");
        assertThat(error.path("field").asString()).isEqualTo("user");
        assertThat(jobsOf("hank")).as("the refused job was not stored").isEqualTo(3);

        assertThat(createJob("ivan", external()).statusCode()).as("another user").isEqualTo(201);
        for (int i = 0; i < 5; i++) {
            assertThat(createJob(EXEMPT, external()).statusCode()).as("an exempt user").isEqualTo(201);
        }
    }

    @Test
    void aLoadJobPlanningMoreLinesThanOneJobMayIs400NamingTheParameterForEveryone() throws Exception {
        for (String user : List.of("jack", EXEMPT)) {
            HttpResponse<String> refused = createJob(user, load(100, 11));
            assertThat(refused.statusCode()).isEqualTo(400);
            JsonNode error = json.readTree(refused.body());
            assertThat(error.path("error").asString()).isEqualTo("bad_request");
            assertThat(error.path("field").asString()).isEqualTo("params.duration_s");
            assertThat(error.path("message").asString()).contains("1100 lines").contains("at most 1000");
        }
        assertThat(createJob("jack", load(100, 10)).statusCode()).as("exactly the most").isEqualTo(201);
        cancelAll("jack");
    }

    @Test
    void aUsersUnfinishedLoadJobsMayPlanSoManyLinesBetweenThemUntilOneEnds() throws Exception {
        // One line a second: these run for minutes, unfinished for the whole test.
        UUID first = created(createJob("kate", load(1, 1000)));
        HttpResponse<String> refused = createJob("kate", load(1, 600));
        assertThat(refused.statusCode()).isEqualTo(429);
        JsonNode error = json.readTree(refused.body());
        assertThat(error.path("error").asString()).isEqualTo("too_much_load");
        assertThat(error.path("field").asString()).isEqualTo("params.duration_s");
        assertThat(error.path("message").asString()).contains("plan 1000 lines").contains("600 more").contains("1500 allowed")
            .contains("the 500 left");

        cancel("kate", first);
        await().atMost(WAIT).until(() -> "cancelled".equals(status(first)));
        UUID second = created(createJob("kate", load(1, 600)));
        cancel("kate", second);
    }

    @Test
    void theUnfinishedLinesAreCountedFromTheDatabaseSoJobsMadeByAnotherInstanceCount() throws Exception {
        long lena = jdbc.queryForObject("SELECT id FROM users WHERE name = 'lena'", Long.class);
        UUID elsewhere = UUID.randomUUID();
        // As another job-service instance would have stored it: this one never saw it created.
        jdbc.update("""
            INSERT INTO jobs (id, type, executor, params, team, created_by, planned_lines, status)
            VALUES (?, 'load', 'builtin', '{}', ?, ?, 1400, 'running')""", elsewhere, TEAM, lena);
        assertThat(createJob("lena", load(1, 200)).statusCode()).isEqualTo(429);

        jdbc.update("UPDATE jobs SET status = 'completed' WHERE id = ?", elsewhere);
        UUID allowed = created(createJob("lena", load(1, 200)));
        cancel("lena", allowed);
    }

    @Test
    void anExemptUsersUnfinishedLoadJobsAreNotCapped() throws Exception {
        UUID a = created(createJob(EXEMPT, load(1, 1000)));
        UUID b = created(createJob(EXEMPT, load(1, 1000)));
        cancel(EXEMPT, a);
        cancel(EXEMPT, b);
    }

    // ---- Request bodies --------------------------------------------------------------------

    @Test
    void aBodyDeclaredLargerThanTheLimitIs413BeforeAByteOfItIsSent() throws Exception {
        // Not a byte of the body is sent: the answer cannot have waited for it.
        String response = raw("alice", "Content-Length: 50000000");
        assertThat(response).startsWith("HTTP/1.1 413 ");
        assertThat(response).contains("\"error\":\"body_too_large\"").contains("\"field\":\"Content-Length\"")
            .contains("50000000");
        assertThat(response).as("the browser headers are on the refusal too").containsIgnoringCase("X-Content-Type-Options: nosniff");
    }

    @Test
    void aBodyLargerThanTheLimitIs413WithTheJsonError() throws Exception {
        HttpResponse<String> refused = post("alice", HttpRequest.BodyPublishers.ofString(jobWithPadding("sized", MAX_BODY + 1)));
        assertThat(refused.statusCode()).isEqualTo(413);
        JsonNode error = json.readTree(refused.body());
        assertThat(error.path("error").asString()).isEqualTo("body_too_large");
        assertThat(error.path("field").asString()).isEqualTo("Content-Length");
    }

    @Test
    void aChunkedBodyIsCutOffAtTheLimitWith413AndNothingOfItIsParsedOrStored() throws Exception {
        String type = "limits-chunked-" + UUID.randomUUID();
        // Read whole, this would be a request to create an external job (its params too large: a 400).
        String response = raw("alice", "Transfer-Encoding: chunked", jobWithPadding(type, 2 * MAX_BODY));
        assertThat(response).startsWith("HTTP/1.1 413 ");
        assertThat(response).contains("\"error\":\"body_too_large\"").contains("\"field\":\"$\"")
            .contains("longer than the " + MAX_BODY + " bytes");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM jobs WHERE type = ?", Long.class, type)).isZero();
    }

    @Test
    void aChunkedBodyWithinTheLimitIsReadAsAnyOther() throws Exception {
        String type = "limits-small-chunked-" + UUID.randomUUID();
        String response = raw("alice", "Transfer-Encoding: chunked", jobWithPadding(type, 10_000));
        assertThat(response).startsWith("HTTP/1.1 201 ");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM jobs WHERE type = ?", Long.class, type)).isEqualTo(1);
    }

    // ---- Helpers ---------------------------------------------------------------------------

    /** A stream through the trusted proxy, as a client address of its own. */
    private SseClient stream(String user, String path) {
        int n = nextClientAddress.incrementAndGet();
        return stream(PROXY, user, path, "198.18." + (n / 250) + "." + (1 + n % 250));
    }

    /** A stream opened from {@code from}, with {@code X-Forwarded-For} when given; kept to be closed after the test. */
    private SseClient stream(InetAddress from, String user, String path, @Nullable String forwardedFor) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + tokens.get(user));
        if (forwardedFor != null) {
            headers.put("X-Forwarded-For", forwardedFor);
        }
        SseClient client = SseClient.open(client(from), uri(path), headers);
        open.add(client);
        return client;
    }

    private HttpClient client(InetAddress from) {
        return clients.computeIfAbsent(from, a -> HttpClient.newBuilder().localAddress(a).version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build());
    }

    private String jobStream() {
        return "/api/jobs/" + job + "/logs/stream";
    }

    /** {@code /api/streams} with {@code channels} channels, each the test job. */
    private String sharedStream(int channels) {
        var list = new ArrayList<String>();
        for (int i = 0; i < channels; i++) {
            list.add("{\"id\":\"c" + i + "\",\"job\":\"" + job + "\"}");
        }
        return "/api/streams?channels=" + URLEncoder.encode("[" + String.join(",", list) + "]", StandardCharsets.UTF_8);
    }

    private static String external() {
        return "{\"type\":\"limits-external\",\"executor\":\"external\"}";
    }

    private static String load(int rate, int seconds) {
        return "{\"type\":\"load\",\"params\":{\"rate\":" + rate + ",\"duration_s\":" + seconds + ",\"steps\":1}}";
    }

    /** An external job's creation whose JSON is at least {@code bytes} long. */
    private static String jobWithPadding(String type, int bytes) {
        return "{\"type\":\"" + type + "\",\"executor\":\"external\",\"params\":{\"pad\":\"" + "a".repeat(bytes) + "\"}}";
    }

    /**
     * {@code POST /api/jobs} over a plain socket, with the framing header given ({@code
     * Content-Length: n} and no body, or {@code Transfer-Encoding: chunked} and {@code body} in
     * 8 KiB chunks); the whole answer, head and body, as text.
     */
    private String raw(String user, String framing, String... body) throws IOException {
        try (var socket = new Socket(PROXY, port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + tokens.get(user)
                + "\r\nContent-Type: application/json\r\nConnection: close\r\n" + framing + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            for (String text : body) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                for (int at = 0; at < bytes.length; at += 8192) {
                    int n = Math.min(8192, bytes.length - at);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes, at, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private HttpResponse<String> createJob(String user, String body) throws Exception {
        return post(user, HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> post(String user, HttpRequest.BodyPublisher body) throws Exception {
        return client(PROXY).send(HttpRequest.newBuilder(uri("/api/jobs")).header("Authorization", "Bearer " + tokens.get(user))
            .header("Content-Type", "application/json").POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private UUID created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return UUID.fromString(json.readTree(response.body()).path("id").asString());
    }

    private void cancel(String user, UUID id) throws Exception {
        var answer = client(PROXY).send(HttpRequest.newBuilder(uri("/api/jobs/" + id + "/cancel"))
            .header("Authorization", "Bearer " + tokens.get(user)).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    }

    private void cancelAll(String user) throws Exception {
        for (UUID id : jdbc.queryForList("""
            SELECT j.id FROM jobs j JOIN users u ON u.id = j.created_by
            WHERE u.name = ? AND j.status IN ('pending', 'running') AND j.reason IS NULL""", UUID.class, user)) {
            cancel(user, id);
        }
    }

    private String status(UUID id) throws Exception {
        var answer = client(PROXY).send(HttpRequest.newBuilder(uri("/api/jobs/" + id))
            .header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(answer.body()).path("status").asString();
    }

    private long jobsOf(String user) {
        return jdbc.queryForObject("SELECT count(*) FROM jobs j JOIN users u ON u.id = j.created_by WHERE u.name = ?",
            Long.class, user);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
