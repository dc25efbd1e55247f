package io.quaero.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;

import io.quaero.contracts.ApiError;
import io.quaero.infra.Endpoints;
import io.quaero.infra.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 14: every query of the jobs API runs under PostgreSQL's statement timeout (module
 * query-cost), and one the database cancels is a 422 naming the parameter to narrow, never a 5xx.
 */
@JobServiceWithIngestTest
@TestPropertySource(properties = "quaero.db.statement-timeout=1s")
class Issue14StatementTimeoutTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theServicesPoolCarriesTheConfiguredTimeout() {
        assertThat(jdbc.queryForObject("SHOW statement_timeout", String.class)).isEqualTo("1s");
    }

    @Test
    void aListTheDatabaseCancelsIsA422NamingItsFilterAndTheSameRequestWorksOnceItAnswers() throws Exception {
        var api = new JobsApi(port);
        UUID id = api.create("{\"type\": \"nightly-report\", \"executor\": \"external\"}");
        try (Connection blocker = lockJobs()) {
            JobsApi.Answer list = api.get("/api/jobs?status=running&limit=5");
            assertThat(list.status()).isEqualTo(422);
            assertThat(list.body().get("error").stringValue()).isEqualTo(ApiError.QUERY_TOO_COSTLY);
            assertThat(list.body().get("field").stringValue()).isEqualTo("status");

            JobsApi.Answer one = api.get("/api/jobs/" + id);
            assertThat(one.status()).as("no parameter to name, still not a 5xx").isEqualTo(422);
            assertThat(one.body().has("field")).isFalse();
        }
        assertThat(api.get("/api/jobs?status=running&limit=5").status()).isEqualTo(200);
    }

    /** A transaction holding every lock on the jobs table: a read of it waits past the timeout, on any machine. */
    private static Connection lockJobs() throws Exception {
        Endpoints e = TestInfrastructure.shared().endpoints();
        Connection c = DriverManager.getConnection(e.jdbcUrl(), e.dbUser(), e.dbPassword());
        c.setAutoCommit(false);
        try (var s = c.createStatement()) {
            s.execute("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE");
        }
        return c;
    }
}
