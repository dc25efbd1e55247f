package io.quaero.access;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Sessions as signed, expiring tokens (JWS, HS256), carried in the {@value #COOKIE} cookie: any
 * instance of any service checks one with the shared keys alone, without a session store.
 *
 * <p>A token says who (user id and name), with which role and teams (as they were at sign-in), the
 * session's id ({@code sid}), when the user signed in ({@code signed_in}, in milliseconds) and when the token ends
 * ({@code exp}: {@code session-idle} after it was issued, never past {@code signed_in + session-max}).
 * While the session is used it is renewed: a response carries a new token once half the idle time
 * is gone. Revocation (sign-out, password change, a disabled user) is a per-user instant in the
 * database that tokens signed in before it fail against ({@link Directory#sessionHolds}).
 */
public final class SessionTokens {

    /** The session cookie's name. */
    public static final String COOKIE = "quaero_session";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final NimbusJwtEncoder encoder;
    private final NimbusJwtDecoder decoder;
    private final String signingKeyId;
    private final Duration idle;
    private final Duration max;
    private final Clock clock;

    /**
     * @param keys      the first signs, all verify
     * @param stillHolds extra check of a decoded token: revocation, where the database is at hand
     *                   (a service without it checks signature and expiry only)
     */
    public SessionTokens(List<AccessProperties.SessionKey> keys, Duration idle, Duration max, Clock clock,
                         OAuth2TokenValidator<Jwt> stillHolds) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one session key is needed");
        }
        this.idle = idle;
        this.max = max;
        this.clock = clock;
        this.signingKeyId = keys.getFirst().id();
        List<JWK> all = keys.stream().<JWK>map(k -> new OctetSequenceKey.Builder(k.secret()).keyID(k.id()).build()).toList();
        this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(all.getFirst())));
        var processor = new DefaultJWTProcessor<SecurityContext>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableJWKSet<>(new JWKSet(all))));
        // Expiry is checked by Spring's validators below (with the clock given), not by Nimbus.
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
        this.decoder = new NimbusJwtDecoder(processor);
        var timestamps = new JwtTimestampValidator(Duration.ZERO);
        timestamps.setClock(clock);
        this.decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(timestamps, stillHolds));
    }

    /** A random key for one process (nothing configured): {@code local:<base64>}. */
    static AccessProperties.SessionKey randomKey() {
        byte[] secret = new byte[AccessProperties.MIN_KEY_BYTES];
        RANDOM.nextBytes(secret);
        return new AccessProperties.SessionKey("local-" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret).substring(0, 6),
            secret);
    }

    /** The token of a new session for {@code account}, signed in now. */
    public Issued issue(Directory.Account account) {
        Instant now = clock.instant();
        byte[] sid = new byte[16];
        RANDOM.nextBytes(sid);
        return encode(account.id(), account.name(), account.role(), account.teams(),
            Base64.getUrlEncoder().withoutPadding().encodeToString(sid), now, now);
    }

    /** The same session with a new expiry (as far as the idle time, never past its maximum). */
    public Issued renew(Jwt token) {
        Caller c = caller(token);
        return encode(c.userId(), c.name(), c.role(), c.teams(), token.getClaimAsString("sid"), signedInAt(token), clock.instant());
    }

    /** True once half of the idle time is gone and the session may still grow longer. */
    public boolean dueForRenewal(Jwt token) {
        Instant now = clock.instant();
        Instant end = token.getExpiresAt();
        return end != null && Duration.between(now, end).compareTo(idle.dividedBy(2)) < 0 && renewable(token);
    }

    /** True when the session may be renewed past this token's expiry (it has not reached its maximum length). */
    public boolean renewable(Jwt token) {
        Instant end = token.getExpiresAt();
        return end != null && end.isBefore(signedInAt(token).plus(max));
    }

    /** The caller a valid token stands for. */
    public Caller caller(Jwt token) {
        return new Caller(Long.parseLong(token.getSubject()), token.getClaimAsString("name"),
            Role.fromWire(token.getClaimAsString("role")), new HashSet<>(token.getClaimAsStringList("teams")), token.getExpiresAt());
    }

    /** When the user signed in to this session. */
    public static Instant signedInAt(Jwt token) {
        return Instant.ofEpochMilli(((Number) token.getClaims().get("signed_in")).longValue());
    }

    /** Decodes and checks a token (signature, expiry, still holds). */
    public JwtDecoder decoder() {
        return decoder;
    }

    /** A signed session token and when it ends (the cookie lives as long). */
    public record Issued(String token, Instant expiresAt) {
    }

    private Issued encode(long userId, String name, Role role, Set<String> teams, String sid, Instant signedIn, Instant now) {
        Instant end = now.plus(idle);
        Instant hardEnd = signedIn.plus(max);
        var claims = JwtClaimsSet.builder()
            .subject(Long.toString(userId))
            .claim("name", name)
            .claim("role", role.wireName())
            .claim("teams", List.copyOf(teams))
            .claim("sid", sid)
            // Milliseconds, not auth_time's seconds: a sign-out must revoke a session begun in
            // the same second, and spare the one begun right after it.
            .claim("signed_in", signedIn.toEpochMilli())
            .issuedAt(now)
            .expiresAt(end.isBefore(hardEnd) ? end : hardEnd)
            .build();
        var header = JwsHeader.with(MacAlgorithm.HS256).keyId(signingKeyId).build();
        return new Issued(encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue(), claims.getExpiresAt());
    }

}
