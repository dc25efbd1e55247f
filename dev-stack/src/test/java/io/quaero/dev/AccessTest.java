package io.quaero.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.quaero.access.Role;
import io.quaero.access.TestCallers;
import io.quaero.contracts.sse.ResetPayload;
import io.quaero.contracts.sse.SseClient;
import io.quaero.contracts.sse.SseEvents;
import io.quaero.contracts.sse.SseFrame;
import io.quaero.infra.RealInfrastructure;
import org.jspecify.annotations.Nullable;
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
 * Who may see and do what, against every service of the dev stack over real HTTP (the full
 * table of endpoints by caller is {@link EndpointAccessMatrixTest}): per-team isolation (another team's job is a 404, streams
 * included), signing in with a password (cookie, CSRF), and a stream ending when its session is
 * signed out or its token revoked.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = DevStackApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = RealInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String VIEWER_A = "qt_access-test-viewer-a-000000000000000000000000";
    private static final String OPERATOR_A = "qt_access-test-operator-a-0000000000000000000000";
    private static final String OPERATOR_B = "qt_access-test-operator-b-0000000000000000000000";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private UUID jobOfA;
    private UUID jobOfB;

    @BeforeAll
    void usersAndJobsOfTwoTeams() throws Exception {
        TestCallers.create(jdbc, "viewer-a", Role.VIEWER, Set.of("a"), VIEWER_A);
        TestCallers.create(jdbc, "operator-a", Role.OPERATOR, Set.of("a"), OPERATOR_A);
        TestCallers.create(jdbc, "operator-b", Role.OPERATOR, Set.of("b"), OPERATOR_B);
        jobOfA = created(send("POST", "/api/jobs", OPERATOR_A, "{\"type\":\"team-a-job\",\"executor\":\"external\"}"));
        jobOfB = created(send("POST", "/api/jobs", OPERATOR_B, "{\"type\":\"team-b-job\",\"executor\":\"external\"}"));
    }

    @Test
    void withoutCredentialsTheApiAnswers401NamingWhatIsMissingAndPagesSendToSignIn() throws Exception {
        var api = send("GET", "/api/jobs", null, null);
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.body()).contains("\"error\":\"unauthenticated\"").contains("quaero_session");
        var stream = SseClient.open(uri("/api/jobs/" + jobOfA + "/logs/stream"), Map.of("Authorization", ""));
        assertThat(stream.status()).as("a stream without a credential").isEqualTo(401);
        stream.close();

        var page = http.send(HttpRequest.newBuilder(uri("/jobs/" + jobOfA)).header("Accept", "text/html").build(),
            HttpResponse.BodyHandlers.discarding());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l)
            .endsWith("/signin?next=%2Fjobs%2F" + jobOfA));
        assertThat(send("GET", "/signin", null, null).statusCode()).isEqualTo(200);
        var health = send("GET", "/actuator/health", null, null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).as("health details are for admins").doesNotContain("components");
    }

    @Test
    void aViewerSeesOnlyTheirTeamsJobsAndAnotherTeamsJobIsNotFoundOnEveryEndpoint() throws Exception {
        JsonNode list = json.readTree(send("GET", "/api/jobs?limit=100", VIEWER_A, null).body());
        List<String> ids = new ArrayList<>();
        list.path("jobs").forEach(j -> ids.add(j.path("id").asString()));
        assertThat(ids).contains(jobOfA.toString()).doesNotContain(jobOfB.toString());
        assertThat(json.readTree(send("GET", "/api/jobs/" + jobOfA, VIEWER_A, null).body()).path("team").asString()).isEqualTo("a");

        for (String path : List.of("/api/jobs/%s", "/api/jobs/%s/logs", "/api/jobs/%s/logs/download")) {
            assertThat(send("GET", path.formatted(jobOfA), VIEWER_A, null).statusCode()).as(path).isEqualTo(200);
            var other = send("GET", path.formatted(jobOfB), VIEWER_A, null);
            assertThat(other.statusCode()).as(path + " of another team's job").isEqualTo(404);
            assertThat(other.body()).contains("\"error\":\"not_found\"");
        }
        try (var own = SseClient.open(uri("/api/jobs/" + jobOfA + "/logs/stream"), bearer(VIEWER_A));
             var other = SseClient.open(uri("/api/jobs/" + jobOfB + "/logs/stream"), bearer(VIEWER_A))) {
            assertThat(own.status()).isEqualTo(200);
            assertThat(own.next(SseEvents.STATUS, WAIT)).isNotNull();
            assertThat(other.status()).as("another team's job stream").isEqualTo(404);
        }
        // The browser's one connection: another team's job channel ends unknown, the service logs not allowed.
        String channels = "[{\"id\":\"own\",\"job\":\"%s\"},{\"id\":\"other\",\"job\":\"%s\"},{\"id\":\"svc\",\"service\":true}]"
            .formatted(jobOfA, jobOfB);
        try (var shared = SseClient.open(uri("/api/streams?channels=" + java.net.URLEncoder.encode(channels,
            java.nio.charset.StandardCharsets.UTF_8)), bearer(VIEWER_A))) {
            assertThat(shared.status()).isEqualTo(200);
            List<String> resets = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                SseFrame reset = shared.next(SseEvents.RESET, WAIT);
                assertThat(reset).isNotNull();
                resets.add(reset.data());
            }
            assertThat(String.join("\n", resets)).contains("other\n{\"reason\":\"unknown-job\"").contains("svc\n{\"reason\":\"not-allowed\"");
        }
    }

    @Test
    void anOperatorCreatesAndCancelsOnlyForTheirOwnTeams() throws Exception {
        var forB = send("POST", "/api/jobs", OPERATOR_A, "{\"type\":\"x\",\"executor\":\"external\",\"team\":\"b\"}");
        assertThat(forB.statusCode()).isEqualTo(400);
        assertThat(forB.body()).contains("\"field\":\"team\"");
        assertThat(send("POST", "/api/jobs/" + jobOfB + "/cancel", OPERATOR_A, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/api/jobs/" + jobOfB, TestCallers.ADMIN_TOKEN, null).statusCode()).as("an admin sees every team").isEqualTo(200);
    }

    @Test
    void theJobsFeedCarriesOnlyTheCallersTeamsChanges() throws Exception {
        UUID a = created(send("POST", "/api/jobs", OPERATOR_A, "{\"type\":\"feed-a\",\"executor\":\"external\"}"));
        UUID b = created(send("POST", "/api/jobs", OPERATOR_B, "{\"type\":\"feed-b\",\"executor\":\"external\"}"));
        try (var feed = SseClient.open(uri("/api/job-status/stream"), bearer(VIEWER_A))) {
            assertThat(feed.status()).isEqualTo(200);
            assertThat(send("POST", "/api/jobs/" + b + "/cancel", OPERATOR_B, null).statusCode()).isEqualTo(202);
            assertThat(send("POST", "/api/jobs/" + a + "/cancel", OPERATOR_A, null).statusCode()).isEqualTo(202);
            List<String> seen = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                SseFrame f = feed.next(SseEvents.STATUS, Duration.ofSeconds(1));
                if (f != null) {
                    seen.add(f.data());
                }
                return seen.stream().anyMatch(d -> d.contains(a.toString()) && d.contains("cancelled"));
            });
            assertThat(seen).as("team b's change, published before team a's").noneMatch(d -> d.contains(b.toString()));
        }
    }

    @Test
    void aUserSignsInWithAPasswordGetsAnHttpOnlyCookieAndASignOutEndsTheirOpenStream() throws Exception {
        var made = send("POST", "/api/admin/users", TestCallers.ADMIN_TOKEN,
            "{\"name\":\"access-alice\",\"password\":\"correct horse battery\",\"role\":\"viewer\",\"teams\":[\"a\"]}");
        assertThat(made.statusCode()).as(made.body()).isIn(201, 409);

        // The sign-in page hands out the CSRF cookie; a sign-in without the header is refused.
        String xsrf = cookie(send("GET", "/signin", null, null), "XSRF-TOKEN");
        var noCsrf = send("POST", "/api/session", null, "{\"name\":\"access-alice\",\"password\":\"correct horse battery\"}",
            "Cookie", "XSRF-TOKEN=" + xsrf);
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(noCsrf.body()).contains("X-XSRF-TOKEN");
        var wrong = send("POST", "/api/session", null, "{\"name\":\"access-alice\",\"password\":\"wrong horse battery\"}",
            "Cookie", "XSRF-TOKEN=" + xsrf, "X-XSRF-TOKEN", xsrf);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("\"field\":\"password\"");

        var signedIn = send("POST", "/api/session", null, "{\"name\":\"access-alice\",\"password\":\"correct horse battery\"}",
            "Cookie", "XSRF-TOKEN=" + xsrf, "X-XSRF-TOKEN", xsrf);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        String setCookie = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("quaero_session=")).findFirst()
            .orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/");
        String session = cookie(signedIn, "quaero_session");
        String cookies = "quaero_session=" + session + "; XSRF-TOKEN=" + xsrf;
        assertThat(send("GET", "/api/session", null, null, "Cookie", cookies).body()).contains("\"name\":\"access-alice\"");

        try (var stream = SseClient.open(uri("/api/jobs/" + jobOfA + "/logs/stream"), Map.of("Cookie", cookies, "Authorization", ""))) {
            assertThat(stream.status()).isEqualTo(200);
            assertThat(send("DELETE", "/api/session", null, null, "Cookie", cookies, "X-XSRF-TOKEN", xsrf).statusCode()).isEqualTo(204);
            SseFrame reset = stream.next(SseEvents.RESET, WAIT);
            assertThat(reset).as("the open stream ends within a ping interval").isNotNull();
            assertThat(reset.data(ResetPayload.class).reason()).isEqualTo("signed-out");
        }
        assertThat(send("GET", "/api/session", null, null, "Cookie", cookies).statusCode()).as("the old cookie after sign-out")
            .isEqualTo(401);
    }

    @Test
    void repeatedWrongPasswordsForOneNameAreSlowedDownWith429() throws Exception {
        var made = send("POST", "/api/admin/users", TestCallers.ADMIN_TOKEN,
            "{\"name\":\"guessed\",\"password\":\"correct horse battery\",\"role\":\"viewer\",\"teams\":[\"a\"]}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        String xsrf = cookie(send("GET", "/signin", null, null), "XSRF-TOKEN");
        String[] csrf = {"Cookie", "XSRF-TOKEN=" + xsrf, "X-XSRF-TOKEN", xsrf};
        for (int i = 0; i < 5; i++) {
            assertThat(send("POST", "/api/session", null, "{\"name\":\"guessed\",\"password\":\"guess " + i + "\"}", csrf).statusCode())
                .isEqualTo(401);
        }
        var slowed = send("POST", "/api/session", null, "{\"name\":\"guessed\",\"password\":\"correct horse battery\"}", csrf);
        assertThat(slowed.statusCode()).as("even the right password waits its turn").isEqualTo(429);
        assertThat(slowed.headers().firstValue("Retry-After")).hasValueSatisfying(s -> assertThat(Integer.parseInt(s)).isBetween(1, 2));
        assertThat(slowed.body()).contains("\"error\":\"too_many_attempts\"").contains("\"field\":\"password\"");
        await().atMost(WAIT).until(() -> send("POST", "/api/session", null,
            "{\"name\":\"guessed\",\"password\":\"correct horse battery\"}", csrf).statusCode() == 200);
    }

    @Test
    void aRevokedApiTokenIsRefusedAtOnce() throws Exception {
        var made = send("POST", "/api/admin/tokens", TestCallers.ADMIN_TOKEN, "{\"user\":\"viewer-a\",\"description\":\"to revoke\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        String token = json.readTree(made.body()).path("token").asString();
        assertThat(token).startsWith("qt_");
        assertThat(send("GET", "/api/jobs", token, null).statusCode()).isEqualTo(200);
        long id = -1;
        for (JsonNode t : json.readTree(send("GET", "/api/admin/tokens", TestCallers.ADMIN_TOKEN, null).body()).path("tokens")) {
            if ("to revoke".equals(t.path("description").asString())) {
                id = t.path("id").asLong();
            }
        }
        assertThat(send("DELETE", "/api/admin/tokens/" + id, TestCallers.ADMIN_TOKEN, null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/api/jobs", token, null).statusCode()).isEqualTo(401);
        assertThat(json.readTree(send("GET", "/api/admin/tokens", TestCallers.ADMIN_TOKEN, null).body()).toString())
            .as("a token is never listed, only its facts").doesNotContain(token);
    }

    @Test
    void anOperatorReRunsAJobAsANewJobOfTheSameTypeParamsAndTeam() throws Exception {
        UUID original = created(send("POST", "/api/jobs", OPERATOR_A,
            "{\"type\":\"nightly-export\",\"executor\":\"external\",\"params\":{\"region\":\"eu\"}}"));
        var rerun = send("POST", "/api/jobs/" + original + "/rerun", OPERATOR_A, null);
        UUID again = created(rerun);
        assertThat(again).isNotEqualTo(original);
        assertThat(rerun.headers().firstValue("Location")).hasValue("/api/jobs/" + again);
        JsonNode job = json.readTree(send("GET", "/api/jobs/" + again, VIEWER_A, null).body());
        assertThat(job.path("type").asString()).isEqualTo("nightly-export");
        assertThat(job.path("team").asString()).isEqualTo("a");
        assertThat(job.path("params").toString()).isEqualTo("{\"region\":\"eu\"}");
        assertThat(send("POST", "/api/jobs/" + original + "/rerun", OPERATOR_B, null).statusCode())
            .as("another team's job cannot be re-run, nor learnt of").isEqualTo(404);
    }

    @Test
    void anAdminChangesAUserAndTheChangeHoldsAtOnceForTheirTokenAndEndsTheirSessions() throws Exception {
        String token = "qt_access-test-changed-user-00000000000000000000";
        TestCallers.create(jdbc, "changed-user", Role.OPERATOR, Set.of("a"), token);
        assertThat(send("GET", "/api/jobs/" + jobOfA, token, null).statusCode()).isEqualTo(200);

        var moved = send("PATCH", "/api/admin/users/changed-user", TestCallers.ADMIN_TOKEN, "{\"teams\":[\"b\"],\"role\":\"viewer\"}");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        assertThat(moved.body()).contains("\"role\":\"viewer\"").contains("\"teams\":[\"b\"]");
        // The token acts with the user's role and teams as they are now (this instance forgot what it remembered).
        await().atMost(WAIT).until(() -> send("GET", "/api/jobs/" + jobOfA, token, null).statusCode() == 404);
        assertThat(send("GET", "/api/jobs/" + jobOfB, token, null).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/api/jobs/" + jobOfB + "/cancel", token, null).statusCode()).as("now a viewer").isEqualTo(403);

        assertThat(send("PATCH", "/api/admin/users/changed-user", TestCallers.ADMIN_TOKEN, "{\"disabled\":true}").statusCode())
            .isEqualTo(200);
        await().atMost(WAIT).until(() -> send("GET", "/api/session", token, null).statusCode() == 401);

        var unknown = send("PATCH", "/api/admin/users/nobody-such", TestCallers.ADMIN_TOKEN, "{\"disabled\":true}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        var badField = send("PATCH", "/api/admin/users/changed-user", TestCallers.ADMIN_TOKEN, "{\"disabled\":\"yes\"}");
        assertThat(badField.statusCode()).isEqualTo(400);
        assertThat(badField.body()).contains("\"field\":\"disabled\"");
    }

    @Test
    void theLastEnabledAdminCannotBeDemotedOrDisabled() throws Exception {
        jdbc.update("UPDATE users SET disabled = true WHERE role = 'admin' AND name <> 'test-admin'");
        try {
            var demote = send("PATCH", "/api/admin/users/test-admin", TestCallers.ADMIN_TOKEN, "{\"role\":\"operator\"}");
            assertThat(demote.statusCode()).as(demote.body()).isEqualTo(409);
            assertThat(demote.body()).contains("\"field\":\"role\"");
            var disable = send("PATCH", "/api/admin/users/test-admin", TestCallers.ADMIN_TOKEN, "{\"disabled\":true}");
            assertThat(disable.statusCode()).isEqualTo(409);
            assertThat(send("GET", "/api/admin/users", TestCallers.ADMIN_TOKEN, null).statusCode()).as("nothing of it was kept")
                .isEqualTo(200);
        } finally {
            jdbc.update("UPDATE users SET disabled = false WHERE role = 'admin'");
        }
    }

    private HttpResponse<String> send(String method, String path, @Nullable String token, @Nullable String body, String... headers)
        throws Exception {
        var request = HttpRequest.newBuilder(uri(path)).method(method,
            body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private UUID created(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return UUID.fromString(json.readTree(response.body()).path("id").asString());
    }

    private static String cookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
            .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';'))).findFirst()
            .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + response.headers().map()));
    }

    private static Map<String, String> bearer(String token) {
        return TestCallers.bearer(token);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
