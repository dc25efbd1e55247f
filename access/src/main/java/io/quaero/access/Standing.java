package io.quaero.access;

import java.time.Instant;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Whether the credential a long request (a stream) was opened with still holds, asked again while
 * it runs: a stream outlives the check made when it opened. A session ends at its token's expiry
 * ({@code endsAt}); if it can be renewed ({@code renewable}) the stream ends a little before, with a
 * reset its client answers by reconnecting at once — the new request renews the cookie. A
 * signed-out session, a disabled user or a revoked token fails {@link #holds()}.
 *
 * @param endsAt    when the credential stops being accepted (null: never, an API token without expiry)
 * @param renewable true for a session that may still be renewed (not at its maximum length)
 * @param holds     asks again whether the credential holds (cached for seconds by {@link Directory})
 */
public record Standing(@Nullable Instant endsAt, boolean renewable, BooleanSupplier holds) {

    /** For a request that needs no credential (tests of the stream loop; public paths). */
    public static final Standing ALWAYS = new Standing(null, false, () -> true);

    /**
     * The standing of the current request's credential.
     *
     * @param directory null where there is no database (only expiry is known then)
     */
    static Standing current(@Nullable Directory directory, SessionTokens tokens) {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        if (!(a instanceof CallerAuthentication ca)) {
            return ALWAYS;
        }
        Caller caller = ca.getPrincipal();
        if (ca.getCredentials() instanceof Jwt jwt) {
            Instant signedIn = SessionTokens.signedInAt(jwt);
            return new Standing(jwt.getExpiresAt(), tokens.renewable(jwt),
                directory == null ? () -> true : () -> directory.sessionHolds(caller.userId(), signedIn));
        }
        long tokenId = (Long) ca.getCredentials();
        return new Standing(caller.sessionEnds(), false, directory == null ? () -> true : () -> directory.tokenHolds(tokenId));
    }
}
