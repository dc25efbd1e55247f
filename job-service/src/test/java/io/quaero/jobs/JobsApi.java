package io.quaero.jobs;

import io.quaero.access.TestCallers;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The jobs API over real HTTP, as a browser or a worker in another language calls it. */
final class JobsApi {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    JobsApi(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    record Answer(int status, JsonNode body, HttpResponse<String> raw) {
    }

    Answer post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    Answer post(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TestCallers.ADMIN_TOKEN).GET().build());
    }

    /** Creates a job and returns its id, checking the 201 and its Location. */
    UUID create(String json) {
        Answer created = post("/api/jobs", json);
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        UUID id = UUID.fromString(created.body().get("id").stringValue());
        assertThat(created.raw().headers().firstValue("Location")).hasValue("/api/jobs/" + id);
        return id;
    }

    JsonNode job(UUID id) {
        Answer answer = get("/api/jobs/" + id);
        assertThat(answer.status()).isEqualTo(200);
        return answer.body();
    }

    String status(UUID id) {
        return job(id).get("status").stringValue();
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Answer(response.statusCode(), body, response);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
