package io.quaero.jobs.accounts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.quaero.access.ApiTokens;
import io.quaero.access.Directory;
import io.quaero.access.Role;
import io.quaero.jobs.api.ConflictException;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes users, their teams, API tokens and sign-in links (job-service owns these tables; reads go
 * through {@link Directory}, as in every service). Passwords are hashed by Spring Security's
 * delegating encoder (bcrypt today, the algorithm recorded with each hash so it can change).
 */
@Repository
public class Accounts {

    /** A user as the admin API lists it (no password hash). */
    public record UserView(long id, String name, String role, Set<String> teams, boolean disabled, Instant createdAt) {
    }

    /** An API token as listed: never the token itself, which is shown once. */
    public record TokenView(long id, String user, @Nullable String description, Instant createdAt,
                            @Nullable Instant expiresAt, @Nullable Instant revokedAt) {
    }

    private final JdbcTemplate jdbc;
    private final PasswordEncoder passwords;
    private final Directory directory;

    Accounts(JdbcTemplate jdbc, PasswordEncoder passwords, Directory directory) {
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.directory = directory;
    }

    /**
     * @throws ConflictException when the name is taken
     */
    @Transactional
    public long createUser(String name, String password, Role role, Set<String> teams) {
        long id;
        try {
            id = jdbc.queryForObject("INSERT INTO users (name, password_hash, role) VALUES (?, ?, ?) RETURNING id", Long.class,
                name, passwords.encode(password), role.wireName());
        } catch (DuplicateKeyException e) {
            throw new ConflictException("name", "a user named '" + name + "' exists");
        }
        for (String team : teams) {
            jdbc.update("INSERT INTO user_teams (user_id, team) VALUES (?, ?)", id, team);
        }
        return id;
    }

    /** What an admin changes of a user; null leaves that part as it is. */
    public record UserChange(@Nullable Role role, @Nullable Set<String> teams, @Nullable Boolean disabled,
                             @Nullable String password) {
    }

    /**
     * Changes a user and ends every session they have (a session carries the role and teams it
     * began with, so the user signs in again under the new ones; their API tokens follow at once,
     * as they act with the user's current role and teams).
     *
     * @throws ConflictException when the change would leave no enabled admin
     */
    @Transactional
    public void changeUser(long userId, UserChange change) {
        jdbc.queryForList("SELECT id FROM users WHERE role = 'admin' ORDER BY id FOR UPDATE", Long.class);
        if (change.role() != null) {
            jdbc.update("UPDATE users SET role = ? WHERE id = ?", change.role().wireName(), userId);
        }
        if (change.disabled() != null) {
            jdbc.update("UPDATE users SET disabled = ? WHERE id = ?", change.disabled(), userId);
        }
        if (change.password() != null) {
            jdbc.update("UPDATE users SET password_hash = ? WHERE id = ?", passwords.encode(change.password()), userId);
        }
        if (change.teams() != null) {
            jdbc.update("DELETE FROM user_teams WHERE user_id = ?", userId);
            for (String team : change.teams()) {
                jdbc.update("INSERT INTO user_teams (user_id, team) VALUES (?, ?)", userId, team);
            }
        }
        Integer admins = jdbc.queryForObject("SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled", Integer.class);
        if (admins == null || admins == 0) {
            // Thrown inside the transaction: nothing of the change is kept.
            throw new ConflictException(change.role() != null ? "role" : "disabled", "the change would leave no enabled admin");
        }
        jdbc.update("UPDATE users SET sessions_valid_after = now() WHERE id = ?", userId);
        directory.forget(userId);
    }

    public List<UserView> users() {
        return jdbc.query("""
            SELECT u.id, u.name, u.role, u.disabled, u.created_at,
                   coalesce(array_agg(t.team ORDER BY t.team) FILTER (WHERE t.team IS NOT NULL), '{}')
            FROM users u LEFT JOIN user_teams t ON t.user_id = u.id GROUP BY u.id ORDER BY u.name""",
            (rs, i) -> new UserView(rs.getLong(1), rs.getString(2), rs.getString(3),
                Set.of((String[]) rs.getArray(6).getArray()), rs.getBoolean(4), rs.getTimestamp(5).toInstant()));
    }

    /** Sets a new password and signs the user out everywhere (every session begun before now ends). */
    @Transactional
    public void setPassword(long userId, String password) {
        jdbc.update("UPDATE users SET password_hash = ?, sessions_valid_after = now() WHERE id = ?", passwords.encode(password), userId);
        directory.forget(userId);
    }

    /** Ends every session of the user begun before now (sign-out; on every instance within seconds). */
    public void signOutEverywhere(long userId) {
        jdbc.update("UPDATE users SET sessions_valid_after = now() WHERE id = ?", userId);
        directory.forget(userId);
    }

    /** A new API token and its id (the token itself is returned once and never stored). */
    public record NewToken(long id, String token) {
    }

    /** A new API token for the user (the token itself is returned once and never stored). */
    public NewToken createToken(long userId, @Nullable String description, @Nullable Duration lifetime) {
        String token = ApiTokens.generate();
        return new NewToken(insertToken(userId, token, description, lifetime), token);
    }

    /** Makes {@code token} (one chosen by an operator, e.g. the dev stack's) an API token of the user, unless it is one already. */
    public void ensureToken(long userId, String token, String description) {
        jdbc.update("""
            INSERT INTO api_tokens (user_id, token_hash, description) VALUES (?, ?, ?)
            ON CONFLICT (token_hash) DO NOTHING""", userId, ApiTokens.hash(token), description);
    }

    private long insertToken(long userId, String token, @Nullable String description, @Nullable Duration lifetime) {
        return jdbc.queryForObject("INSERT INTO api_tokens (user_id, token_hash, description, expires_at) VALUES (?, ?, ?, ?) RETURNING id",
            Long.class, userId, ApiTokens.hash(token), description,
            lifetime == null ? null : java.sql.Timestamp.from(Instant.now().plus(lifetime)));
    }

    public List<TokenView> tokens() {
        return jdbc.query("""
            SELECT t.id, u.name, t.description, t.created_at, t.expires_at, t.revoked_at
            FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id""",
            (rs, i) -> new TokenView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant(),
                rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant()));
    }

    /** @return false when there is no such token */
    public boolean revokeToken(long tokenId) {
        boolean found = jdbc.update("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = ?", tokenId) == 1;
        directory.forgetToken(tokenId);
        return found;
    }

    /** A one-time sign-in link's secret for the user, valid for {@code lifetime}. */
    public String createSignInLink(long userId, Duration lifetime) {
        String secret = ApiTokens.generate().substring(ApiTokens.PREFIX.length());
        jdbc.update("INSERT INTO signin_links (token_hash, user_id, expires_at) VALUES (?, ?, ?)", ApiTokens.hash(secret), userId,
            java.sql.Timestamp.from(Instant.now().plus(lifetime)));
        return secret;
    }

    /** Spends a sign-in link: its user, if it existed and had not expired (either way it is gone). */
    public Optional<Long> spendSignInLink(String secret) {
        return jdbc.query("DELETE FROM signin_links WHERE token_hash = ? RETURNING user_id, expires_at > now()",
            (rs, i) -> rs.getBoolean(2) ? rs.getLong(1) : null, ApiTokens.hash(secret)).stream()
            .filter(java.util.Objects::nonNull).findFirst();
    }
}
