package io.quaero.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quaero.access.ApiTokens;
import io.quaero.access.TestCallers;
import io.quaero.contracts.sse.LogsPayload;
import io.quaero.contracts.sse.SseJson;
import io.quaero.gateway.StreamGatewayApplication;
import io.quaero.infra.DataDirs;
import io.quaero.infra.EmbeddedKafka;
import io.quaero.infra.LocalPostgres;
import io.quaero.ingest.LogIngestApplication;
import io.quaero.ingest.intake.WriteTransactions;
import io.quaero.ingest.retention.LogPartitions;
import io.quaero.jobs.JobServiceApplication;
import io.quaero.schema.DatabaseSetup;
import io.quaero.schema.DbRole;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 14: the services work when each logs in as its own database role, as in a cluster: a
 * database that requires passwords, set up by {@link DatabaseSetup} (roles, the schema migrated by
 * its owner), then log-ingest, job-service and the gateway, each its own application with its own
 * pool and role and none migrating. A job runs end to end, a user signs in with a password, a day
 * of logs is dropped by retention. What the roles forbid is {@code Issue14DatabaseRolesTest}'s.
 */
class Issue14ServicesUnderTheirRolesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SUPERUSER_PASSWORD = "roles-test-superuser";
    private static final String ADMIN_TOKEN = ApiTokens.PREFIX + "roles-test-admin-token-00000000000000000000000000";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Path dir;
    private static LocalPostgres postgres;
    /**
     * A broker of its own: on the shared one these services would join the shared stack's consumer
     * groups (ingest's, the workers', the audit's) and store what they took in this database, so the
     * shared stack's ingest would never reach the end of the topics (its later tests got 503s).
     */
    private static EmbeddedKafka kafka;
    private static final Map<DbRole, ConfigurableApplicationContext> services = new EnumMap<>(DbRole.class);

    @BeforeAll
    static void aDatabaseSetUpAsInAClusterAndEachServiceAsItsRole() throws Exception {
        dir = Files.createTempDirectory("quaero-roles");
        postgres = LocalPostgres.start(dir.resolve("pg"), 0, Map.of(), SUPERUSER_PASSWORD);
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        var passwords = new EnumMap<DbRole, String>(DbRole.class);
        for (DbRole role : DbRole.values()) {
            passwords.put(role, "pw-" + role.roleName());
        }
        DatabaseSetup.run(new DatabaseSetup.Settings(postgres.jdbcUrl(), LocalPostgres.USER, SUPERUSER_PASSWORD, passwords));
        services.put(DbRole.INGEST, start(LogIngestApplication.class, DbRole.INGEST, passwords));
        services.put(DbRole.JOBS, start(JobServiceApplication.class, DbRole.JOBS, passwords,
            "--quaero.access.dev-admin=true", "--quaero.access.dev-admin-token=" + ADMIN_TOKEN));
        services.put(DbRole.GATEWAY, start(StreamGatewayApplication.class, DbRole.GATEWAY, passwords));
    }

    private static ConfigurableApplicationContext start(Class<?> application, DbRole role, Map<DbRole, String> passwords,
                                                        String... more) {
        var args = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off",
            "--spring.application.name=" + role.roleName(),
            "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
            "--quaero.topics.replication-factor=1",
            "--spring.datasource.url=" + postgres.jdbcUrl(),
            "--spring.datasource.username=" + role.roleName(),
            "--spring.datasource.password=" + passwords.get(role),
            // As a cluster starts them (QUAERO_DB_MIGRATE=false): the owner migrated already.
            "--spring.flyway.enabled=false",
            "--quaero.access.session-keys=" + TestCallers.SESSION_KEYS));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(application).run(args.toArray(String[]::new));
    }

    @AfterAll
    static void stop() throws Exception {
        services.values().forEach(ConfigurableApplicationContext::close);
        if (postgres != null) {
            postgres.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        DataDirs.deleteRecursively(dir);
    }

    @Test
    void eachServiceIsLoggedInAsItsRoleAndOnlyIngestsWritesRunWithoutAStatementTimeout() {
        assertThat(jdbc(DbRole.INGEST).queryForObject("SELECT current_user", String.class)).isEqualTo("quaero_ingest");
        assertThat(jdbc(DbRole.JOBS).queryForObject("SELECT current_user", String.class)).isEqualTo("quaero_jobs");
        assertThat(jdbc(DbRole.GATEWAY).queryForObject("SELECT current_user", String.class)).isEqualTo("quaero_gateway");
        // Ingest's writes are never cut, whatever its pool carries (here the dev stack's classpath gives it the timeout too).
        String inAWrite = services.get(DbRole.INGEST).getBean(WriteTransactions.class).execute(status ->
            jdbc(DbRole.INGEST).queryForObject("SHOW statement_timeout", String.class));
        assertThat(inAWrite).isEqualTo("0");
        assertThat(jdbc(DbRole.JOBS).queryForObject("SHOW statement_timeout", String.class)).isEqualTo("5s");
        assertThat(jdbc(DbRole.GATEWAY).queryForObject("SHOW statement_timeout", String.class)).isEqualTo("5s");
    }

    @Test
    void aJobRunsEndToEndAndItsLogIsReadFromTheGateway() throws Exception {
        var created = send(DbRole.JOBS, "POST", "/api/jobs", "{\"type\":\"load\",\"params\":{\"rate\":25,\"duration_s\":1}}",
            "Authorization", "Bearer " + ADMIN_TOKEN);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        UUID job = UUID.fromString(json(created).get("id").stringValue());

        await().atMost(WAIT).until(() -> "completed".equals(json(send(DbRole.JOBS, "GET", "/api/jobs/" + job, null,
            "Authorization", "Bearer " + ADMIN_TOKEN)).get("status").stringValue()));
        var page = send(DbRole.GATEWAY, "GET", "/api/jobs/" + job + "/logs?limit=100", null, "Authorization", "Bearer " + ADMIN_TOKEN);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(SseJson.fromJson(page.body(), LogsPayload.class).meta().totalCount()).as("every line ingest stored")
            .isEqualTo(jdbc(DbRole.GATEWAY).queryForObject("SELECT count(*) FROM job_logs WHERE job_id = ?", Long.class, job))
            .isGreaterThanOrEqualTo(25);
        var download = send(DbRole.GATEWAY, "GET", "/api/jobs/" + job + "/logs/download?q=line", null,
            "Authorization", "Bearer " + ADMIN_TOKEN);
        assertThat(download.statusCode()).isEqualTo(200);
    }

    @Test
    void aUserSignsInWithAPasswordAndTheGatewayHonoursTheSessionWithoutReadingPasswordHashes() throws Exception {
        var user = send(DbRole.JOBS, "POST", "/api/admin/users",
            "{\"name\":\"dora\",\"password\":\"correct horse battery\",\"role\":\"viewer\",\"teams\":[\"default\"]}",
            "Authorization", "Bearer " + ADMIN_TOKEN);
        assertThat(user.statusCode()).as(user.body()).isEqualTo(201);
        var signedIn = send(DbRole.JOBS, "POST", "/api/session", "{\"name\":\"dora\",\"password\":\"correct horse battery\"}",
            "Cookie", "XSRF-TOKEN=t0k3n", "X-XSRF-TOKEN", "t0k3n");
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        String session = signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("quaero_session="))
            .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();

        var me = send(DbRole.GATEWAY, "GET", "/api/jobs/" + UUID.randomUUID() + "/logs", null, "Cookie", session);
        assertThat(me.statusCode()).as("signed in at the gateway: an unknown job, not a refusal").isEqualTo(404);
    }

    @Test
    void retentionDropsAnExpiredDayThroughTheFunctionItMayCall() throws Exception {
        LocalDate old = LocalDate.now(ZoneOffset.UTC).minusDays(400);
        String partition = "job_logs_p" + old.toString().replace("-", "");
        try (var owner = DriverManager.getConnection(postgres.jdbcUrl(), LocalPostgres.USER, SUPERUSER_PASSWORD);
             var st = owner.createStatement()) {
            st.execute("SELECT create_log_partition('job_logs', '" + old + "')");
        }

        services.get(DbRole.INGEST).getBean(LogPartitions.class).maintain();

        assertThat(services.get(DbRole.INGEST).getBean(LogPartitions.class).days("job_logs")).doesNotContain(old);
        assertThat(jdbc(DbRole.GATEWAY).queryForObject("SELECT count(*) FROM pg_class WHERE relname = ?", Long.class, partition))
            .isZero();
    }

    private static JdbcTemplate jdbc(DbRole role) {
        return services.get(role).getBean(JdbcTemplate.class);
    }

    private static HttpResponse<String> send(DbRole service, String method, String path, String body, String... headers)
        throws Exception {
        int port = ((WebServerApplicationContext) services.get(service)).getWebServer().getPort();
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }
}
