package io.quaero.dev;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.quaero.browser.BrowserHeaders;
import io.quaero.contracts.sse.SseClient;
import io.quaero.infra.RealInfrastructure;
import io.quaero.web.config.WebUiSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * Issue 14 in the dev stack (every service in one process, one port, no nginx): every kind of
 * response carries the browser-hardening headers, streams keep their own, and a request under a
 * foreign Host name (DNS rebinding) is refused before anything answers it.
 */
@Import(TestCallers.class)
@SpringBootTest(classes = DevStackApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = RealInfrastructure.class)
class Issue14BrowserPolicyTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Autowired
    WebUiSettings web;

    @Autowired
    org.springframework.core.env.Environment env;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "/jobs",                          // a page (web-ui)
        "/jobs/not-a-uuid",               // a 400 page
        "/static/js/log-stream.js",       // a static file
        "/api/job-types",                 // job-service JSON
        "/api/jobs?limit=1",              // job-service JSON
        "/api/service/logs?limit=1",      // gateway JSON
        "/api/jobs/00000000-0000-0000-0000-000000000000/logs", // gateway 404 JSON
        "/no-such-path",                  // Spring's 404
        "/actuator/health"})
    void everyKindOfResponseCarriesTheBrowserHeaders(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertBrowserHeaders(response.headers(), path);
    }

    @Test
    void theAlpineScriptIsServedFromThisOriginWithTheHeaders() throws Exception {
        HttpResponse<String> response = get(web.alpineScriptPath());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).as("Alpine's CSP build").contains("CSP");
        assertBrowserHeaders(response.headers(), web.alpineScriptPath());
        assertThat(get("/jobs").body()).contains("src=\"" + web.alpineScriptPath() + "\"");
    }

    @Test
    void anEventStreamCarriesTheHeadersAndKeepsItsOwn() {
        try (var sse = SseClient.open(URI.create("http://localhost:" + port + "/api/service/logs/stream"))) {
            assertThat(sse.status()).isEqualTo(200);
            HttpHeaders headers = sse.response().headers();
            assertBrowserHeaders(headers, "service logs stream");
            assertThat(headers.firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            assertThat(headers.firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(headers.firstValue("X-Accel-Buffering")).hasValue("no");
        }
    }

    @ParameterizedTest(name = "Host {0}")
    @ValueSource(strings = {"evil.example", "evil.example:PORT", "localhost.evil.example:PORT", "192.168.1.10:PORT"})
    void aForeignHostIsRefusedWith400NamingTheHeader(String host) throws Exception {
        String response = getWithHost("/api/jobs?limit=1", host);
        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(response).contains("\"field\":\"Host\"").contains("quaero.http.allowed-hosts")
            .containsIgnoringCase("X-Content-Type-Options: nosniff");
    }

    @ParameterizedTest(name = "Host {0}")
    @ValueSource(strings = {"localhost:PORT", "127.0.0.1:PORT", "[::1]:PORT", "LocalHost:9000"})
    void aLoopbackHostIsAnswered(String host) throws Exception {
        assertThat(getWithHost("/api/job-types", host)).startsWith("HTTP/1.1 200");
    }

    @Test
    void theDevStackListensOnLoopbackOnly() {
        // Not probed by connecting to another interface: tests send traffic to loopback only.
        assertThat(env.getProperty("server.address", InetAddress.class)).isNotNull()
            .satisfies(a -> assertThat(a.isLoopbackAddress()).as(a.toString()).isTrue());
    }

    private static void assertBrowserHeaders(HttpHeaders headers, String what) {
        BrowserHeaders.HEADERS.forEach((name, value) ->
            assertThat(headers.allValues(name)).as(name + " of " + what).containsExactly(value));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A GET over a plain socket to loopback with the given Host header ({@code PORT} replaced by
     * the stack's): HttpClient will not send a Host of our choosing. The whole raw answer.
     */
    private String getWithHost(String path, String host) throws IOException {
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + host.replace("PORT", String.valueOf(port))
            + "\r\nAuthorization: Bearer " + TestCallers.ADMIN_TOKEN + "\r\nConnection: close\r\n\r\n";
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
