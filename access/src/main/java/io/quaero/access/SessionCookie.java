package io.quaero.access;

import java.time.Clock;
import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;

/**
 * The session cookie: {@code HttpOnly} (no script reads it), {@code SameSite=Lax} (another site's
 * form or script does not carry it; a link to a job page still opens signed in), {@code Secure}
 * when the request came over TLS (directly, or through the balancer's {@code X-Forwarded-Proto}),
 * living as long as its token. EventSource sends it by itself, as every same-origin request does.
 */
public final class SessionCookie {

    private SessionCookie() {
    }

    /** Sets (or renews) the session cookie on {@code response}. */
    public static void set(HttpServletRequest request, HttpServletResponse response, SessionTokens.Issued session, Clock clock) {
        write(request, response, session.token(), Duration.between(clock.instant(), session.expiresAt()));
    }

    /** Removes the session cookie from the browser (sign-out, an expired session). */
    public static void clear(HttpServletRequest request, HttpServletResponse response) {
        write(request, response, "", Duration.ZERO);
    }

    private static void write(HttpServletRequest request, HttpServletResponse response, String value, Duration maxAge) {
        var cookie = ResponseCookie.from(SessionTokens.COOKIE, value)
            .httpOnly(true)
            .sameSite("Lax")
            .secure(overTls(request))
            .path("/")
            .maxAge(maxAge.isNegative() ? Duration.ZERO : maxAge)
            .build();
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
    }

    private static boolean overTls(HttpServletRequest request) {
        return request.isSecure() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
    }
}
