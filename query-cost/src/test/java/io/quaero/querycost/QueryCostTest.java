package io.quaero.querycost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.quaero.infra.DataDirs;
import io.quaero.infra.LocalPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * The statement timeout as PostgreSQL applies it: a service's pool, made by Spring Boot as in every
 * service, against a real server.
 */
class QueryCostTest {

    private static Path dir;
    private static LocalPostgres postgres;

    @BeforeAll
    static void startPostgres() throws IOException {
        dir = Files.createTempDirectory("quaero-query-cost");
        postgres = LocalPostgres.start(dir.resolve("pg"), 0);
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
        DataDirs.deleteRecursively(dir);
    }

    private ApplicationContextRunner service() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
                QueryCostAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(), "spring.datasource.username=" + LocalPostgres.USER);
    }

    @Test
    void everyConnectionOfThePoolCarriesTheStatementTimeoutAndAQueryOverItIsCancelled() {
        service().withPropertyValues("quaero.db.statement-timeout=300ms").run(context -> {
            var jdbc = context.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SHOW statement_timeout", String.class)).isEqualTo("300ms");
            // 57014, translated by Spring into what QueryTooCostly answers.
            assertThatThrownBy(() -> jdbc.queryForObject("SELECT pg_sleep(30)", String.class))
                .isInstanceOf(QueryTimeoutException.class)
                .hasMessageContaining("statement timeout");
            // The connection is still good: the next query runs.
            assertThat(jdbc.queryForObject("SELECT 1", Integer.class)).isEqualTo(1);
        });
    }

    @Test
    void theDefaultIsFiveSeconds() {
        service().run(context -> assertThat(context.getBean(JdbcTemplate.class)
            .queryForObject("SHOW statement_timeout", String.class)).isEqualTo("5s"));
    }

    @Test
    void zeroTurnsItOff() {
        service().withPropertyValues("quaero.db.statement-timeout=0").run(context -> assertThat(context.getBean(JdbcTemplate.class)
            .queryForObject("SHOW statement_timeout", String.class)).isEqualTo("0"));
    }

    @Test
    void startupOptionsAlreadyGivenAreKept() {
        service().withPropertyValues("quaero.db.statement-timeout=2s",
            "spring.datasource.hikari.data-source-properties.options=-c lock_timeout=1000").run(context -> {
                var jdbc = context.getBean(JdbcTemplate.class);
                assertThat(jdbc.queryForObject("SHOW statement_timeout", String.class)).isEqualTo("2s");
                assertThat(jdbc.queryForObject("SHOW lock_timeout", String.class)).isEqualTo("1s");
            });
    }

    @Test
    void aNegativeOrSubMillisecondTimeoutStopsTheServiceNamingTheSetting() {
        service().withPropertyValues("quaero.db.statement-timeout=-1s").run(context -> assertThat(context).hasFailed()
            .getFailure().rootCause().hasMessageContaining("quaero.db.statement-timeout").hasMessageContaining("-1"));
        service().withPropertyValues("quaero.db.statement-timeout=1500us").run(context -> assertThat(context).hasFailed()
            .getFailure().rootCause().hasMessageContaining("quaero.db.statement-timeout").hasMessageContaining("whole milliseconds"));
    }

    @Test
    void theFieldNamedIsTheMostCostlyParameterTheRequestCarries() {
        assertThat(QueryTooCostly.costlyParameter(request("limit", "100", "level", "warn", "q", "x"))).isEqualTo("q");
        assertThat(QueryTooCostly.costlyParameter(request("limit", "100", "level", "warn", "q", ""))).isEqualTo("level");
        assertThat(QueryTooCostly.costlyParameter(request("before", "0-9", "status", "running"))).isEqualTo("status");
        assertThat(QueryTooCostly.costlyParameter(request("other", "1"))).isNull();
    }

    private static MockHttpServletRequest request(String... nameValues) {
        var request = new MockHttpServletRequest("GET", "/api/jobs");
        for (int i = 0; i < nameValues.length; i += 2) {
            request.addParameter(nameValues[i], nameValues[i + 1]);
        }
        return request;
    }
}
