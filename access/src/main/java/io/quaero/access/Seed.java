package io.quaero.access;

import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes a caller straight into the tables job-service owns, as its admin API would: for stacks
 * without job-service (the gateway benchmark) and for tests. The password is unusable ({@code
 * {noop}-} matches no sign-in): the API token is the way in.
 */
public final class Seed {

    private Seed() {
    }

    /** The user (made if missing) with these teams, and {@code token} as one of its API tokens. */
    public static void caller(JdbcTemplate jdbc, String name, Role role, Set<String> teams, String token) {
        jdbc.update("""
            INSERT INTO users (name, password_hash, role) VALUES (?, '{noop}-', ?)
            ON CONFLICT (name) DO NOTHING""", name, role.wireName());
        long id = jdbc.queryForObject("SELECT id FROM users WHERE name = ?", Long.class, name);
        for (String team : teams) {
            jdbc.update("INSERT INTO user_teams (user_id, team) VALUES (?, ?) ON CONFLICT DO NOTHING", id, team);
        }
        jdbc.update("INSERT INTO api_tokens (user_id, token_hash, description) VALUES (?, ?, 'seeded') ON CONFLICT DO NOTHING",
            id, ApiTokens.hash(token));
    }
}
