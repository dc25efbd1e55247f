package io.quaero.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.BadJwtException;

/** Sessions as signed tokens: who, until when, renewed while used, rotated keys, revocation. */
class SessionTokensTest {

    private static final Directory.Account ALICE = new Directory.Account(7, "alice", Role.OPERATOR, Set.of("a", "b"), false,
        Instant.EPOCH);
    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final Duration MAX = Duration.ofHours(12);

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-06T10:00:00Z"));

    @Test
    void aTokenSaysWhoWithWhichRoleAndTeamsAndEndsAfterTheIdleTime() {
        var tokens = tokens(key("k1"));
        var issued = tokens.issue(ALICE);
        assertThat(issued.expiresAt()).isEqualTo(clock.instant().plus(IDLE));
        Caller caller = tokens.caller(tokens.decoder().decode(issued.token()));
        assertThat(caller).isEqualTo(new Caller(7, "alice", Role.OPERATOR, Set.of("a", "b"), issued.expiresAt()));

        clock.advance(IDLE.plusSeconds(1));
        assertThatThrownBy(() -> tokens.decoder().decode(issued.token())).isInstanceOf(JwtValidationException.class)
            .hasMessageContaining("expired");
    }

    @Test
    void aSessionInUseIsRenewedOnceHalfItsIdleTimeIsGoneButNeverPastItsMaximum() {
        var tokens = tokens(key("k1"));
        var first = tokens.issue(ALICE);
        clock.advance(Duration.ofMinutes(10));
        assertThat(tokens.dueForRenewal(tokens.decoder().decode(first.token()))).isFalse();
        clock.advance(Duration.ofMinutes(10));
        var jwt = tokens.decoder().decode(first.token());
        assertThat(tokens.dueForRenewal(jwt)).isTrue();
        var renewed = tokens.renew(jwt);
        assertThat(renewed.expiresAt()).isEqualTo(clock.instant().plus(IDLE));
        assertThat(SessionTokens.signedInAt(tokens.decoder().decode(renewed.token())))
            .as("a renewal keeps the sign-in instant").isEqualTo(SessionTokens.signedInAt(jwt));

        // Used all day: the last renewal ends at sign-in + the maximum.
        Instant signedIn = SessionTokens.signedInAt(jwt);
        var latest = renewed;
        while (clock.instant().isBefore(signedIn.plus(MAX).minus(Duration.ofMinutes(5)))) {
            clock.advance(Duration.ofMinutes(20));
            var current = tokens.decoder().decode(latest.token());
            if (tokens.dueForRenewal(current)) {
                latest = tokens.renew(current);
            }
        }
        assertThat(latest.expiresAt()).isEqualTo(signedIn.plus(MAX));
        assertThat(tokens.renewable(tokens.decoder().decode(latest.token()))).isFalse();
    }

    @Test
    void aRotatedKeyStillVerifiesTheOldSessionsWhileTheNewOneSigns() {
        var oldKey = key("k1");
        var newKey = key("k2");
        var before = tokens(oldKey).issue(ALICE);
        var rotated = tokens(newKey, oldKey);
        assertThat(rotated.caller(rotated.decoder().decode(before.token())).name()).isEqualTo("alice");
        var after = rotated.issue(ALICE);
        assertThatThrownBy(() -> tokens(oldKey).decoder().decode(after.token())).as("signed with the new key only")
            .isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> tokens(newKey).decoder().decode(before.token())).as("the old key dropped")
            .isInstanceOf(BadJwtException.class);
    }

    @Test
    void aTamperedTokenIsRefused() {
        var tokens = tokens(key("k1"));
        String token = tokens.issue(ALICE).token();
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace("\"operator\"", "\"admin\"");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "." + parts[2];
        assertThatThrownBy(() -> tokens.decoder().decode(forged)).isInstanceOf(BadJwtException.class);
    }

    @Test
    void aSignedOutSessionNoLongerHolds() {
        var signedOut = new AtomicBoolean();
        var tokens = new SessionTokens(List.of(key("k1")), IDLE, MAX, clock, jwt -> signedOut.get()
            ? OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "signed out", null))
            : OAuth2TokenValidatorResult.success());
        String token = tokens.issue(ALICE).token();
        assertThat(tokens.decoder().decode(token)).isNotNull();
        signedOut.set(true);
        assertThatThrownBy(() -> tokens.decoder().decode(token)).isInstanceOf(JwtValidationException.class)
            .hasMessageContaining("signed out");
    }

    @Test
    void keysAreReadFromTheirSettingAndAShortOneIsRefusedNamingIt() {
        String secret = Base64.getEncoder().encodeToString(new byte[32]);
        var props = new AccessProperties("new:" + secret + ", old:" + secret, IDLE, MAX, false, null);
        assertThat(props.keys()).extracting(AccessProperties.SessionKey::id).containsExactly("new", "old");
        assertThatThrownBy(() -> new AccessProperties("k:" + Base64.getEncoder().encodeToString(new byte[16]), IDLE, MAX, false, null))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quaero.access.session-keys").hasMessageContaining("32");
    }

    private SessionTokens tokens(AccessProperties.SessionKey... keys) {
        return new SessionTokens(List.of(keys), IDLE, MAX, clock, jwt -> OAuth2TokenValidatorResult.success());
    }

    private static AccessProperties.SessionKey key(String id) {
        byte[] secret = new byte[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) (id.hashCode() + i);
        }
        return new AccessProperties.SessionKey(id, secret);
    }

    /** A clock the test moves. */
}
