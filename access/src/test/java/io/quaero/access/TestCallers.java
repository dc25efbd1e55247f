package io.quaero.access;

import java.util.Map;
import java.util.Set;

import io.quaero.contracts.sse.SseClient;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Callers for tests that talk to real services over HTTP: users with a role and teams, each with
 * an API token, written straight into the tables job-service owns (as its admin API would). Import
 * it into a test context ({@code @Import(TestCallers.class)}): once the context is up, the admin
 * {@link #ADMIN_TOKEN} exists and every {@link SseClient} stream of the JVM carries it unless a
 * call gives its own {@code Authorization}.
 */
public class TestCallers implements ApplicationRunner {

    /** The test admin's API token (team {@code default}). */
    public static final String ADMIN_TOKEN = ApiTokens.PREFIX + "test-admin-token-0000000000000000000000000000";
    /**
     * Session keys for tests that run services in several processes (a session signed by one must
     * hold in the others): {@code quaero.access.session-keys}.
     */
    public static final String SESSION_KEYS = "test:" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
    /** Its team: jobs created over REST by the test admin belong to it. */
    public static final String TEAM = "default";

    private final JdbcTemplate jdbc;

    public TestCallers(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void run(ApplicationArguments args) {
        create(jdbc, "test-admin", Role.ADMIN, Set.of(TEAM), ADMIN_TOKEN);
        SseClient.defaultHeaders(admin());
    }

    /** The {@code Authorization} header of the test admin. */
    public static Map<String, String> admin() {
        return bearer(ADMIN_TOKEN);
    }

    public static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    /** A user with {@code token} as API token (both made if missing; the password is unusable). */
    public static void create(JdbcTemplate jdbc, String name, Role role, Set<String> teams, String token) {
        Seed.caller(jdbc, name, role, teams, token);
    }
}
