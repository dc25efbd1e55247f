package io.quaero.access;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/** An authenticated {@link Caller}, with the authorities of its role. */
final class CallerAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;
    private final transient Object credential;

    /** @param credential what authenticated it (the session token's {@code Jwt}, or an API token's id) */
    CallerAuthentication(Caller caller, Object credential) {
        super(AuthorityUtils.createAuthorityList(caller.role().authorities()));
        this.caller = caller;
        this.credential = credential;
        setAuthenticated(true);
    }

    @Override
    public Caller getPrincipal() {
        return caller;
    }

    @Override
    public Object getCredentials() {
        return credential;
    }

    @Override
    public String getName() {
        return caller.name();
    }
}
