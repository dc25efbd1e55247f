package io.quaero.access;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the users, their teams and their API tokens ({@code users}, {@code user_teams},
 * {@code api_tokens}; job-service writes them). Every service that checks a caller against the
 * database reads through this (the gateway reads only).
 *
 * <p>Whether a user's sessions still hold (not signed out everywhere, not disabled) is asked on
 * every request and on every open stream's ping: the answer is kept {@value #VALIDITY_SECONDS} s,
 * so a revocation takes effect within that on every instance, at one indexed read per user per
 * interval. At most {@value #MAX_REMEMBERED} users are remembered; past that the memory starts
 * again empty (a burst of reads, never unbounded growth).
 */
public class Directory {

    static final long VALIDITY_SECONDS = 5;
    static final int MAX_REMEMBERED = 10_000;

    /** A user as stored (without the password hash: {@link #passwordHash}). */
    public record Account(long id, String name, Role role, Set<String> teams, boolean disabled,
                          Instant sessionsValidAfter) {

        /** The caller this account is on a request whose credential ends at {@code ends}. */
        public Caller caller(@Nullable Instant ends) {
            return new Caller(id, name, role, teams, ends);
        }
    }

    /** What an API token stands for: its user, and when it stops being accepted (null: never). */
    public record TokenOwner(long tokenId, Account account, @Nullable Instant expiresAt) {
    }

    private record Validity(Instant validAfter, boolean disabled, Instant readAt) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ConcurrentHashMap<Long, Validity> validity = new ConcurrentHashMap<>();

    public Directory(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    private static final String ACCOUNT = """
        SELECT u.id, u.name, u.role, u.disabled, u.sessions_valid_after,
               coalesce(array_agg(t.team ORDER BY t.team) FILTER (WHERE t.team IS NOT NULL), '{}') AS teams
        FROM users u LEFT JOIN user_teams t ON t.user_id = u.id
        """;

    public Optional<Account> byName(String name) {
        return jdbc.query(ACCOUNT + " WHERE u.name = ? GROUP BY u.id", Directory::account, name).stream().findFirst();
    }

    public Optional<Account> byId(long id) {
        return jdbc.query(ACCOUNT + " WHERE u.id = ? GROUP BY u.id", Directory::account, id).stream().findFirst();
    }

    /**
     * The password hash of user {@code name}, for the password check at sign-in (job-service). Read
     * apart from {@link Account}: the gateway's database role may not read the column at all.
     */
    public Optional<String> passwordHash(String name) {
        return jdbc.queryForList("SELECT password_hash FROM users WHERE name = ?", String.class, name).stream().findFirst();
    }

    /** The live token with this hash ({@link ApiTokens#hash}): not revoked, not expired, its user enabled. */
    public Optional<TokenOwner> byApiToken(byte[] hash) {
        record Row(long tokenId, long userId, @Nullable Instant expiresAt) {
        }
        return jdbc.query("""
                SELECT id, user_id, expires_at FROM api_tokens
                WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())""",
                (rs, i) -> new Row(rs.getLong(1), rs.getLong(2),
                    rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant()), hash)
            .stream().findFirst()
            .flatMap(row -> byId(row.userId()).filter(a -> !a.disabled()).map(a -> new TokenOwner(row.tokenId(), a, row.expiresAt())));
    }

    /**
     * True when a session of {@code userId} signed in at {@code signedInAt} still holds: the user
     * exists, is enabled, and has not been signed out everywhere since (sign-out, a new password).
     */
    public boolean sessionHolds(long userId, Instant signedInAt) {
        Instant now = clock.instant();
        Validity v = validity.get(userId);
        if (v == null || Duration.between(v.readAt(), now).toSeconds() >= VALIDITY_SECONDS) {
            v = jdbc.query("SELECT sessions_valid_after, disabled FROM users WHERE id = ?",
                (rs, i) -> new Validity(rs.getTimestamp(1).toInstant(), rs.getBoolean(2), now), userId)
                .stream().findFirst().orElse(new Validity(Instant.MAX, true, now));
            if (validity.size() >= MAX_REMEMBERED) {
                validity.clear();
            }
            validity.put(userId, v);
        }
        return !v.disabled() && !signedInAt.isBefore(v.validAfter());
    }

    /** True while the API token {@code tokenId} is neither revoked nor expired and its user enabled (read each time: rare). */
    public boolean tokenHolds(long tokenId) {
        return Boolean.TRUE.equals(jdbc.query("""
            SELECT t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND NOT u.disabled
            FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?""",
            rs -> rs.next() && rs.getBoolean(1), tokenId));
    }

    /** Forgets what it remembers of {@code userId}: this instance sees a sign-out at once (others within seconds). */
    public void forget(long userId) {
        validity.remove(userId);
    }

    private static Account account(ResultSet rs, int row) throws SQLException {
        String[] teams = (String[]) rs.getArray("teams").getArray();
        return new Account(rs.getLong("id"), rs.getString("name"),
            Role.fromWire(rs.getString("role")), Set.of(teams), rs.getBoolean("disabled"),
            rs.getTimestamp("sessions_valid_after").toInstant());
    }
}
