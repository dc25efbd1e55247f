package io.quaero.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * API tokens for scripts: {@code qt_} and 43 characters of base64url (256 random bits). Only a
 * SHA-256 of a token is stored: 256 random bits need no slow hash, and a leaked table gives
 * nothing to replay. The prefix tells an API token from a session token at a glance (and to
 * secret scanners).
 */
public final class ApiTokens {

    public static final String PREFIX = "qt_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiTokens() {
    }

    /** A new random token (shown once to whoever asked for it). */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** What is stored of {@code token}. */
    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
