package io.quaero.access;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who made the request: a signed-in user (through the session cookie) or a script (through an API
 * token), with the role and teams that decide what they see. A request without one is refused
 * before it reaches a controller, except on the few public paths ({@link AccessConfiguration}).
 *
 * @param userId       the {@code users.id}
 * @param role         what they may do
 * @param teams        whose jobs they see (an admin sees every team's)
 * @param sessionEnds  when the credential stops being accepted: the session token's expiry, an API
 *                     token's own expiry, or null for a token without one. A stream open at that
 *                     instant is ended so that its client comes back with a renewed session
 */
public record Caller(long userId, String name, Role role, Set<String> teams, @Nullable Instant sessionEnds) {

    public Caller {
        teams = Set.copyOf(teams);
    }

    /** True when this caller may see a job of {@code team} (null: a job with no team, admins only). */
    public boolean sees(@Nullable String team) {
        return role == Role.ADMIN || team != null && teams.contains(team);
    }

    /** True when this caller may create, cancel and re-run jobs (an operator or an admin). */
    public boolean operates() {
        return role.ordinal() >= Role.OPERATOR.ordinal();
    }

    /** True for an admin. */
    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** The caller of the current request, if it was authenticated by Quaero's filter chain. */
    public static Optional<Caller> current() {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        return a != null && a.getPrincipal() instanceof Caller c ? Optional.of(c) : Optional.empty();
    }

    /**
     * The caller of the current request.
     *
     * @throws IllegalStateException outside an authenticated request (a path left public by mistake)
     */
    public static Caller require() {
        return current().orElseThrow(() -> new IllegalStateException("no authenticated caller on this request"));
    }
}
