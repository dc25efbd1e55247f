package io.quaero.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.quaero.access.Role;
import io.quaero.access.TestCallers;
import io.quaero.infra.RealInfrastructure;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every endpoint of every service, called by every kind of caller, over real HTTP against the dev
 * stack: the table below is the specification, one row per endpoint, one column per caller. A
 * controller endpoint missing from the table fails {@link #everyEndpointIsInTheTable}, so a new
 * endpoint cannot ship without saying who may call it.
 *
 * <p>The callers: nobody (no credential), a viewer and an operator of team {@code a}, an admin,
 * and an operator of team {@code b}, who must find team {@code a}'s job not found (404) on every
 * endpoint that names it, streams included.
 *
 * <p>Placeholders: {@code {job}} is a job of team {@code a} made once; {@code {fresh-job}} a new
 * one for each call (cancel and re-run change it); {@code {fresh-token}} a new API token's id;
 * {@code {fresh-user}} a new name; {@code {user}} a user made for this table.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = DevStackApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = RealInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointAccessMatrixTest {

    private static final String VIEWER = "qt_matrix-viewer-a-000000000000000000000000000000";
    private static final String OPERATOR = "qt_matrix-operator-a-0000000000000000000000000000";
    private static final String OTHER_TEAM = "qt_matrix-operator-b-0000000000000000000000000000";
    private static final List<String> CALLERS = List.of("nobody", "viewer", "operator", "admin", "other-team");

    /**
     * method, path, body (- for none), then the status each caller gets, in the order of
     * {@link #CALLERS}. Pages answer nobody with 302 to the sign-in page; the API with 401, except
     * that a change without a credential is refused first for its missing CSRF header (403 naming
     * {@code X-XSRF-TOKEN}: a browser's cookie-borne request must carry it, signed in or not).
     */
    private static final String TABLE = """
        GET    /api/jobs                         -                                                  401 200 200 200 200
        POST   /api/jobs                         {"type":"m","executor":"external","team":"a"}     403 403 201 201 400
        GET    /api/jobs/{job}                   -                                                  401 200 200 200 404
        POST   /api/jobs/{fresh-job}/cancel      -                                                  403 403 202 202 404
        POST   /api/jobs/{fresh-job}/rerun       -                                                  403 403 201 201 404
        GET    /api/job-types                    -                                                  401 200 200 200 200
        GET    /api/jobs/{job}/logs              -                                                  401 200 200 200 404
        GET    /api/jobs/{job}/logs/download     -                                                  401 200 200 200 404
        GET    /api/jobs/{job}/logs/raw          -                                                  401 200 200 200 404
        GET    /api/jobs/{job}/logs/range        -                                                  401 200 200 200 404
        GET    /api/jobs/{job}/logs/matches      -                                                  401 200 200 200 404
        GET    /api/jobs/{job}/logs/stream       -                                                  401 200 200 200 404
        GET    /api/streams?channels={channels}  -                                                  401 200 200 200 200
        GET    /api/job-status/stream            -                                                  401 200 200 200 200
        GET    /api/service/logs                 -                                                  401 403 403 200 403
        GET    /api/service/logs/stream          -                                                  401 403 403 200 403
        POST   /api/admin/users                  {"name":"{fresh-user}","password":"long enough 1","role":"viewer","teams":["a"]}  403 403 403 201 403
        GET    /api/admin/users                  -                                                  401 403 403 200 403
        PATCH  /api/admin/users/{user}           {"teams":["a","c"]}                                403 403 403 200 403
        POST   /api/admin/tokens                 {"user":"{user}"}                                  403 403 403 201 403
        GET    /api/admin/tokens                 -                                                  401 403 403 200 403
        DELETE /api/admin/tokens/{fresh-token}   -                                                  403 403 403 204 403
        POST   /api/admin/signin-links           {"user":"{user}"}                                  403 403 403 201 403
        GET    /api/admin/audit                  -                                                  401 403 403 200 403
        DELETE /api/admin/jobs/{fresh-job}/logs  -                                                  403 403 403 200 403
        GET    /api/admin/mask-patterns          -                                                  401 403 403 200 403
        PUT    /api/admin/mask-patterns          {"patterns":["matrix-never-[0-9]{40}"]}            403 403 403 200 403
        POST   /api/session                      {"name":"{user}","password":"not the password"}    403 401 401 401 401
        GET    /api/session                      -                                                  401 200 200 200 200
        PUT    /api/session/password             {"current":"not the password","password":"long enough 2"}  403 403 403 403 403
        DELETE /api/session                      -                                                  403 204 204 204 204
        GET    /api/session/link?token=spent     -                                                  303 303 303 303 303
        GET    /                                 -                                                  302 302 302 302 302
        GET    /jobs                             -                                                  302 200 200 200 200
        GET    /jobs/{job}                       -                                                  302 200 200 200 200
        GET    /signin                           -                                                  200 200 200 200 200
        GET    /service-logs                     -                                                  302 403 403 200 403
        GET    /actuator/health                  -                                                  200 200 200 200 200
        GET    /actuator/prometheus              -                                                  200 200 200 200 200
        GET    /actuator/metrics                 -                                                  401 403 403 200 403
        GET    /actuator/info                    -                                                  401 403 403 200 403
        """;

    record Row(String method, String path, @Nullable String body, Map<String, Integer> statusByCaller) {

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ApplicationContext context;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();
    private final AtomicInteger made = new AtomicInteger();
    private UUID job;

    @BeforeAll
    void callersAndAJobOfTeamA() throws Exception {
        TestCallers.create(jdbc, "matrix-viewer", Role.VIEWER, Set.of("a"), VIEWER);
        TestCallers.create(jdbc, "matrix-operator", Role.OPERATOR, Set.of("a"), OPERATOR);
        TestCallers.create(jdbc, "matrix-other", Role.OPERATOR, Set.of("b"), OTHER_TEAM);
        TestCallers.create(jdbc, "matrix-user", Role.VIEWER, Set.of("a"), "qt_matrix-user-00000000000000000000000000000000000");
        job = newJob();
    }

    static Stream<Row> table() {
        return TABLE.lines().filter(l -> !l.isBlank()).map(EndpointAccessMatrixTest::row);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void eachCallerGetsWhatTheTableSays(Row row) throws Exception {
        Map<String, Integer> got = new LinkedHashMap<>();
        Map<String, String> bodies = new LinkedHashMap<>();
        for (String caller : CALLERS) {
            String path = fill(row.path());
            var response = send(row.method(), path, token(caller), row.body() == null ? null : fill(row.body()));
            got.put(caller, response.status());
            bodies.put(caller, response.body());
        }
        assertThat(got).as("%s %s, answers %s", row.method(), row.path(), bodies).isEqualTo(row.statusByCaller());
        bodies.forEach((caller, body) -> {
            int status = got.get(caller);
            if (row.path().startsWith("/api/") && (status == 401 || status == 403 || status == 404)) {
                assertThat(body).as("%s's refusal names its reason", caller).contains("\"error\":");
            }
        });
    }

    /** A new endpoint must say who may call it: it gets a row above. */
    @Test
    void everyEndpointIsInTheTable() {
        Set<String> inTable = new TreeSet<>();
        table().forEach(r -> inTable.add(r.method() + " " + pattern(r.path())));
        Set<String> served = new TreeSet<>();
        context.getBeansOfType(RequestMappingHandlerMapping.class).values().forEach(mapping ->
            mapping.getHandlerMethods().forEach((info, method) -> {
                if (method.getBeanType().getName().startsWith("io.quaero.")) {
                    for (var m : info.getMethodsCondition().getMethods()) {
                        for (String p : info.getPatternValues()) {
                            served.add(m.name() + " " + p);
                        }
                    }
                }
            }));
        assertThat(inTable).containsAll(served);
    }

    private static final Pattern LINE = Pattern.compile("(\\S+)\\s+(\\S+)\\s+(.+?)((?:\\s+\\d{3}){5})");

    private static Row row(String line) {
        Matcher m = LINE.matcher(line.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a table row: " + line);
        }
        String[] statuses = m.group(4).trim().split("\\s+");
        Map<String, Integer> byCaller = new LinkedHashMap<>();
        for (int i = 0; i < CALLERS.size(); i++) {
            byCaller.put(CALLERS.get(i), Integer.parseInt(statuses[i]));
        }
        return new Row(m.group(1), m.group(2), m.group(3).equals("-") ? null : m.group(3), byCaller);
    }

    /** The Spring pattern a table path stands for: placeholders become path variables, the query goes. */
    private static String pattern(String path) {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        return p.replace("{job}", "{id}").replace("{fresh-job}", "{id}").replace("{fresh-token}", "{id}").replace("{user}", "{name}");
    }

    private String fill(String template) throws Exception {
        String s = template.replace("{job}", job.toString()).replace("{user}", "matrix-user");
        if (s.contains("{fresh-job}")) {
            s = s.replace("{fresh-job}", newJob().toString());
        }
        if (s.contains("{fresh-user}")) {
            s = s.replace("{fresh-user}", "matrix-new-" + made.incrementAndGet());
        }
        if (s.contains("{fresh-token}")) {
            var response = send("POST", "/api/admin/tokens", TestCallers.ADMIN_TOKEN, "{\"user\":\"matrix-user\",\"description\":\"matrix\"}");
            assertThat(response.status()).isEqualTo(201);
            long id = 0;
            for (var t : json.readTree(send("GET", "/api/admin/tokens", TestCallers.ADMIN_TOKEN, null).body()).path("tokens")) {
                id = Math.max(id, t.path("id").asLong());
            }
            s = s.replace("{fresh-token}", Long.toString(id));
        }
        if (s.contains("{channels}")) {
            s = s.replace("{channels}", URLEncoder.encode("[{\"id\":\"j\",\"job\":\"" + job + "\"}]", StandardCharsets.UTF_8));
        }
        return s;
    }

    private UUID newJob() throws Exception {
        var response = send("POST", "/api/jobs", TestCallers.ADMIN_TOKEN, "{\"type\":\"matrix\",\"executor\":\"external\",\"team\":\"a\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return UUID.fromString(json.readTree(response.body()).path("id").asString());
    }

    private static @Nullable String token(String caller) {
        return switch (caller) {
            case "viewer" -> VIEWER;
            case "operator" -> OPERATOR;
            case "admin" -> TestCallers.ADMIN_TOKEN;
            case "other-team" -> OTHER_TEAM;
            default -> null;
        };
    }

    record Answer(int status, String body) {
    }

    /** One call; a stream is read only up to its status and closed (its body never ends). */
    private Answer send(String method, String path, @Nullable String token, @Nullable String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).method(method,
            body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.header("Accept", path.startsWith("/api/") ? "application/json, text/event-stream"
            : path.startsWith("/actuator/") ? "*/*" : "text/html");
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            boolean stream = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            String text = stream ? "" : new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
            return new Answer(response.statusCode(), text);
        }
    }
}
