package io.quaero.access;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the users, their teams and their API tokens ({@code users}, {@code user_teams},
 * {@code api_tokens}; job-service writes them). Every service that checks a caller against the
 * database reads through this (the gateway reads only).
 *
 * <p>Whether a session or an API token still holds, and whom a token stands for, is asked on
 * every request and at every open stream's ping: each answer is kept {@value #VALIDITY_SECONDS} s
 * ({@link ShortMemory}), so a sign-out or a revocation takes effect within that on every instance
 * (at once on the one that made it), at one indexed read per user or token per interval. At most
 * {@value #MAX_REMEMBERED} of each are remembered.
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

    private record Validity(Instant validAfter, boolean disabled) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ShortMemory<Long, Validity> sessions;
    /** Keyed by the token's hash in hex; only tokens found are remembered. */
    private final ShortMemory<String, TokenOwner> tokenOwners;
    private final ShortMemory<Long, Boolean> tokens;

    public Directory(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        Duration validity = Duration.ofSeconds(VALIDITY_SECONDS);
        this.sessions = new ShortMemory<>(clock, validity, MAX_REMEMBERED);
        this.tokenOwners = new ShortMemory<>(clock, validity, MAX_REMEMBERED);
        this.tokens = new ShortMemory<>(clock, validity, MAX_REMEMBERED);
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

    /**
     * The live token with this hash ({@link ApiTokens#hash}): not revoked, not expired, its user
     * enabled. What it stands for (its user's role and teams) is remembered a few seconds.
     */
    public Optional<TokenOwner> byApiToken(byte[] hash) {
        return Optional.ofNullable(tokenOwners.get(HexFormat.of().formatHex(hash), key -> readTokenOwner(hash)))
            .filter(owner -> owner.expiresAt() == null || owner.expiresAt().isAfter(clock.instant()))
            .filter(owner -> tokenHolds(owner.tokenId()));
    }

    private @Nullable TokenOwner readTokenOwner(byte[] hash) {
        record Row(long tokenId, long userId, @Nullable Instant expiresAt) {
        }
        return jdbc.query("""
                SELECT id, user_id, expires_at FROM api_tokens
                WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())""",
                (rs, i) -> new Row(rs.getLong(1), rs.getLong(2),
                    rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant()), hash)
            .stream().findFirst()
            .flatMap(row -> byId(row.userId()).filter(a -> !a.disabled()).map(a -> new TokenOwner(row.tokenId(), a, row.expiresAt())))
            .orElse(null);
    }

    /**
     * True when a session of {@code userId} signed in at {@code signedInAt} still holds: the user
     * exists, is enabled, and has not been signed out everywhere since (sign-out, a new password).
     */
    public boolean sessionHolds(long userId, Instant signedInAt) {
        Validity v = sessions.get(userId, id -> jdbc.query("SELECT sessions_valid_after, disabled FROM users WHERE id = ?",
                (rs, i) -> new Validity(rs.getTimestamp(1).toInstant(), rs.getBoolean(2)), id)
            .stream().findFirst().orElse(new Validity(Instant.MAX, true)));
        return v != null && !v.disabled() && !signedInAt.isBefore(v.validAfter());
    }

    /** True while the API token {@code tokenId} is neither revoked nor expired and its user enabled. */
    public boolean tokenHolds(long tokenId) {
        return Boolean.TRUE.equals(tokens.get(tokenId, id -> Boolean.TRUE.equals(jdbc.query("""
            SELECT t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND NOT u.disabled
            FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?""",
            rs -> rs.next() && rs.getBoolean(1), id))));
    }

    /** Forgets what it remembers of {@code userId}: this instance sees a sign-out at once (others within seconds). */
    public void forget(long userId) {
        sessions.forget(userId);
    }

    /** Forgets what it remembers of the token {@code tokenId}: this instance sees its revocation at once. */
    public void forgetToken(long tokenId) {
        tokens.forget(tokenId);
    }

    private static Account account(ResultSet rs, int row) throws SQLException {
        String[] teams = (String[]) rs.getArray("teams").getArray();
        return new Account(rs.getLong("id"), rs.getString("name"),
            Role.fromWire(rs.getString("role")), Set.of(teams), rs.getBoolean("disabled"),
            rs.getTimestamp("sessions_valid_after").toInstant());
    }
}
