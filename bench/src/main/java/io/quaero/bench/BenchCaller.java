package io.quaero.bench;

import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Set;

import io.quaero.access.ApiTokens;
import io.quaero.access.Role;
import io.quaero.access.Seed;
import io.quaero.contracts.sse.SseClient;
import io.quaero.infra.Endpoints;
import io.quaero.jobs.accounts.DevAdmin;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Who the benchmarks are to the stacks they start: one admin with an API token made for the run,
 * carried by every request and stream ({@code Authorization: Bearer ...}). A dev stack makes that
 * admin itself ({@code QUAERO_DEV_ADMIN_TOKEN}); a stack without job-service gets it written into
 * its database ({@link #register}). Benchmarks measure streaming, not sign-in: one token for all.
 */
final class BenchCaller {

    static final String TOKEN = ApiTokens.generate();
    static final String AUTHORIZATION = "Bearer " + TOKEN;
    /** The user {@link #register} writes. */
    static final String NAME = "bench";
    /**
     * Who the token belongs to in either kind of stack (the dev stack's admin, or {@link #NAME}):
     * the stacks a benchmark starts exempt them from the per-user and per-address limits
     * ({@code QUAERO_EXEMPT_USERS}, docs/SECURITY.md "Limits"), since a benchmark opens thousands of
     * streams as one user from one address.
     */
    static final String EXEMPT_USERS = NAME + "," + DevAdmin.NAME;

    private BenchCaller() {
    }

    /** Every {@link SseClient} stream of this JVM carries the token. */
    static void forStreams() {
        SseClient.defaultHeaders(Map.of("Authorization", AUTHORIZATION));
    }

    /** A request builder with the token. */
    static HttpRequest.Builder request(java.net.URI uri) {
        return HttpRequest.newBuilder(uri).header("Authorization", AUTHORIZATION);
    }

    /** Writes the admin and its token into the database of a stack that has no job-service (the schema must be there). */
    static void register(Endpoints e) {
        var jdbc = new JdbcTemplate(new DriverManagerDataSource(e.jdbcUrl(), e.dbUser(), e.dbPassword()));
        Seed.caller(jdbc, NAME, Role.ADMIN, Set.of("bench"), TOKEN);
    }
}
