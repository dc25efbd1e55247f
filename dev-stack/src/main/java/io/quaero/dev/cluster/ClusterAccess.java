package io.quaero.dev.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import io.quaero.access.ApiTokens;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may do what in a {@code ./quaero cluster}: the key every service signs and checks sessions
 * with ({@code QUAERO_SESSION_KEYS}: a session signed by job-service must hold at every gateway),
 * and the admin job-service makes at its first start, with an API token ({@code
 * QUAERO_DEV_ADMIN_TOKEN}). Both are made once per run directory and kept there, readable by its
 * owner only ({@code session-keys}, {@code admin-token}), so a restarted service and a script find
 * them; {@code --fresh} does not touch them (the users are in the database it empties, and the
 * admin is made again with the same token).
 */
final class ClusterAccess {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String sessionKeys;
    private final String adminToken;

    private ClusterAccess(String sessionKeys, String adminToken) {
        this.sessionKeys = sessionKeys;
        this.adminToken = adminToken;
    }

    /** The run directory's keys and token, made on first use (the admin token from QUAERO_DEV_ADMIN_TOKEN when set). */
    static ClusterAccess in(Path runDir) throws IOException {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        String keys = kept(runDir.resolve("session-keys"), "k1:" + Base64.getEncoder().encodeToString(key));
        String fromEnv = System.getenv("QUAERO_DEV_ADMIN_TOKEN");
        String token = fromEnv != null && !fromEnv.isBlank() ? fromEnv : kept(runDir.resolve("admin-token"), ApiTokens.generate());
        return new ClusterAccess(keys, token);
    }

    private static String kept(Path file, String made) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, made + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return made;
    }

    /** What a service of {@code module} is started with: the keys; for job-service, the admin too. */
    Map<String, String> environment(String module) {
        return module.equals("job-service")
            ? Map.of("QUAERO_SESSION_KEYS", sessionKeys, "QUAERO_DEV_ADMIN", "true", "QUAERO_DEV_ADMIN_TOKEN", adminToken)
            : Map.of("QUAERO_SESSION_KEYS", sessionKeys);
    }

    String adminToken() {
        return adminToken;
    }

    /** A one-time sign-in link for the admin, from the admin API through the balancer. */
    String signInLink(HttpClient https, String balancer) throws IOException, InterruptedException {
        var response = https.send(HttpRequest.newBuilder(URI.create(balancer + "/api/admin/signin-links"))
            .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"admin\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException("the admin API answered " + response.statusCode() + ": " + response.body());
        }
        return balancer + JsonMapper.builder().build().readTree(response.body()).path("link").asString();
    }
}
