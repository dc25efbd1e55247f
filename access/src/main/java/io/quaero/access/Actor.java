package io.quaero.access;

import io.quaero.access.limits.Clients;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Who did something, for the audit log: the user's name, the credential it came through
 * ({@code session:<session id>}, or {@code token:<API token id>}: which session or token to end
 * if it was not them), and the client's address.
 *
 * @param client the client's address as the limits count it ({@link Clients#address}: the socket's
 *               peer, or behind a trusted balancer the client it names); null outside a request
 */
public record Actor(long userId, String name, String via, @Nullable String client) {

    /**
     * The caller of the current request.
     *
     * @throws IllegalStateException outside an authenticated request
     */
    public static Actor current(Clients clients) {
        Authentication a = SecurityContextHolder.getContext().getAuthentication();
        if (!(a instanceof CallerAuthentication ca)) {
            throw new IllegalStateException("no authenticated caller on this request");
        }
        Caller caller = ca.getPrincipal();
        String via = ca.getCredentials() instanceof Jwt jwt ? "session:" + jwt.getClaimAsString("sid") : "token:" + ca.getCredentials();
        return new Actor(caller.userId(), caller.name(), via,
            RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes r
                ? clients.address(r.getRequest()).getHostAddress() : null);
    }
}
