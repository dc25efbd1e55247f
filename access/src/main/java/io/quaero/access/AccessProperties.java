package io.quaero.access;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code quaero.access.*}: how sessions are signed and how long they last.
 *
 * @param sessionKeys   the keys session tokens are signed with, {@code id:base64-secret} separated by
 *                      commas (env {@code QUAERO_SESSION_KEYS}); the first signs, every one verifies,
 *                      so a key is rotated by putting a new one first and dropping the old one after
 *                      {@code session-max}. Every instance of every service needs the same list (a
 *                      gateway checks a session signed by job-service). Empty: a random key made at
 *                      start, valid in this process only (the one-process dev stack)
 * @param sessionIdle   a session not used for this long ends; one in use is renewed (a new cookie on
 *                      a response once half of this is gone)
 * @param sessionMax    a session ends this long after sign-in however much it is used
 * @param devAdmin      the dev stack and {@code ./quaero cluster}: job-service makes an admin
 *                      ({@code admin}, team {@code default}) if there is none, and a one-time sign-in
 *                      link for it at every start (printed by the dev stack)
 * @param devAdminToken with {@code dev-admin}, when set (env {@code QUAERO_DEV_ADMIN_TOKEN}): an API
 *                      token of that admin, for scripts and tests
 */
@ConfigurationProperties("quaero.access")
public record AccessProperties(
    @DefaultValue("") String sessionKeys,
    @DefaultValue("30m") Duration sessionIdle,
    @DefaultValue("12h") Duration sessionMax,
    @DefaultValue("false") boolean devAdmin,
    @Nullable String devAdminToken) {

    /** HS256 needs a key of at least 256 bits. */
    static final int MIN_KEY_BYTES = 32;

    public AccessProperties {
        if (sessionIdle.toSeconds() < 60) {
            throw new IllegalArgumentException("quaero.access.session-idle must be at least 1m, was " + sessionIdle);
        }
        if (sessionMax.compareTo(sessionIdle) < 0) {
            throw new IllegalArgumentException("quaero.access.session-max (" + sessionMax
                + ") must be at least quaero.access.session-idle (" + sessionIdle + ")");
        }
        keys(sessionKeys);
    }

    /** One signing key. */
    public record SessionKey(String id, byte[] secret) {
    }

    /** The configured keys, first the one that signs; empty when none is configured. */
    public List<SessionKey> keys() {
        return keys(sessionKeys);
    }

    private static List<SessionKey> keys(String spec) {
        List<SessionKey> keys = new ArrayList<>();
        for (String part : spec.split(",")) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("quaero.access.session-keys: each key is id:base64-secret, got '"
                    + entry.substring(0, Math.min(entry.length(), 8)) + "...'");
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(entry.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("quaero.access.session-keys: the secret of key '" + entry.substring(0, colon)
                    + "' is not base64");
            }
            if (secret.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("quaero.access.session-keys: the secret of key '" + entry.substring(0, colon)
                    + "' has " + secret.length + " bytes; at least " + MIN_KEY_BYTES + " are needed");
            }
            keys.add(new SessionKey(entry.substring(0, colon), secret));
        }
        return keys;
    }
}
