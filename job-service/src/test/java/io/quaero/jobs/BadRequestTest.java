package io.quaero.jobs;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** Every malformed request gets a 4xx JSON answer naming the field, and changes nothing. */
@JobServiceWithIngestTest
class BadRequestTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
        {"type":                                                     | 400 | $
        [1, 2]                                                       | 400 | $
        {}                                                           | 400 | type
        {"type": 5}                                                  | 400 | type
        {"type": "has space"}                                        | 400 | type
        {"type": "demo", "colour": "red"}                            | 400 | colour
        {"type": "no-such-type"}                                     | 400 | type
        {"type": "demo", "executor": "cloud"}                        | 400 | executor
        {"type": "demo", "params": [1]}                              | 400 | params
        {"type": "demo", "params": {"speed": 1}}                     | 400 | params.speed
        {"type": "load", "params": {"rate": "fast"}}                 | 400 | params.rate
        {"type": "load", "params": {"rate": 1.5}}                    | 400 | params.rate
        {"type": "load", "params": {"rate": 0}}                      | 400 | params.rate
        {"type": "load", "params": {"duration_s": 99999999999999}}   | 400 | params.duration_s
        {"type": "x", "executor": "external", "params": "p"}         | 400 | params
        """)
    void aBadJobRequestIsRefusedNamingTheFieldAndCreatesNothing(String body, int status, String field) throws Exception {
        long jobsBefore = jobs();

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/jobs")).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN)
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(response.body()).contains("\"field\":\"" + field + "\"").contains("\"message\":");
        assertThat(jobs()).isEqualTo(jobsBefore);
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
        GET  | /api/jobs?status=done                          | 400 | status
        GET  | /api/jobs?limit=0                              | 400 | limit
        GET  | /api/jobs?limit=many                           | 400 | limit
        GET  | /api/jobs?before=yesterday                     | 400 | before
        GET  | /api/jobs/not-a-uuid                           | 400 | id
        GET  | /api/jobs/00000000-0000-4000-8000-000000000000 | 404 | id
        POST | /api/jobs/00000000-0000-4000-8000-000000000000/cancel | 404 | id
        POST | /api/jobs/not-a-uuid/cancel                    | 400 | id
        """)
    void aBadQueryIsRefusedNamingTheParameter(String method, String path, int status, String field) throws Exception {
        var request = HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN);
        HttpResponse<String> response = send(method.equals("GET") ? request.GET().build()
            : request.POST(HttpRequest.BodyPublishers.noBody()).build());

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.body()).contains("\"field\":\"" + field + "\"");
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedWith415() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/jobs")).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN)
            .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("type=demo")).build());

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.body()).contains("\"field\":\"Content-Type\"");
    }

    @Test
    void paramsOfAnExternalJobAreKeptVerbatimButBounded() throws Exception {
        String big = "x".repeat(20_000);
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/jobs")).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"x\",\"executor\":\"external\",\"params\":{\"blob\":\"" + big + "\"}}"))
            .build());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("\"field\":\"params\"");
    }

    private long jobs() {
        return jdbc.queryForObject("SELECT count(*) FROM jobs", Long.class);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
