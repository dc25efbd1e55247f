package io.quaero.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import io.quaero.access.Role;
import io.quaero.access.TestCallers;
import io.quaero.infra.RealInfrastructure;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile input on every endpoint: every path variable, query parameter, header parameter and JSON
 * body that a controller of any service declares (found by reflection, so a new one is fuzzed
 * without a line here) gets random values, many of them chosen to break parsers — huge and
 * negative numbers, wrong JSON types, deep nesting, broken syntax, control characters, lone
 * surrogates, CR/LF, SQL and template fragments, very long strings. Whatever comes in, the answer
 * is never a 5xx, an API refusal is a JSON body naming its reason (a 400 also names the field),
 * and the stack is still healthy afterwards.
 *
 * <p>Reproducible: the seed is {@code quaero.fuzz.seed} (default fixed) and every failure names
 * the request. {@code quaero.fuzz.rounds} sets the requests per endpoint (default 60).
 */
@Import(TestCallers.class)
@SpringBootTest(classes = DevStackApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = RealInfrastructure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiFuzzTest {

    private static final long SEED = Long.getLong("quaero.fuzz.seed", 20261206L);
    private static final int ROUNDS = Integer.getInteger("quaero.fuzz.rounds", 60);
    private static final String VIEWER = "qt_fuzz-viewer-0000000000000000000000000000000000";
    /** The only user a fuzzed admin call may change: never the admin the test runs as. */
    private static final String TARGET_USER = "fuzz-target";

    /** A valid body per endpoint that takes one: mutations start from it. */
    private static final Map<String, String> VALID_BODIES = Map.of(
        "POST /api/jobs", "{\"type\":\"fuzz\",\"executor\":\"external\",\"team\":\"a\",\"params\":{\"n\":1}}",
        "POST /api/admin/users", "{\"name\":\"fuzz-new\",\"password\":\"long enough 1\",\"role\":\"viewer\",\"teams\":[\"a\"]}",
        "PATCH /api/admin/users/{name}", "{\"role\":\"viewer\",\"teams\":[\"a\"],\"disabled\":false,\"password\":\"long enough 2\"}",
        "POST /api/admin/tokens", "{\"user\":\"fuzz-target\",\"description\":\"d\",\"expires_in_days\":1}",
        "POST /api/admin/signin-links", "{\"user\":\"fuzz-target\"}",
        "POST /api/session", "{\"name\":\"fuzz-target\",\"password\":\"not the password\"}",
        "PUT /api/session/password", "{\"current\":\"not the password\",\"password\":\"long enough 3\"}",
        "PUT /api/admin/mask-patterns", "{\"patterns\":[\"fuzz-never-[0-9]{40}\"]}");

    /**
     * What puts back a change a fuzzed call made that would reach beyond this test: a mask pattern
     * applies to every line of every job (the stack is shared with other test classes).
     */
    private static final Map<String, String[]> UNDO = Map.of(
        "PUT /api/admin/mask-patterns", new String[] {"PUT", "/api/admin/mask-patterns", "{\"patterns\":[]}"});

    /** Strings that have broken parsers somewhere. */
    private static final List<String> HOSTILE = List.of(
        "", " ", "null", "undefined", "-1", "0", "1", "-0", "+1", " 1", "1 ", "1.5", "1e309", "-1e309", "NaN", "Infinity",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "99999999999999999999999999999999",
        "0x1F", "%", "%00", "%zz", "\u0000", "\u0007", "\t", "\r\n", "\r\nevent: logs\r\ndata: x\r\n\r\n",
        "../../../etc/passwd", "..%2F..%2F", "' OR '1'='1", "'; DROP TABLE jobs; --", "\\", "\"", "'", "`",
        "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/x}", "#{7*7}", "{{7*7}}", "%s%s%s%n", "*", "?", "&", "=", "#",
        "\uD800", "\uDFFF", "\uFFFF", "😀𝕏", "İıſ", "a".repeat(70), "x".repeat(5_000), "[]", "{}", "[{}]",
        "[{\"id\":\"c\",\"job\":\"not-a-uuid\"}]", "[{\"id\":\"c\"}]", "[{\"id\":\"c\",\"service\":\"yes\"}]",
        "2026-13-45T99:99:99Z", "00000000-0000-0000-0000-000000000000", "true", "false", "info", "ERROR", "warn,error");

    record Endpoint(String method, String pattern, List<String> pathVariables, List<String> params, List<String> headers,
                    boolean body) {

        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    org.springframework.context.ApplicationContext context;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private UUID job;

    @BeforeAll
    void aJobAndAUserToAimAt() throws Exception {
        TestCallers.create(jdbc, TARGET_USER, Role.VIEWER, Set.of("a"), "qt_fuzz-target-000000000000000000000000000000000");
        TestCallers.create(jdbc, "fuzz-viewer", Role.VIEWER, Set.of("a"), VIEWER);
        var made = send("POST", "/api/jobs", TestCallers.ADMIN_TOKEN, VALID_BODIES.get("POST /api/jobs"), Map.of());
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        job = UUID.fromString(json.readTree(made.body()).path("id").asString());
    }

    Stream<Endpoint> endpoints() {
        List<Endpoint> found = new ArrayList<>();
        context.getBeansOfType(org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping.class).values()
            .forEach(mapping -> mapping.getHandlerMethods().forEach((info, method) -> {
                if (method.getBeanType().getName().startsWith("io.quaero.")) {
                    found.addAll(endpoints(info, method));
                }
            }));
        return found.stream().sorted(java.util.Comparator.comparing(Endpoint::toString));
    }

    private static List<Endpoint> endpoints(RequestMappingInfo info, HandlerMethod method) {
        List<String> vars = new ArrayList<>();
        List<String> params = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        boolean body = false;
        for (var p : method.getMethodParameters()) {
            var pv = p.getParameterAnnotation(PathVariable.class);
            var rp = p.getParameterAnnotation(RequestParam.class);
            var rh = p.getParameterAnnotation(RequestHeader.class);
            if (pv != null) {
                vars.add(pv.name().isEmpty() ? p.getParameterName() : pv.name());
            } else if (rp != null) {
                params.add(rp.name().isEmpty() ? p.getParameterName() : rp.name());
            } else if (rh != null) {
                headers.add(rh.name());
            } else if (p.hasParameterAnnotation(RequestBody.class)) {
                body = true;
            }
        }
        List<Endpoint> out = new ArrayList<>();
        for (var m : info.getMethodsCondition().getMethods()) {
            for (String pattern : info.getPatternValues()) {
                out.add(new Endpoint(m.name(), pattern, vars, params, headers, body));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void hostileInputGetsAClear4xxNeverA5xx(Endpoint endpoint) throws Exception {
        Random random = new Random(SEED ^ endpoint.toString().hashCode());
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            String path = path(endpoint, random);
            String query = query(endpoint, random);
            String body = endpoint.body() ? body(endpoint, random) : null;
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h : endpoint.headers()) {
                if (random.nextBoolean()) {
                    headers.put(h, headerSafe(pick(random)));
                }
            }
            String token = random.nextInt(4) == 0 ? VIEWER : TestCallers.ADMIN_TOKEN;
            Answer answer;
            try {
                answer = send(endpoint.method(), path + query, token, body, headers);
            } catch (IllegalArgumentException unsendable) {
                continue; // a URI or header java.net.http itself refuses to send
            }
            String[] undo = UNDO.get(endpoint.toString());
            if (undo != null && answer.status() < 300) {
                assertThat(send(undo[0], undo[1], TestCallers.ADMIN_TOKEN, undo[2], Map.of()).status()).isLessThan(300);
            }
            String request = endpoint.method() + " " + path + query + (body == null ? "" : " body=" + abbreviate(body));
            if (answer.status() >= 500) {
                failures.add(answer.status() + " for " + request + ": " + abbreviate(answer.body()));
            } else if (path.startsWith("/api/") && answer.status() >= 400 && answer.status() != 406) {
                String problem = clearRefusal(answer);
                if (problem != null) {
                    failures.add(problem + " for " + request + ": " + abbreviate(answer.body()));
                }
            }
        }
        assertThat(failures).as("seed %d", SEED).isEmpty();
    }

    /**
     * Requests turned away before any controller, by Tomcat or by Spring Security's firewall, sent
     * byte for byte over a socket (java.net.http would refuse to send most of them).
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "GET /api/jobs/a%2Fb HTTP/1.1",            // an encoded slash: Tomcat
        "GET /api/jobs/a%5Cb HTTP/1.1",            // an encoded backslash: Tomcat
        "GET /api/jobs/a%25b HTTP/1.1",            // an encoded percent: the firewall
        "GET /api/jobs/a;b HTTP/1.1",              // a semicolon: the firewall
        "GET /api/jobs/%0d%0a HTTP/1.1",           // an encoded CR LF: the firewall
        "GET /api/jobs//logs HTTP/1.1",            // an empty segment: the firewall
        "GET /api/no-such-thing HTTP/1.1",         // no such path
        "BREW /api/jobs HTTP/1.1",                 // no such method
        "GET /api/jobs?limit=1 HTTP/1.1\r\nX-Big: LARGE", // a header section past Tomcat's limit
    })
    void requestsTurnedAwayBeforeAnyControllerAreAnsweredInJsonToo(String requestLine) throws Exception {
        String head = requestLine.replace("LARGE", "x".repeat(20_000));
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((head + "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TestCallers.ADMIN_TOKEN
                + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            assertThat(status).as(response).isBetween(400, 499);
            assertThat(clearRefusal(new Answer(status, dechunk(response, body)))).as(response).isNull();
        }
    }

    /** The body of a chunked HTTP/1.1 response, joined (one or a few chunks here). */
    private static String dechunk(String response, String body) {
        if (!response.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
            return body;
        }
        var out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    @AfterAll
    void theStackIsStillHealthy() throws Exception {
        var health = send("GET", "/actuator/health", null, null, Map.of("Accept", "application/json"));
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
    }

    /** Null when the refusal is clear: a JSON object naming the error, and for a 400 the field. */
    private @Nullable String clearRefusal(Answer answer) {
        JsonNode error;
        try {
            error = json.readTree(answer.body());
        } catch (RuntimeException e) {
            return "a " + answer.status() + " without a JSON body";
        }
        if (!error.path("error").isString()) {
            return "a " + answer.status() + " without \"error\"";
        }
        if (answer.status() == 400 && !error.path("field").isString()) {
            return "a 400 that names no field";
        }
        return null;
    }

    private String path(Endpoint endpoint, Random random) {
        String path = endpoint.pattern();
        for (String var : endpoint.pathVariables()) {
            String value = switch (random.nextInt(3)) {
                case 0 -> valid(var, random);
                default -> pathSafe(pick(random));
            };
            if (endpoint.pattern().startsWith("/api/admin/tokens/") && isSmallNumber(value)) {
                // A real token's id: revoking it would sign out the callers of the tests after this one.
                value = Integer.toString(Integer.MAX_VALUE);
            }
            path = path.replace("{" + var + "}", URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return path;
    }

    /**
     * A value that reaches the handler's logic: the fuzz target user; for an {@code id}, the job
     * made for this test or a token id nobody has (each is a malformed value for the other kind).
     */
    private String valid(String var, Random random) {
        return switch (var) {
            case "name" -> TARGET_USER;
            case "id" -> random.nextBoolean() ? job.toString() : Integer.toString(Integer.MAX_VALUE);
            default -> job.toString();
        };
    }

    private static boolean isSmallNumber(String value) {
        try {
            long n = Long.parseLong(value.strip());
            return n >= 0 && n < 1_000_000_000L;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private String query(Endpoint endpoint, Random random) {
        List<String> parts = new ArrayList<>();
        for (String param : endpoint.params()) {
            if (random.nextInt(3) > 0) {
                parts.add(param + "=" + URLEncoder.encode(pick(random), StandardCharsets.UTF_8));
            }
        }
        if (random.nextInt(5) == 0) {
            parts.add("unexpected=" + URLEncoder.encode(pick(random), StandardCharsets.UTF_8));
        }
        if (!parts.isEmpty() && random.nextInt(6) == 0) {
            parts.add(parts.getFirst()); // the same parameter twice
        }
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    private String body(Endpoint endpoint, Random random) {
        String valid = VALID_BODIES.getOrDefault(endpoint.toString(), "{}");
        return switch (random.nextInt(6)) {
            case 0 -> randomJson(random, 0);
            case 1 -> broken(random);
            default -> mutate(valid, random);
        };
    }

    /** The valid body with one field given a random value, removed, or an unknown field added. */
    private String mutate(String valid, Random random) {
        var node = (tools.jackson.databind.node.ObjectNode) json.readTree(valid);
        List<String> names = new ArrayList<>(node.propertyNames());
        if (names.isEmpty() || random.nextInt(5) == 0) {
            node.set("unexpected_" + random.nextInt(3), json.readTree(randomJson(random, 1)));
        } else {
            String name = names.get(random.nextInt(names.size()));
            if (random.nextInt(4) == 0) {
                node.remove(name);
            } else {
                node.set(name, json.readTree(randomJson(random, 1)));
            }
        }
        return node.toString();
    }

    private String randomJson(Random random, int depth) {
        int kind = depth > 2 ? random.nextInt(5) : random.nextInt(7);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> Boolean.toString(random.nextBoolean());
            case 2 -> List.of("0", "-1", "1", "1.5", "1e308", "-9223372036854775809", "12345678901234567890123", "3650", "3651",
                "2147483648").get(random.nextInt(10));
            case 3, 4 -> json.writeValueAsString(pick(random));
            case 5 -> {
                List<String> items = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    items.add(randomJson(random, depth + 1));
                }
                yield "[" + String.join(",", items) + "]";
            }
            default -> {
                List<String> fields = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    fields.add(json.writeValueAsString(pick(random)) + ":" + randomJson(random, depth + 1));
                }
                yield "{" + String.join(",", fields) + "}";
            }
        };
    }

    /** Not JSON, or JSON past what a parser should accept. */
    private static String broken(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> "{";
            case 1 -> "{\"type\":";
            case 2 -> "[1,2";
            case 3 -> "\u0000";
            case 4 -> "[".repeat(5_000) + "]".repeat(5_000);
            case 5 -> "{\"a\":" + "1".repeat(5_000) + "}";
            case 6 -> "{\"a\":\"" + "\\u0000".repeat(100) + "\"}";
            case 7 -> "{\"a\":1,\"a\":2}";
            default -> "not json at all";
        };
    }

    private static String pick(Random random) {
        return HOSTILE.get(random.nextInt(HOSTILE.size()));
    }

    /** A path segment java.net.http can carry (it is percent-encoded; a lone surrogate is not encodable). */
    private static String pathSafe(String value) {
        return value.chars().anyMatch(c -> Character.isSurrogate((char) c)) ? "surrogate" : value;
    }

    /** Header values are one line of visible ASCII for java.net.http; the rest is what a browser could send anyway. */
    private static String headerSafe(String value) {
        return value.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    record Answer(int status, String body) {
    }

    private Answer send(String method, String pathAndQuery, @Nullable String token, @Nullable String body, Map<String, String> headers)
        throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        if (!headers.containsKey("Accept")) {
            request.header("Accept", "application/json, text/event-stream, text/html;q=0.5");
        }
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            boolean stream = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            return new Answer(response.statusCode(), stream ? "" : new String(in.readNBytes(16_384), StandardCharsets.UTF_8));
        }
    }
}
